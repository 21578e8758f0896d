// API Gateway (REST APIs): APIs, the resource tree with methods and
// integrations, create resources and methods, Enable CORS (what the AWS
// console's action does), Deploy API to a stage, invoke URLs, a test call.
import { h, clear, table, link, section, field, run, pretty, fmtTime } from "../ui.js";
import { restJson, getCreds } from "../api.js";

const ag = (method, path, opts) => restJson("apigateway", method, path, opts);
const enc = encodeURIComponent;

export async function render(main, [id]) {
  if (id) return renderApi(main, id);
  const apis = (await ag("GET", "/restapis", { query: [["limit", "500"]] })).item || [];
  const name = h("input", { id: "api-name", placeholder: "PollyNotesAPI" });
  const out = h("p", { class: "status", id: "api-status" });
  const btn = h("button", { id: "api-create", onclick: () => run(btn, out, async () => {
    const api = await ag("POST", "/restapis", { body: { name: name.value.trim(), endpointConfiguration: { types: ["REGIONAL"] } } });
    location.hash = "#/apigateway/" + enc(api.id);
    return "Created.";
  }) }, "Create API");
  clear(main, h("h1", {}, "API Gateway ", h("span", { class: "crumb" }, "REST APIs")),
    section("APIs", table([
      { label: "Name", get: (a) => link("#/apigateway/" + enc(a.id), a.name) },
      { label: "ID", get: (a) => a.id },
      { label: "Description", get: (a) => a.description || "" },
      { label: "Created", get: (a) => fmtTime(a.createdDate) },
    ], apis, { empty: "No REST APIs yet.", id: "api-list" })),
    section("Create REST API", h("div", { class: "row" }, field("Name", name), btn), out));
}

function invokeBase(id, stage) {
  return `${location.origin}/restapis/${id}/${stage}/_user_request_`;
}

