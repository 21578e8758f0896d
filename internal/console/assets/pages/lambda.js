// Lambda: functions, configuration, invoke with a JSON event (result and
// log tail), recent invocations read from the function's log group.
import { h, clear, table, link, section, field, run, pretty, fmtTime, fmtBytes } from "../ui.js";
import { restJson, logs } from "../api.js";

const base = "/2015-03-31/functions";

export async function render(main, [name]) {
  if (name) return renderFunction(main, name);
  const fns = [];
  let marker;
  do {
    const out = await restJson("lambda", "GET", base + "/", { query: marker ? [["Marker", marker]] : [] });
    fns.push(...out.Functions);
    marker = out.NextMarker;
  } while (marker);
  clear(main, h("h1", {}, "Lambda ", h("span", { class: "crumb" }, "functions")),
    section("Functions", table([
      { label: "Name", get: (f) => link("#/lambda/" + encodeURIComponent(f.FunctionName), f.FunctionName) },
      { label: "Runtime", get: (f) => f.Runtime || f.PackageType },
      { label: "Handler", get: (f) => f.Handler || "" },
      { label: "Memory", get: (f) => f.MemorySize + " MB" },
      { label: "Timeout", get: (f) => f.Timeout + " s" },
      { label: "Code size", get: (f) => fmtBytes(f.CodeSize) },
      { label: "Last modified", get: (f) => fmtTime(f.LastModified) },
    ], fns, { empty: "No functions yet. Create one with aws lambda create-function.", id: "fn-list" })));
}

function b64decode(s) {
  const bin = atob(s);
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

async function renderFunction(main, name) {
  const fn = await restJson("lambda", "GET", `${base}/${encodeURIComponent(name)}`);
  const c = fn.Configuration;
  const event = h("textarea", { id: "invoke-event" });
  event.value = localStorage.getItem("nimbus.event." + name) || "{}";
  const out = h("p", { class: "status", id: "invoke-status" });
  const result = h("pre", { id: "invoke-result" }, "(not invoked yet)");
  const tail = h("pre", { id: "invoke-log" }, "");
  const recent = h("div", { id: "fn-recent" });
  const btn = h("button", { id: "invoke-run", onclick: () => run(btn, out, async () => {
    try { JSON.parse(event.value); } catch (e) { throw new Error("The event is not valid JSON: " + e.message); }
    localStorage.setItem("nimbus.event." + name, event.value);
    const t0 = performance.now();
    const res = await restJson("lambda", "POST", `${base}/${encodeURIComponent(name)}/invocations`,
      { body: event.value, headers: { "x-amz-log-type": "Tail", "x-amz-invocation-type": "RequestResponse" }, raw: true });
    const ms = Math.round(performance.now() - t0);
    const text = await res.text();
    let shown = text;
    try { shown = pretty(JSON.parse(text)); } catch { /* not JSON */ }
    result.textContent = shown;
    const logResult = res.headers.get("x-amz-log-result");
    tail.textContent = logResult ? b64decode(logResult) : "(no log tail)";
    loadRecent(name, recent);
    const ferr = res.headers.get("x-amz-function-error");
    if (ferr) throw new Error(`Function error (${ferr}) after ${ms} ms — see the result and the log.`);
    return `Status ${res.status}, ${ms} ms round trip (version ${res.headers.get("x-amz-executed-version") || "$LATEST"}).`;
  }) }, "Invoke");
  const fmt = h("button", { class: "secondary", id: "invoke-format", onclick: () => run(null, out, async () => {
    try { event.value = pretty(JSON.parse(event.value)); } catch (e) { throw new Error("The event is not valid JSON: " + e.message); }
    return "Formatted.";
  }) }, "Format JSON");

  clear(main,
    h("h1", {}, link("#/lambda", "Lambda"), " / ", name),
    h("div", { class: "cols" },
      section("Invoke", h("p", { class: "muted" }, "Event (JSON):"), event, h("div", { class: "row" }, btn, fmt), out,
        h("h2", {}, "Result"), result, h("h2", {}, "Log tail"), tail),
      section("Configuration", table([
        { label: "Setting", get: (r) => r[0] }, { label: "Value", get: (r) => r[1] },
      ], [
        ["ARN", c.FunctionArn], ["Runtime", c.Runtime || c.PackageType], ["Handler", c.Handler || ""],
        ["Role", c.Role], ["Memory", c.MemorySize + " MB"], ["Timeout", c.Timeout + " s"],
        ["Code size", fmtBytes(c.CodeSize)], ["Code SHA-256", c.CodeSha256], ["State", c.State || ""],
        ["Last modified", fmtTime(c.LastModified)], ["Log group", c.LoggingConfig?.LogGroup || "/aws/lambda/" + name],
        ...Object.entries(c.Environment?.Variables || {}).map(([k, v]) => ["env " + k, v]),
      ]), h("p", {}, link("#/logs/" + encodeURIComponent(c.LoggingConfig?.LogGroup || "/aws/lambda/" + name), "Open the log group")))),
    section("Recent invocations", recent));
  await loadRecent(name, recent);
}

// loadRecent reads the REPORT lines of the newest log streams: the
// duration of each invocation, and Init Duration on cold starts.
async function loadRecent(name, el) {
  const group = "/aws/lambda/" + name;
  let streams;
  try {
    streams = (await logs("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 5 })).logStreams;
  } catch (e) {
    clear(el, h("p", { class: "empty" }, e.code === "ResourceNotFoundException" ? "Not invoked yet." : e.message));
    return;
  }
  const rows = [];
  for (const s of streams) {
    const ev = await logs("GetLogEvents", { logGroupName: group, logStreamName: s.logStreamName, startFromHead: false, limit: 500 });
    for (const e of ev.events) {
      const m = /^REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms\s+Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([\d.]+) ms)?/.exec(e.message);
      if (m) rows.push({ time: e.timestamp, id: m[1], dur: m[2], billed: m[3], mem: m[5], init: m[6] });
    }
  }
  rows.sort((a, b) => b.time - a.time);
  clear(el, table([
    { label: "Time", get: (r) => fmtTime(r.time) },
    { label: "Request id", get: (r) => r.id },
    { label: "Start", get: (r) => h("span", { class: "tag" }, r.init ? "cold" : "warm") },
    { label: "Duration", get: (r) => r.dur + " ms" },
    { label: "Init", get: (r) => (r.init ? r.init + " ms" : "") },
    { label: "Billed", get: (r) => r.billed + " ms" },
    { label: "Max memory", get: (r) => r.mem + " MB" },
  ], rows.slice(0, 20), { empty: "Not invoked yet.", id: "fn-recent-list" }));
}
