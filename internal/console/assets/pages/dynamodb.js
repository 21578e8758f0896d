// DynamoDB: tables, create table (with a GSI), items (Scan, Query), put
// and delete items. Items are shown and entered in DynamoDB JSON, the
// form the API and the CLI use.
import { h, clear, table, link, section, field, run, pretty, status } from "../ui.js";
import { dynamodb } from "../api.js";

export async function render(main, [name]) {
  if (name) return renderTable(main, name);
  const list = h("div", { id: "ddb-tables" });
  clear(main, h("h1", {}, "DynamoDB ", h("span", { class: "crumb" }, "tables")), section("Tables", list), createForm(() => loadTables(list)));
  await loadTables(list);
}

async function loadTables(list) {
  const names = [];
  let start;
  do {
    const out = await dynamodb("ListTables", start ? { ExclusiveStartTableName: start } : {});
    names.push(...out.TableNames);
    start = out.LastEvaluatedTableName;
  } while (start);
  const descs = await Promise.all(names.map((n) => dynamodb("DescribeTable", { TableName: n }).then((o) => o.Table, () => ({ TableName: n }))));
  clear(list, table([
    { label: "Name", get: (t) => link("#/dynamodb/" + encodeURIComponent(t.TableName), t.TableName) },
    { label: "Status", get: (t) => t.TableStatus || "" },
    { label: "Keys", get: (t) => keyText(t.KeySchema, t.AttributeDefinitions) },
    { label: "Indexes", get: (t) => (t.GlobalSecondaryIndexes || []).map((g) => h("span", { class: "tag" }, "GSI " + g.IndexName))
      .concat((t.LocalSecondaryIndexes || []).map((l) => h("span", { class: "tag" }, "LSI " + l.IndexName))) },
    { label: "Items", get: (t) => t.ItemCount ?? "" },
    { label: "Billing", get: (t) => t.BillingModeSummary?.BillingMode || "PROVISIONED" },
  ], descs, { empty: "No tables yet.", id: "ddb-table-list" }));
}

function keyText(schema = [], defs = []) {
  const type = (n) => defs.find((d) => d.AttributeName === n)?.AttributeType || "";
  return schema.map((k) => `${k.AttributeName} (${type(k.AttributeName)}, ${k.KeyType})`).join(" · ");
}

function typeSelect(id) {
  return h("select", { id }, ["S", "N", "B"].map((t) => h("option", { value: t }, t)));
}