async function renderApi(main, id, flash = null) {
  const api = await ag("GET", `/restapis/${enc(id)}`);
  const [resources, stages] = await Promise.all([
    ag("GET", `/restapis/${enc(id)}/resources`, { query: [["embed", "methods"], ["limit", "500"]] }).then((r) => r.item || []),
    ag("GET", `/restapis/${enc(id)}/stages`).then((r) => r.item || []),
  ]);
  resources.sort((a, b) => a.path.localeCompare(b.path));
  const out = h("p", { class: "status", id: "res-status" });
  if (flash) { out.className = "status ok"; out.textContent = flash; }
  const detail = h("pre", { id: "method-detail" }, "Choose a method to see it and its integration.");
  // reload redraws the page after a change, keeping the change's message.
  const reload = async (msg) => { await renderApi(main, id, msg); return msg; };

  const tree = h("ul", { class: "tree", id: "resource-tree" }, resources.map((r) => h("li", { "data-path": r.path },
    h("strong", {}, r.path), " ",
    Object.keys(r.resourceMethods || {}).sort().map((m) => [h("button", { class: "secondary method", "data-method": m, onclick: () => {
      const meth = r.resourceMethods[m];
      detail.textContent = `${m} ${r.path}\n\n` + pretty(meth);
    } }, m), " "]),
    h("button", { class: "secondary cors", "data-path": r.path, onclick: (ev) => run(ev.target, out, async () => {
      await enableCors(id, r);
      return reload(`CORS enabled on ${r.path}. Deploy the API for it to take effect.`);
    }) }, "Enable CORS"))));

  // Create resource and method.
  const parent = h("select", { id: "res-parent" }, resources.map((r) => h("option", { value: r.id }, r.path)));
  const part = h("input", { id: "res-part", placeholder: "notes or {id}" });
  const resBtn = h("button", { id: "res-create", onclick: () => run(resBtn, out, async () => {
    const r = await ag("POST", `/restapis/${enc(id)}/resources/${enc(parent.value)}`, { body: { pathPart: part.value.trim() } });
    return reload(`Resource ${r.path} created.`);
  }) }, "Create resource");

  const mres = h("select", { id: "m-resource" }, resources.map((r) => h("option", { value: r.id }, r.path)));
  const verb = h("select", { id: "m-verb" }, ["GET", "POST", "PUT", "DELETE", "PATCH", "ANY"].map((m) => h("option", { value: m }, m)));
  const itype = h("select", { id: "m-type" }, h("option", { value: "AWS_PROXY" }, "Lambda proxy"), h("option", { value: "AWS" }, "Lambda (non-proxy)"), h("option", { value: "MOCK" }, "Mock"));
  const fnName = h("input", { id: "m-fn", placeholder: "function name" });
  const mBtn = h("button", { id: "m-create", onclick: () => run(mBtn, out, async () => {
    const r = resources.find((x) => x.id === mres.value);
    await createMethod(id, r, verb.value, itype.value, fnName.value.trim());
    return reload(`Method ${verb.value} ${r.path} created.`);
  }) }, "Create method");

  const stage = h("input", { id: "deploy-stage", value: stages[0]?.stageName || "Prod" });
  const desc = h("input", { id: "deploy-desc", placeholder: "description (optional)" });
  const depOut = h("p", { class: "status", id: "deploy-status" });
  const depBtn = h("button", { id: "deploy-run", onclick: () => run(depBtn, depOut, async () => {
    const d = await ag("POST", `/restapis/${enc(id)}/deployments`, { body: { stageName: stage.value.trim(), description: desc.value || undefined } });
    return reload(`Deployed (deployment ${d.id}) to ${stage.value}: ${invokeBase(id, stage.value.trim())}/`);
  }) }, "Deploy API");

  // Test call through the stage's invoke URL (same origin, plain HTTP).
  const tStage = h("select", { id: "t-stage" }, stages.map((s) => h("option", { value: s.stageName }, s.stageName)));
  const tMethod = h("select", { id: "t-method" }, ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"].map((m) => h("option", { value: m }, m)));
  const tPath = h("input", { id: "t-path", value: resources.find((r) => r.path !== "/")?.path || "/" });
  const tBody = h("textarea", { id: "t-body", placeholder: "request body (optional)" });
  const tOut = h("pre", { id: "t-result" }, "");
  const tStatus = h("p", { class: "status", id: "t-status" });
  const tBtn = h("button", { id: "t-run", onclick: () => run(tBtn, tStatus, async () => {
    const init = { method: tMethod.value, headers: {} };
    if (tBody.value && !["GET", "OPTIONS"].includes(tMethod.value)) { init.body = tBody.value; init.headers["content-type"] = "application/json"; }
    const res = await fetch(invokeBase(id, tStage.value) + tPath.value, init);
    const text = await res.text();
    const hdrs = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    let body = text;
    try { body = pretty(JSON.parse(text)); } catch { /* not JSON */ }
    tOut.textContent = `HTTP ${res.status}\n${hdrs}\n\n${body}`;
    return `HTTP ${res.status}`;
  }) }, "Send");

  clear(main,
    h("h1", {}, link("#/apigateway", "API Gateway"), " / ", api.name, h("span", { class: "crumb" }, " " + api.id)),
    h("div", { class: "cols" },
      section("Resources", tree, out),
      section("Method", detail)),
    h("div", { class: "cols" },
      section("Create resource", h("div", { class: "row" }, field("Parent", parent), field("Path part", part), resBtn),
        h("h2", {}, "Create method"),
        h("div", { class: "row" }, field("Resource", mres), field("Method", verb), field("Integration", itype), field("Lambda function", fnName), mBtn)),
      section("Deploy API", h("div", { class: "row" }, field("Stage", stage), field("Description", desc), depBtn), depOut,
        h("h2", {}, "Stages"),
        table([
          { label: "Stage", get: (s) => s.stageName },
          { label: "Deployment", get: (s) => s.deploymentId },
          { label: "Invoke URL", get: (s) => invokeBase(id, s.stageName) + "/" },
          { label: "Updated", get: (s) => fmtTime(s.lastUpdatedDate) },
        ], stages, { empty: "Not deployed yet.", id: "stage-list" }))),
    section("Test call", h("div", { class: "row" }, field("Stage", tStage), field("Method", tMethod), field("Path", tPath), tBtn), tBody, tStatus, tOut));
}

async function createMethod(id, res, verb, type, fn) {
  const m = `/restapis/${enc(id)}/resources/${enc(res.id)}/methods/${verb}`;
  await ag("PUT", m, { body: { authorizationType: "NONE" } });
  const region = getCreds().region;
  if (type === "MOCK") {
    await ag("PUT", m + "/integration", { body: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } } });
  } else {
    if (!fn) throw new Error("Name the Lambda function.");
    const conf = await restJson("lambda", "GET", `/2015-03-31/functions/${enc(fn)}/configuration`);
    const uri = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${conf.FunctionArn}/invocations`;
    await ag("PUT", m + "/integration", { body: { type, httpMethod: "POST", uri } });
    const account = conf.FunctionArn.split(":")[4];
    await restJson("lambda", "POST", `/2015-03-31/functions/${enc(fn)}/policy`, { body: {
      StatementId: `console-${id}-${res.id}-${verb}-${Date.now()}`, Action: "lambda:InvokeFunction",
      Principal: "apigateway.amazonaws.com", SourceArn: `arn:aws:execute-api:${region}:${account}:${id}/*/${verb === "ANY" ? "*" : verb}${res.path}`,
    } });
  }
  if (type !== "AWS_PROXY") {
    await ag("PUT", m + "/responses/200", { body: { responseModels: { "application/json": "Empty" } } });
    await ag("PUT", m + "/integration/responses/200", { body: { responseTemplates: { "application/json": "" } } });
  }
}

const corsHeaders = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'";
const hdr = (n) => "method.response.header.Access-Control-Allow-" + n;

// enableCors does what the AWS console's "Enable CORS" does: an OPTIONS
// method with a MOCK integration answering the preflight, and
// Access-Control-Allow-Origin on the 200 responses of the other methods
// (non-proxy ones; a proxy integration's function sets its own headers).
async function enableCors(id, res) {
  const base = `/restapis/${enc(id)}/resources/${enc(res.id)}/methods`;
  const methods = Object.keys(res.resourceMethods || {}).filter((m) => m !== "OPTIONS");
  const allow = `'${[...methods, "OPTIONS"].join(",")}'`;
  if (res.resourceMethods?.OPTIONS) await ag("DELETE", base + "/OPTIONS");
  await ag("PUT", base + "/OPTIONS", { body: { authorizationType: "NONE" } });
  await ag("PUT", base + "/OPTIONS/responses/200", { body: {
    responseParameters: { [hdr("Headers")]: false, [hdr("Methods")]: false, [hdr("Origin")]: false },
    responseModels: { "application/json": "Empty" },
  } });
  await ag("PUT", base + "/OPTIONS/integration", { body: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } } });
  await ag("PUT", base + "/OPTIONS/integration/responses/200", { body: {
    responseParameters: { [hdr("Headers")]: corsHeaders, [hdr("Methods")]: allow, [hdr("Origin")]: "'*'" },
    responseTemplates: { "application/json": "" },
  } });
  for (const m of methods) {
    const meth = await ag("GET", `${base}/${m}`);
    if (!meth.methodIntegration || meth.methodIntegration.type === "AWS_PROXY" || meth.methodIntegration.type === "HTTP_PROXY") continue;
    if (!meth.methodResponses?.["200"]) continue;
    if (!(hdr("Origin") in (meth.methodResponses["200"].responseParameters || {}))) {
      await ag("PATCH", `${base}/${m}/responses/200`, { body: { patchOperations: [{ op: "add", path: "/responseParameters/" + hdr("Origin"), value: "false" }] } });
    }
    if (meth.methodIntegration.integrationResponses?.["200"]) {
      await ag("PATCH", `${base}/${m}/integration/responses/200`, { body: { patchOperations: [{ op: "add", path: "/responseParameters/" + hdr("Origin"), value: "'*'" }] } });
    }
  }
}
