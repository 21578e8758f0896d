package dynamodb

import (
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/legacy"
)

// Legacy parameters (Expected, AttributesToGet, KeyConditions, QueryFilter,
// ScanFilter, AttributeUpdates, ConditionalOperator) are translated into
// the expression language by package legacy and then run through the same
// engine as expressions. Each function below checks the mix rules, applies
// the client-side checks to the client's own placeholders, then rewrites the
// request in place.

// translator starts from the request's own placeholders.
func translator(p *exprParams) *legacy.Out {
	return &legacy.Out{Names: p.ExpressionAttributeNames, Values: p.ExpressionAttributeValues}
}

func (o *exprParams) adopt(out *legacy.Out) {
	if len(out.Names) > 0 {
		o.ExpressionAttributeNames = out.Names
	}
	if len(out.Values) > 0 {
		o.ExpressionAttributeValues = out.Values
	}
}

func setExpr(dst **string, src string) {
	if src != "" {
		*dst = &src
	}
}

// legacyPutDelete handles Expected/ConditionalOperator on PutItem and DeleteItem.
func legacyPutDelete(p *exprParams, expected map[string]legacy.ExpectedAttributeValue, condOp *string, condExpr **string) error {
	present := map[string]bool{"Expected": expected != nil, "ConditionalOperator": condOp != nil, "ConditionExpression": *condExpr != nil}
	has := func(n string) bool { return present[n] }
	if err := legacy.CheckMix(legacy.Present(legacy.PutDeleteLegacy, has), legacy.Present(legacy.PutDeleteExpressions, has)); err != nil {
		return err
	}
	if err := exprCheck(p, *condExpr != nil); err != nil {
		return err
	}
	if expected == nil && condOp == nil {
		return nil
	}
	out := translator(p)
	cond, err := out.Expected(expected, condOp)
	if err != nil {
		return err
	}
	setExpr(condExpr, cond)
	p.adopt(out)
	return nil
}

// legacyUpdate handles AttributeUpdates and Expected on UpdateItem.
func legacyUpdate(in *UpdateItemInput) error {
	present := map[string]bool{"AttributeUpdates": in.AttributeUpdates != nil, "Expected": in.Expected != nil, "ConditionalOperator": in.ConditionalOperator != nil,
		"UpdateExpression": in.UpdateExpression != nil, "ConditionExpression": in.ConditionExpression != nil}
	has := func(n string) bool { return present[n] }
	if err := legacy.CheckMix(legacy.Present(legacy.UpdateLegacy, has), legacy.Present(legacy.UpdateExpressions, has)); err != nil {
		return err
	}
	if err := exprCheck(&in.exprParams, in.ConditionExpression != nil || in.UpdateExpression != nil); err != nil {
		return err
	}
	if in.AttributeUpdates == nil && in.Expected == nil && in.ConditionalOperator == nil {
		return nil
	}
	out := translator(&in.exprParams)
	if in.AttributeUpdates != nil {
		upd, err := out.AttributeUpdates(in.AttributeUpdates)
		if err != nil {
			return err
		}
		setExpr(&in.UpdateExpression, upd)
	}
	if in.Expected != nil || in.ConditionalOperator != nil {
		cond, err := out.Expected(in.Expected, in.ConditionalOperator)
		if err != nil {
			return err
		}
		setExpr(&in.ConditionExpression, cond)
	}
	in.exprParams.adopt(out)
	return nil
}

// legacyGet handles AttributesToGet on GetItem (and BatchGetItem's tables).
func legacyGet(names map[string]string, attrs []string, projExpr **string) (map[string]string, error) {
	present := map[string]bool{"AttributesToGet": attrs != nil, "ProjectionExpression": *projExpr != nil}
	has := func(n string) bool { return present[n] }
	if err := legacy.CheckMix(legacy.Present(legacy.GetLegacy, has), legacy.Present(legacy.GetExpressions, has)); err != nil {
		return nil, err
	}
	if names != nil {
		if *projExpr == nil {
			return nil, validation("ExpressionAttributeNames can only be specified when using expressions")
		}
		if len(names) == 0 {
			return nil, validation("ExpressionAttributeNames must not be empty")
		}
	}
	if attrs == nil {
		return names, nil
	}
	out := &legacy.Out{Names: names}
	proj, err := out.AttributesToGet(attrs)
	if err != nil {
		return nil, err
	}
	setExpr(projExpr, proj)
	return out.Names, nil
}

// legacyRead handles Query's and Scan's legacy parameters. It reports
// whether the filter came from QueryFilter/ScanFilter (for the wording of
// the key-attribute error).
func legacyRead(in *QueryInput, query bool) (legacyFilter bool, err error) {
	filterParam, filter := "ScanFilter", in.ScanFilter
	order, exprOrder := legacy.ScanLegacy, legacy.ScanExpressions
	if query {
		filterParam, filter = "QueryFilter", in.QueryFilter
		order, exprOrder = legacy.QueryLegacy, legacy.QueryExpressions
	}
	present := map[string]bool{"AttributesToGet": in.AttributesToGet != nil, "ScanFilter": in.ScanFilter != nil, "QueryFilter": in.QueryFilter != nil,
		"ConditionalOperator": in.ConditionalOperator != nil, "KeyConditions": in.KeyConditions != nil,
		"ProjectionExpression": in.ProjectionExpression != nil, "FilterExpression": in.FilterExpression != nil, "KeyConditionExpression": in.KeyConditionExpression != nil}
	has := func(n string) bool { return present[n] }
	if err := legacy.CheckMix(legacy.Present(order, has), legacy.Present(exprOrder, has)); err != nil {
		return false, err
	}
	if err := exprCheck(&in.exprParams, in.KeyConditionExpression != nil || in.FilterExpression != nil || in.ProjectionExpression != nil); err != nil {
		return false, err
	}
	if in.AttributesToGet == nil && filter == nil && in.ConditionalOperator == nil && (!query || in.KeyConditions == nil) {
		return false, nil
	}
	out := translator(&in.exprParams)
	if query && in.KeyConditions != nil {
		kc, err := out.KeyConditions(in.KeyConditions)
		if err != nil {
			return false, err
		}
		setExpr(&in.KeyConditionExpression, kc)
	}
	if filter != nil || in.ConditionalOperator != nil {
		f, err := out.Conditions(filterParam, filter, in.ConditionalOperator)
		if err != nil {
			return false, err
		}
		setExpr(&in.FilterExpression, f)
		legacyFilter = f != ""
	}
	if in.AttributesToGet != nil {
		if str(in.Select) == "ALL_ATTRIBUTES" || str(in.Select) == "COUNT" {
			return false, validation("Cannot specify the AttributesToGet when choosing to get " + str(in.Select))
		}
		proj, err := out.AttributesToGet(in.AttributesToGet)
		if err != nil {
			return false, err
		}
		setExpr(&in.ProjectionExpression, proj)
	}
	in.exprParams.adopt(out)
	in.KeyConditions, in.QueryFilter, in.ScanFilter, in.AttributesToGet, in.ConditionalOperator = nil, nil, nil, nil, nil
	return legacyFilter, nil
}
