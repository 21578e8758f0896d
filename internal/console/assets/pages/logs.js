// CloudWatch Logs: groups, streams, events, and a live tail that polls
// FilterLogEvents for events newer than the last one shown.
import { h, clear, table, link, section, field, run, fmtTime, fmtBytes } from "../ui.js";
import { logs } from "../api.js";

let tailTimer = null;
window.addEventListener("hashchange", () => { clearInterval(tailTimer); tailTimer = null; });

export async function render(main, [group, stream]) {
  if (group) return renderGroup(main, group, stream);
  const groups = [];
  let nextToken;
  do {
    const out = await logs("DescribeLogGroups", nextToken ? { nextToken } : {});
    groups.push(...out.logGroups);
    nextToken = out.nextToken;
  } while (nextToken);
  clear(main, h("h1", {}, "CloudWatch Logs ", h("span", { class: "crumb" }, "log groups")),
    section("Log groups", table([
      { label: "Name", get: (g) => link("#/logs/" + encodeURIComponent(g.logGroupName), g.logGroupName) },
      { label: "Retention", get: (g) => (g.retentionInDays ? g.retentionInDays + " days" : "never expire") },
      { label: "Stored", get: (g) => fmtBytes(g.storedBytes) },
      { label: "Created", get: (g) => fmtTime(g.creationTime) },
    ], groups, { empty: "No log groups yet.", id: "group-list" })));
}

async function renderGroup(main, group, stream) {
  const streams = (await logs("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 50 })).logStreams;
  const events = h("pre", { id: "log-events" }, "");
  const out = h("p", { class: "status", id: "log-status" });
  const live = h("input", { type: "checkbox", id: "log-live" });
  const gpath = "#/logs/" + encodeURIComponent(group);
  let lastTime = 0;
  const seen = new Set();
  const add = (evs) => {
    for (const e of evs) {
      const id = e.eventId || `${e.logStreamName}/${e.timestamp}/${e.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      lastTime = Math.max(lastTime, e.timestamp);
      events.append(`${fmtTime(e.timestamp)}  ${e.logStreamName ? e.logStreamName.slice(-12) + "  " : ""}${e.message.replace(/\n$/, "")}\n`);
    }
    events.scrollTop = events.scrollHeight;
  };
  async function load() {
    if (stream) {
      const r = await logs("GetLogEvents", { logGroupName: group, logStreamName: stream, startFromHead: false, limit: 1000 });
      add(r.events.map((e) => ({ ...e, logStreamName: "" })));
      return;
    }
    let nextToken;
    do {
      const r = await logs("FilterLogEvents", { logGroupName: group, startTime: lastTime ? lastTime : Date.now() - 3600e3, ...(nextToken ? { nextToken } : {}) });
      add(r.events);
      nextToken = r.nextToken;
    } while (nextToken);
  }
  live.addEventListener("change", () => {
    clearInterval(tailTimer);
    tailTimer = live.checked ? setInterval(() => load().catch((e) => run(null, out, () => Promise.reject(e))), 2000) : null;
    out.textContent = live.checked ? "Live tail: polling every 2 s." : "";
  });
  clear(main,
    h("h1", {}, link("#/logs", "CloudWatch Logs"), " / ", link(gpath, group), stream ? " / " + stream : ""),
    h("div", { class: "cols" },
      section("Log streams", table([
        { label: "Stream", get: (s) => link(gpath + "/" + encodeURIComponent(s.logStreamName), s.logStreamName) },
        { label: "Last event", get: (s) => fmtTime(s.lastEventTimestamp) },
      ], streams, { empty: "No streams.", id: "stream-list" })),
      section(stream ? "Events in " + stream : "Events (last hour, all streams)",
        stream ? "" : h("label", {}, live, " live tail"), out, events)));
  await load();
}
