package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type In struct {
	Name string `json:"name"`
	Fail bool   `json:"fail"`
}

func handle(ctx context.Context, in In) (map[string]string, error) {
	if in.Fail {
		return nil, errors.New("asked to fail")
	}
	lc, _ := lambdacontext.FromContext(ctx)
	fmt.Println("go handler saw", in.Name)
	return map[string]string{"hello": in.Name, "fn": lambdacontext.FunctionName, "arn": lc.InvokedFunctionArn}, nil
}

func main() { lambda.Start(handle) }
