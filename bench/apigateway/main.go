// Command apigateway measures the latency API Gateway adds in nimbus: a
// MOCK integration with a small mapping template, and a Lambda proxy
// integration next to a direct Lambda Invoke of the same function,
// measured in the same run (sequential requests, one keep-alive
// connection, p50/p90/p99).
//
//	go run ./bench/apigateway [-n 3000] [-warmup 300]
//
// nimbus runs in this process (in memory, on a loopback port). API calls
// use plain net/http; the direct Invoke is measured both with aws-sdk-go-v2
// (as a client would) and over the same net/http client (the fair
// comparison for the overhead figure); an unsigned health request shows
// what HTTP and the edge cost on their own.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/nimbus-cloud/nimbus"
)

var (
	n      = flag.Int("n", 3000, "measured requests per case")
	warmup = flag.Int("warmup", 300, "warm-up requests per case, not counted")
)

const handler = `
def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
`

func main() {
	flag.Parse()
	srv, err := nimbus.New(nimbus.Config{Addr: "127.0.0.1:0", Memory: true, LogOutput: io.Discard})
	check(err)
	check(srv.Start())
	defer srv.Close()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.Endpoint())}
	gw := apigateway.NewFromConfig(cfg)
	lam := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.RetryMaxAttempts = 1 })
	ctx := context.Background()

	fn, err := lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("bench"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("index.handler"), Role: aws.String("arn:aws:iam::000000000000:role/r"),
		Code: &ltypes.FunctionCode{ZipFile: zipOf("index.py", handler)}})
	check(err)
	_, err = lam.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("bench"), StatementId: aws.String("apigw"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("apigateway.amazonaws.com")})
	check(err)

	api, err := gw.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("bench")})
	check(err)
	mock, err := gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: api.RootResourceId, PathPart: aws.String("mock")})
	check(err)
	_, err = gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: mock.Id, HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")})
	check(err)
	_, err = gw.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: mock.Id, HttpMethod: aws.String("GET"),
		Type: agtypes.IntegrationTypeMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}})
	check(err)
	_, err = gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: api.Id, ResourceId: mock.Id, HttpMethod: aws.String("GET"), StatusCode: aws.String("200")})
	check(err)
	_, err = gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: api.Id, ResourceId: mock.Id, HttpMethod: aws.String("GET"),
		StatusCode: aws.String("200"), ResponseTemplates: map[string]string{"application/json": `{"id": "$input.params('id')", "stage": "$context.stage"}`}})
	check(err)
	proxy, err := gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: api.RootResourceId, PathPart: aws.String("proxy")})
	check(err)
	_, err = gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: proxy.Id, HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")})
	check(err)
	_, err = gw.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: proxy.Id, HttpMethod: aws.String("GET"),
		Type: agtypes.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + *fn.FunctionArn + "/invocations")})
	check(err)
	_, err = gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("bench")})
	check(err)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	get := func(url string, want string) func() {
		return func() {
			resp, err := client.Get(url)
			check(err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || (want != "" && string(b) != want) {
				fail("GET %s: %d %s", url, resp.StatusCode, b)
			}
		}
	}
	base := srv.Endpoint()
	stage := base + "/restapis/" + *api.Id + "/bench/_user_request_"
	payload := []byte(`{"resource":"/proxy","path":"/proxy","httpMethod":"GET","headers":{"Host":"x"},"body":null,"isBase64Encoded":false}`)
	direct := func() {
		out, err := lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("bench"), Payload: payload})
		check(err)
		if out.FunctionError != nil {
			fail("direct invoke: %s", out.Payload)
		}
	}

	// The same Invoke over plain net/http, as the API calls are made: the
	// key is one nimbus does not know, so accept mode reads the scope and
	// checks only the date, and the request bytes are built once.
	amzDate := time.Now().UTC().Format("20060102T150405Z")
	invokeURL := base + "/2015-03-31/functions/bench/invocations"
	directHTTP := func() {
		req, err := http.NewRequest("POST", invokeURL, bytes.NewReader(payload))
		check(err)
		req.Header.Set("X-Amz-Date", amzDate)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=BENCHKEY/"+amzDate[:8]+"/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		resp, err := client.Do(req)
		check(err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "" {
			fail("direct invoke over net/http: %d %s", resp.StatusCode, b)
		}
	}

	fmt.Printf("nimbus API Gateway benchmark — %s, %s/%s, %d CPUs, %d requests per case (after %d warm-up)\n\n",
		time.Now().UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), *n, *warmup)
	cases := []struct {
		name string
		f    func()
	}{
		{"edge only: GET /_nimbus/health (net/http)", get(base+"/_nimbus/health", "")},
		{"MOCK + response template (net/http)", get(stage+"/mock?id=7", `{"id": "7", "stage": "bench"}`)},
		{"Lambda direct Invoke (aws-sdk-go-v2)", direct},
		{"Lambda direct Invoke (net/http)", directHTTP},
		{"Lambda via AWS_PROXY (net/http)", get(stage+"/proxy", "ok")},
	}
	res := map[string][]time.Duration{}
	fmt.Printf("%-45s %10s %10s %10s\n", "case", "p50", "p90", "p99")
	for _, c := range cases {
		for i := 0; i < *warmup; i++ {
			c.f()
		}
		d := make([]time.Duration, *n)
		for i := range d {
			t0 := time.Now()
			c.f()
			d[i] = time.Since(t0)
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		res[c.name] = d
		fmt.Printf("%-45s %10s %10s %10s\n", c.name, us(pct(d, 50)), us(pct(d, 90)), us(pct(d, 99)))
	}
	health, mockD := pct(res[cases[0].name], 50), pct(res[cases[1].name], 50)
	sdkD, directD, proxyD := pct(res[cases[2].name], 50), pct(res[cases[3].name], 50), pct(res[cases[4].name], 50)
	fmt.Printf("\nMOCK p50: %s (target < 300µs); over the edge alone: %s\n", us(mockD), us(mockD-health))
	fmt.Printf("AWS_PROXY overhead over direct Invoke (both net/http), p50: %s (target < 500µs); over the SDK's Invoke: %s\n",
		us(proxyD-directD), us(proxyD-sdkD))
}

func pct(d []time.Duration, p int) time.Duration { return d[(len(d)-1)*p/100] }

func us(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond)) }

func zipOf(name, body string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	check(err)
	w.Write([]byte(body))
	check(zw.Close())
	return buf.Bytes()
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/apigateway: "+format+"\n", args...)
	os.Exit(1)
}
