// The console's router: #/<service>/<name>... picks a page module, which
// renders into <main>. Pages call the AWS APIs through api.js.
import { h, clear, field, section, run } from "./ui.js";
import { getCreds, setCreds } from "./api.js";
import * as dynamodb from "./pages/dynamodb.js";
import * as lambda from "./pages/lambda.js";
import * as s3 from "./pages/s3.js";
import * as polly from "./pages/polly.js";
import * as logs from "./pages/logs.js";
import * as apigateway from "./pages/apigateway.js";

const pages = { dynamodb, lambda, s3, polly, logs, apigateway };

const services = [
  ["dynamodb", "DynamoDB", "Tables, items (Scan and Query), create tables with indexes."],
  ["lambda", "Lambda", "Functions, configuration, invoke with a JSON event, log tail."],
  ["apigateway", "API Gateway", "REST APIs: resources, methods, Enable CORS, Deploy API."],
  ["s3", "S3", "Buckets and objects: upload, download, play MP3s."],
  ["polly", "Polly", "Speak text with any voice and play the result."],
  ["logs", "CloudWatch Logs", "Log groups, streams and events, with live tail."],
];

function home(main) {
  clear(main,
    h("h1", {}, "nimbus console"),
    h("p", { class: "muted" }, "Every page calls nimbus's own AWS APIs, signed with SigV4 like the AWS CLI, so what you see here is what the CLI sees."),
    h("div", { class: "home" }, services.map(([id, name, text]) =>
      h("a", { class: "card", href: "#/" + id }, h("h2", {}, name), h("p", { class: "muted" }, text)))));
}

function settings(main) {
  const c = getCreds();
  const ak = h("input", { id: "set-ak", value: c.accessKeyId });
  const sk = h("input", { id: "set-sk", type: "password", value: c.secretAccessKey });
  const tok = h("input", { id: "set-token", value: c.sessionToken });
  const reg = h("input", { id: "set-region", value: c.region });
  const out = h("p", { class: "status" });
  const save = h("button", {
    id: "set-save",
    onclick: () => run(save, out, async () => {
      setCreds({ accessKeyId: ak.value.trim(), secretAccessKey: sk.value, sessionToken: tok.value.trim(), region: reg.value.trim() || "us-east-1" });
      showWho();
      return "Saved in this browser (localStorage).";
    }),
  }, "Save");
  clear(main, h("h1", {}, "Settings"), section("Credentials",
    h("p", { class: "muted" }, "Requests are signed with these, as the AWS CLI signs with its profile. With nimbus --auth strict they must be keys nimbus knows."),
    field("Access key ID", ak), field("Secret access key", sk), field("Session token (optional)", tok), field("Region", reg),
    save, out));
}

function showWho() {
  const c = getCreds();
  document.getElementById("who").textContent = `${c.accessKeyId} · ${c.region}`;
}

async function route() {
  const main = document.getElementById("main");
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const [svc, ...rest] = parts;
  delete main.dataset.ready; // set again once the page has loaded (tests wait for it)
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.svc === svc);
  document.title = (svc ? svc + " · " : "") + "nimbus console";
  try {
    if (!svc) home(main);
    else if (svc === "settings") settings(main);
    else if (pages[svc]) await pages[svc].render(main, rest.filter((p) => p !== ""));
    else clear(main, h("p", { class: "empty" }, "No such page."));
  } catch (e) {
    clear(main, h("h1", {}, svc), h("p", { class: "status error", id: "page-error" }, e.message || String(e)));
  }
  main.dataset.ready = location.hash || "#/";
}

window.addEventListener("hashchange", route);
showWho();
route();
