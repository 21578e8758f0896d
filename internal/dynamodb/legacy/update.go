package legacy

import (
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// AttributesToGet translates AttributesToGet into a ProjectionExpression.
// The names are top-level attribute names, taken literally (a name with a
// dot is one attribute, not a path).
func (o *Out) AttributesToGet(names []string) (string, error) {
	if len(names) == 0 {
		var c constraints
		c.add("'[]'", "attributesToGet", "Member must have length greater than or equal to 1")
		return "", c.err()
	}
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return "", invalid("Duplicate value in attribute name: %s", n)
		}
		seen[n] = true
	}
	ps := make([]string, len(names))
	for i, n := range names {
		ps[i] = o.name(n)
	}
	return strings.Join(ps, ", "), nil
}

// AttributeUpdates translates an UpdateItem's AttributeUpdates into an
// UpdateExpression. An empty map gives an empty result: no update.
func (o *Out) AttributeUpdates(upd map[string]AttributeValueUpdate) (string, error) {
	keys := sortedKeys(upd)
	var c constraints
	for _, k := range keys {
		c.enum(upd[k].Action, "attributeUpdates."+k+".member.action", enumAction)
	}
	if err := c.err(); err != nil {
		return "", err
	}
	var set, remove, add, del []string
	for _, k := range keys {
		u := upd[k]
		action := "PUT"
		if u.Action != nil {
			action = *u.Action
		}
		if u.Value == nil {
			if action != "DELETE" {
				return "", invalid("Only DELETE action is allowed when no attribute value is specified")
			}
			remove = append(remove, o.name(k))
			continue
		}
		kind := u.Value.Kind
		switch action {
		case "PUT":
			set = append(set, o.name(k)+" = "+o.value(*u.Value))
		case "DELETE":
			if kind != attr.SS && kind != attr.NS && kind != attr.BS {
				return "", invalid("DELETE action with value is not supported for the type %s", kind)
			}
			del = append(del, o.name(k)+" "+o.value(*u.Value))
		case "ADD":
			switch kind {
			case attr.N, attr.SS, attr.NS, attr.BS:
				add = append(add, o.name(k)+" "+o.value(*u.Value))
			case attr.L:
				// Legacy ADD appends to a list, creating it when missing.
				a := o.name(k)
				empty := o.value(attr.Value{Kind: attr.L, List: []attr.Value{}})
				set = append(set, a+" = list_append(if_not_exists("+a+", "+empty+"), "+o.value(*u.Value)+")")
			default:
				return "", invalid("ADD action is not supported for the type %s", kind)
			}
		}
	}
	var b strings.Builder
	section := func(verb string, actions []string) {
		if len(actions) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(verb + " " + strings.Join(actions, ", "))
	}
	section("SET", set)
	section("REMOVE", remove)
	section("ADD", add)
	section("DELETE", del)
	return b.String(), nil
}
