package lambda_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestNode(t *testing.T) {
	needNode(t)
	c := start(t)
	cases := []struct {
		name, handler string
		files         map[string]string
		want          string
	}{
		{"cjs-async", "index.handler", map[string]string{"index.js": `
exports.handler = async (event, context) => {
  console.log("hello", {n: event.n});
  return {n: event.n, name: context.functionName, mem: context.memoryLimitInMB, id: context.awsRequestId.length,
          left: context.getRemainingTimeInMillis() > 0};
};`}, `{"n":1,"name":"node-cjs-async","mem":"128","id":36,"left":true}`},
		{"cjs-callback", "lib/handlers.run", map[string]string{"lib/handlers.js": `
exports.run = (event, context, callback) => { setTimeout(() => callback(null, {cb: event.n}), 1); };`}, `{"cb":1}`},
		{"esm-mjs", "index.handler", map[string]string{"index.mjs": `
export const handler = async (event) => ({esm: event.n});`}, `{"esm":1}`},
		{"esm-type-module", "app.handler", map[string]string{"package.json": `{"type": "module"}`, "app.js": `
export async function handler(event) { return {typeModule: event.n}; }`}, `{"typeModule":1}`},
		{"undefined-result", "index.handler", map[string]string{"index.js": `exports.handler = async () => {};`}, `null`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.create(t, "node-"+tc.name, "nodejs20.x", tc.handler, tc.files)
			out := c.invoke(t, "node-"+tc.name, `{"n": 1}`, func(in *lambda.InvokeInput) { in.LogType = types.LogTypeTail })
			if out.FunctionError != nil {
				t.Fatalf("%s: %s", *out.FunctionError, out.Payload)
			}
			if string(out.Payload) != tc.want {
				t.Errorf("payload %s, want %s", out.Payload, tc.want)
			}
			if tc.name == "cjs-async" {
				tail, _ := base64.StdEncoding.DecodeString(*out.LogResult)
				if !strings.Contains(string(tail), "\tINFO\thello { n: 1 }") {
					t.Errorf("console.log not in the log:\n%s", tail)
				}
			}
		})
	}
}

func TestNodeErrors(t *testing.T) {
	needNode(t)
	c := start(t)
	files := map[string]string{
		"index.js": `
exports.fail = async () => { throw new TypeError("wrong type"); };
exports.cbfail = (e, c, cb) => cb(new Error("via callback"));
exports.str = async () => { throw "plain string"; };
exports.exit = async () => { process.exit(2); };
exports.hog = async () => { const a = []; for (;;) a.push(new Array(1e6).fill(1.5)); };
exports.circular = async () => { const o = {}; o.o = o; return o; };
`,
		"broken.js": "exports.handler = async () => {",
	}
	cases := []struct{ name, handler, wantType, wantMsg string }{
		{"throw", "index.fail", "TypeError", "wrong type"},
		{"callback", "index.cbfail", "Error", "via callback"},
		{"string", "index.str", "string", "plain string"},
		{"nomodule", "missing.handler", "Runtime.ImportModuleError", "Cannot find module 'missing'"},
		{"nohandler", "index.nothere", "Runtime.HandlerNotFound", "index.nothere is undefined or not exported"},
		{"syntax", "broken.handler", "Runtime.UserCodeSyntaxError", "SyntaxError"},
		{"exit", "index.exit", "Runtime.ExitError", "Runtime exited with error: exit status 2"},
		{"oom", "index.hog", "Runtime.OutOfMemory", "Runtime exited with error: signal"},
		{"marshal", "index.circular", "Runtime.MarshalError", "Unable to stringify response body as json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.create(t, "node-"+tc.name, "nodejs20.x", tc.handler, files)
			d := functionError(t, c.invoke(t, "node-"+tc.name, `{}`))
			if d.ErrorType != tc.wantType || !strings.Contains(d.ErrorMessage, tc.wantMsg) {
				t.Errorf("got %s: %s", d.ErrorType, d.ErrorMessage)
			}
			if tc.name == "throw" && (len(d.Trace) == 0 || !strings.HasPrefix(d.Trace[0], "TypeError: wrong type")) {
				t.Errorf("trace %q", d.Trace)
			}
		})
	}
}
