package apigateway

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// PatchOperation is one change in an UpdateX request, as the console and
// the CLI (--patch-operations op=replace,path=/name,value=x) send them.
// Paths are JSON Pointers: "~1" stands for "/" inside a token.
type PatchOperation struct {
	Op    string  `json:"op"`
	Path  string  `json:"path"`
	Value *string `json:"value,omitempty"`
	From  *string `json:"from,omitempty"`
}

// Member kinds a patch may change.
const (
	kString  = "string"
	kBool    = "bool"
	kInt     = "int"
	kFloat   = "float"
	kList    = "list"     // list of strings; the item is the last path token (binaryMediaTypes)
	kMapStr  = "map:str"  // map of strings; the key is the next token
	kMapBool = "map:bool" // map of booleans (method requestParameters)
	kObject  = "object"   // nested object of scalars (accessLogSettings)
)

// patchSpec lists the members an UpdateX operation may change and their kinds.
type patchSpec map[string]string

// applyPatch applies ops to v (a pointer to a stored document) through its
// JSON form, so that member names are the wire names the paths use.
func applyPatch(v any, ops []PatchOperation, spec patchSpec) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc := map[string]any{}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	for _, op := range ops {
		if err := applyOne(doc, op, spec); err != nil {
			return err
		}
	}
	raw, err = json.Marshal(doc)
	if err != nil {
		return err
	}
	// Decode into a zeroed value so that removed members go away.
	return json.Unmarshal(raw, zeroed(v))
}

func zeroed(v any) any {
	switch p := v.(type) {
	case *RestApi:
		*p = RestApi{}
	case *Resource:
		*p = Resource{}
	case *Method:
		*p = Method{}
	case *MethodResponse:
		*p = MethodResponse{}
	case *Integration:
		*p = Integration{}
	case *IntegrationResponse:
		*p = IntegrationResponse{}
	case *Model:
		*p = Model{}
	case *RequestValidator:
		*p = RequestValidator{}
	case *GatewayResponse:
		*p = GatewayResponse{}
	case *Deployment:
		*p = Deployment{}
	case *Stage:
		*p = Stage{}
	}
	return v
}

func invalidPath(op PatchOperation, spec patchSpec) error {
	names := make([]string, 0, len(spec))
	for k := range spec {
		names = append(names, "/"+k)
	}
	sort.Strings(names)
	return badRequest(fmt.Sprintf("Invalid patch path '%s' specified for op '%s'. Must be one of: [%s]", op.Path, op.Op, strings.Join(names, ", ")))
}

func applyOne(doc map[string]any, op PatchOperation, spec patchSpec) error {
	switch op.Op {
	case "add", "remove", "replace", "move", "copy", "test":
	default:
		return badRequest("Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]")
	}
	if !strings.HasPrefix(op.Path, "/") {
		return invalidPath(op, spec)
	}
	tokens := strings.Split(op.Path[1:], "/")
	for i := range tokens {
		tokens[i] = unescapePath(tokens[i])
	}
	kind, ok := spec[tokens[0]]
	if !ok {
		return invalidPath(op, spec)
	}
	if op.Op == "move" || op.Op == "copy" {
		if op.From == nil {
			return badRequest("Invalid patch operation specified: 'from' is required for op '" + op.Op + "'")
		}
		src := PatchOperation{Op: "test", Path: *op.From}
		val, err := getPath(doc, src, spec)
		if err != nil {
			return err
		}
		if op.Op == "move" {
			if err := applyOne(doc, PatchOperation{Op: "remove", Path: *op.From}, spec); err != nil {
				return err
			}
		}
		return applyOne(doc, PatchOperation{Op: "replace", Path: op.Path, Value: &val}, spec)
	}
	if op.Op == "test" {
		return nil
	}
	value := ""
	if op.Value != nil {
		value = *op.Value
	}
	if op.Op != "remove" && op.Value == nil && kind != kList {
		return badRequest(fmt.Sprintf("Invalid patch operation specified: 'value' is required for op '%s' on path '%s'", op.Op, op.Path))
	}
	key := tokens[0]
	switch kind {
	case kString, kBool, kInt, kFloat:
		if len(tokens) != 1 {
			return invalidPath(op, spec)
		}
		if op.Op == "remove" {
			delete(doc, key)
			return nil
		}
		v, err := coerce(kind, value, op.Path)
		if err != nil {
			return err
		}
		doc[key] = v
	case kList:
		list, _ := doc[key].([]any)
		if len(tokens) == 1 {
			// replace the whole list with a comma-separated value
			if op.Op == "remove" {
				delete(doc, key)
				return nil
			}
			var items []any
			for _, it := range strings.Split(value, ",") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, it)
				}
			}
			doc[key] = items
			return nil
		}
		item := strings.Join(tokens[1:], "/")
		var out []any
		for _, it := range list {
			if it != item {
				out = append(out, it)
			}
		}
		switch op.Op {
		case "add":
			out = append(out, item)
		case "replace":
			if value != "" {
				out = append(out, value)
			} else {
				out = append(out, item)
			}
		}
		doc[key] = out
	case kMapStr, kMapBool:
		m, _ := doc[key].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if len(tokens) == 1 {
			if op.Op == "remove" {
				delete(doc, key)
				return nil
			}
			return invalidPath(op, spec)
		}
		k := strings.Join(tokens[1:], "/")
		if op.Op == "remove" {
			delete(m, k)
		} else if kind == kMapBool {
			b, err := coerce(kBool, value, op.Path)
			if err != nil {
				return err
			}
			m[k] = b
		} else {
			m[k] = value
		}
		doc[key] = m
	case kObject:
		m, _ := doc[key].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if len(tokens) == 1 {
			if op.Op == "remove" {
				delete(doc, key)
				return nil
			}
			return invalidPath(op, spec)
		}
		k := tokens[1]
		if op.Op == "remove" {
			delete(m, k)
		} else if _, isBool := m[k].(bool); isBool {
			b, err := coerce(kBool, value, op.Path)
			if err != nil {
				return err
			}
			m[k] = b
		} else if len(tokens) == 3 {
			// endpointConfiguration/types/EDGE → value
			m[k] = []any{value}
		} else {
			m[k] = value
		}
		doc[key] = m
	}
	return nil
}

func getPath(doc map[string]any, op PatchOperation, spec patchSpec) (string, error) {
	tokens := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
	var cur any = doc
	for _, t := range tokens {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", invalidPath(op, spec)
		}
		cur, ok = m[unescapePath(t)]
		if !ok {
			return "", invalidPath(op, spec)
		}
	}
	switch v := cur.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	return "", invalidPath(op, spec)
}

func coerce(kind, value, path string) (any, error) {
	switch kind {
	case kBool:
		b, err := strconv.ParseBool(strings.ToLower(value))
		if err != nil {
			return nil, badRequest(fmt.Sprintf("Invalid boolean value '%s' for path %s", value, path))
		}
		return b, nil
	case kInt:
		n, err := strconv.Atoi(value)
		if err != nil {
			return nil, badRequest(fmt.Sprintf("Invalid integer value '%s' for path %s", value, path))
		}
		return n, nil
	case kFloat:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, badRequest(fmt.Sprintf("Invalid double value '%s' for path %s", value, path))
		}
		return f, nil
	}
	return value, nil
}