function createForm(done) {
  const f = {
    name: h("input", { id: "ct-name", placeholder: "Notes" }),
    pk: h("input", { id: "ct-pk", placeholder: "UserId" }), pkt: typeSelect("ct-pk-type"),
    sk: h("input", { id: "ct-sk", placeholder: "NoteId (optional)" }), skt: typeSelect("ct-sk-type"),
    billing: h("select", { id: "ct-billing" }, h("option", { value: "PAY_PER_REQUEST" }, "On-demand (PAY_PER_REQUEST)"), h("option", { value: "PROVISIONED" }, "Provisioned (5/5)")),
    gsi: h("input", { id: "ct-gsi", placeholder: "index name (optional)" }),
    gpk: h("input", { id: "ct-gsi-pk", placeholder: "partition key" }), gpkt: typeSelect("ct-gsi-pk-type"),
    gsk: h("input", { id: "ct-gsi-sk", placeholder: "sort key (optional)" }), gskt: typeSelect("ct-gsi-sk-type"),
  };
  const out = h("p", { class: "status", id: "ct-status" });
  const btn = h("button", { id: "ct-create", onclick: () => run(btn, out, async () => {
    const defs = new Map();
    const key = (n, t, kt) => { defs.set(n, t); return { AttributeName: n, KeyType: kt }; };
    const input = { TableName: f.name.value.trim(), BillingMode: f.billing.value, KeySchema: [key(f.pk.value.trim(), f.pkt.value, "HASH")] };
    if (f.sk.value.trim()) input.KeySchema.push(key(f.sk.value.trim(), f.skt.value, "RANGE"));
    const prov = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
    if (f.billing.value === "PROVISIONED") input.ProvisionedThroughput = prov;
    if (f.gsi.value.trim()) {
      const g = { IndexName: f.gsi.value.trim(), KeySchema: [key(f.gpk.value.trim(), f.gpkt.value, "HASH")], Projection: { ProjectionType: "ALL" } };
      if (f.gsk.value.trim()) g.KeySchema.push(key(f.gsk.value.trim(), f.gskt.value, "RANGE"));
      if (f.billing.value === "PROVISIONED") g.ProvisionedThroughput = prov;
      input.GlobalSecondaryIndexes = [g];
    }
    input.AttributeDefinitions = [...defs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
    await dynamodb("CreateTable", input);
    await done();
    return `Created table ${input.TableName}.`;
  }) }, "Create table");
  return section("Create table",
    h("div", { class: "row" }, field("Table name", f.name), field("Billing", f.billing)),
    h("div", { class: "row" }, field("Partition key", f.pk), field("Type", f.pkt), field("Sort key", f.sk), field("Type", f.skt)),
    h("p", { class: "muted" }, "Global secondary index (projection ALL):"),
    h("div", { class: "row" }, field("Index name", f.gsi), field("Partition key", f.gpk), field("Type", f.gpkt), field("Sort key", f.gsk), field("Type", f.gskt)),
    btn, out);
}

// show renders an attribute value compactly: strings and numbers as is,
// everything else as its DynamoDB JSON.
function show(v) {
  if (!v) return "";
  if ("S" in v) return v.S;
  if ("N" in v) return v.N;
  if ("BOOL" in v) return String(v.BOOL);
  if ("NULL" in v) return "null";
  return JSON.stringify(v);
}

async function renderTable(main, name) {
  const desc = (await dynamodb("DescribeTable", { TableName: name })).Table;
  const keys = desc.KeySchema.map((k) => k.AttributeName);
  const items = h("div", { id: "ddb-items" });
  const out = h("p", { class: "status", id: "ddb-status" });
  const meta = h("p", { class: "muted", id: "ddb-meta" });

  // exec runs a Scan or Query and shows the page of items it returns,
  // with a button for the next page when there is one.
  const exec = async (op, input) => {
    const res = await dynamodb(op, input);
    showItems(res, op);
    if (res.LastEvaluatedKey) {
      const next = h("button", { class: "secondary", id: "ddb-next", onclick: () => run(next, out, () => exec(op, { ...input, ExclusiveStartKey: res.LastEvaluatedKey })
        .then((r) => `${op} returned ${r.Count} more item(s).`)) }, "Next page");
      items.append(next);
    }
    return res;
  };
  const showItems = (res, what) => {
    const cols = [...keys];
    for (const it of res.Items) for (const k of Object.keys(it)) if (!cols.includes(k)) cols.push(k);
    meta.textContent = `${what}: ${res.Count} item(s), ${res.ScannedCount} scanned` + (res.LastEvaluatedKey ? " — more available" : "");
    clear(items, table([
      ...cols.map((c) => ({ label: c, get: (it) => show(it[c]) })),
      { label: "", get: (it) => h("button", { class: "danger", onclick: (ev) => run(ev.target, out, async () => {
        const Key = Object.fromEntries(keys.map((k) => [k, it[k]]));
        await dynamodb("DeleteItem", { TableName: name, Key });
        await scan();
        return "Deleted.";
      }) }, "Delete") },
    ], res.Items, { empty: "No items matched.", id: "ddb-item-list" }));
  };

  const limit = h("input", { id: "scan-limit", type: "number", value: "50", min: "1" });
  const scanBtn = h("button", { id: "scan-run", onclick: () => run(scanBtn, out, scan) }, "Scan");
  async function scan() {
    const res = await exec("Scan", { TableName: name, Limit: Number(limit.value) || undefined });
    return `Scanned ${res.ScannedCount} item(s).`;
  }

  // Query: the table or one of its indexes, an equality on the partition
  // key and an optional sort key condition.
  const indexes = [{ name: "", schema: desc.KeySchema }, ...(desc.GlobalSecondaryIndexes || []), ...(desc.LocalSecondaryIndexes || [])]
    .map((x) => ({ name: x.IndexName || x.name || "", schema: x.KeySchema || x.schema }));
  const types = Object.fromEntries(desc.AttributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  const idx = h("select", { id: "q-index" }, indexes.map((x) => h("option", { value: x.name }, x.name ? "index " + x.name : "table " + name)));
  const pkLabel = h("span");
  const skLabel = h("span");
  const pkv = h("input", { id: "q-pk" });
  const op = h("select", { id: "q-op" }, ["", "=", "<", "<=", ">", ">=", "begins_with", "between"].map((o) => h("option", { value: o }, o || "(no sort key condition)")));
  const skv = h("input", { id: "q-sk" });
  const skv2 = h("input", { id: "q-sk2", placeholder: "and (between)" });
  const forward = h("select", { id: "q-order" }, h("option", { value: "1" }, "ascending"), h("option", { value: "0" }, "descending"));
  const current = () => indexes.find((x) => x.name === idx.value);
  const relabel = () => {
    const s = current().schema;
    pkLabel.textContent = s[0].AttributeName + " =";
    skLabel.textContent = s[1] ? s[1].AttributeName : "(no sort key)";
  };
  idx.addEventListener("change", relabel);
  relabel();
  const qBtn = h("button", { id: "q-run", onclick: () => run(qBtn, out, async () => {
    const s = current().schema;
    const av = (attr, v) => ({ [types[attr] || "S"]: v });
    const input = { TableName: name, KeyConditionExpression: "#pk = :pk", ExpressionAttributeNames: { "#pk": s[0].AttributeName },
      ExpressionAttributeValues: { ":pk": av(s[0].AttributeName, pkv.value) }, ScanIndexForward: forward.value === "1" };
    if (idx.value) input.IndexName = idx.value;
    if (op.value && s[1]) {
      const sk = s[1].AttributeName;
      input.ExpressionAttributeNames["#sk"] = sk;
      input.ExpressionAttributeValues[":sk"] = av(sk, skv.value);
      if (op.value === "begins_with") input.KeyConditionExpression += " AND begins_with(#sk, :sk)";
      else if (op.value === "between") {
        input.ExpressionAttributeValues[":sk2"] = av(sk, skv2.value);
        input.KeyConditionExpression += " AND #sk BETWEEN :sk AND :sk2";
      } else input.KeyConditionExpression += ` AND #sk ${op.value} :sk`;
    }
    const res = await exec("Query", input);
    return `Query returned ${res.Count} item(s).`;
  }) }, "Query");

  const example = Object.fromEntries(desc.KeySchema.map((k) => [k.AttributeName, { [types[k.AttributeName]]: types[k.AttributeName] === "N" ? "1" : "value" }]));
  const itemText = h("textarea", { id: "put-item" });
  itemText.value = pretty(example);
  const putOut = h("p", { class: "status", id: "put-status" });
  const putBtn = h("button", { id: "put-run", onclick: () => run(putBtn, putOut, async () => {
    let item;
    try { item = JSON.parse(itemText.value); } catch (e) { throw new Error("The item is not valid JSON: " + e.message); }
    await dynamodb("PutItem", { TableName: name, Item: item });
    await scan();
    return "Item saved.";
  }) }, "Put item");

  clear(main,
    h("h1", {}, link("#/dynamodb", "DynamoDB"), " / ", name),
    section("Table", h("p", {}, keyText(desc.KeySchema, desc.AttributeDefinitions)),
      h("p", { class: "muted" }, `${desc.TableStatus} · ${desc.ItemCount ?? 0} items · ${desc.BillingModeSummary?.BillingMode || "PROVISIONED"}`,
        (desc.GlobalSecondaryIndexes || []).map((g) => [" · GSI ", h("span", { class: "tag" }, g.IndexName), keyText(g.KeySchema, desc.AttributeDefinitions)]))),
    h("div", { class: "cols" },
      section("Scan", h("div", { class: "row" }, field("Limit", limit), scanBtn)),
      section("Query", h("div", { class: "row" }, field("Index", idx), field("Order", forward)),
        h("div", { class: "row" }, h("label", { class: "field" }, pkLabel, pkv)),
        h("div", { class: "row" }, h("label", { class: "field" }, skLabel, op), field("value", skv), field("", skv2)), qBtn)),
    section("Items", out, meta, items),
    section("Put item (DynamoDB JSON)", itemText, putBtn, putOut));
  await scan().catch((e) => status(out, e));
}
