// Small DOM helpers: elements are built with h(), never from HTML strings,
// so names and values from the services are always text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "value") el.value = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// table renders rows (objects) with columns [{label, get(row) → node|text}].
export function table(columns, rows, { empty = "Nothing here yet.", id } = {}) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("table", { class: "grid", id },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c.label)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", {}, c.get(r)))))));
}

export function link(href, text) {
  return h("a", { href }, text);
}

// status shows the outcome of an action under a form.
export function status(el, err, okText) {
  el.className = err ? "status error" : "status ok";
  el.textContent = err ? (err.message || String(err)) : okText;
}

// run wraps an async action: disables the button, reports errors in out.
export async function run(button, out, fn) {
  if (button) button.disabled = true;
  if (out) { out.className = "status"; out.textContent = "Working…"; }
  try {
    const msg = await fn();
    if (out) status(out, null, msg || "Done.");
  } catch (e) {
    if (out) status(out, e);
    else throw e;
  } finally {
    if (button) button.disabled = false;
  }
}

export function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), children);
}

export function pretty(v) {
  return JSON.stringify(v, null, 2);
}

export function fmtBytes(n) {
  n = Number(n || 0);
  if (n < 1024) return n + " B";
  if (n < 1 << 20) return (n / 1024).toFixed(1) + " KB";
  return (n / (1 << 20)).toFixed(1) + " MB";
}

export function fmtTime(t) {
  if (t == null || t === "") return "";
  const d = typeof t === "number" ? new Date(t < 1e12 ? t * 1000 : t) : new Date(t);
  return isNaN(d) ? String(t) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
