// S3: buckets, objects (folders by "/"), upload, download through a
// pre-signed URL, an audio player for MP3 (and other audio) objects.
import { h, clear, table, link, section, field, run, fmtBytes, fmtTime } from "../ui.js";
import { s3, s3Xml, s3Presign, getCreds } from "../api.js";

const text = (el, tag) => el.getElementsByTagName(tag)[0]?.textContent ?? "";

export async function render(main, [bucket, ...prefixParts]) {
  if (bucket) return renderBucket(main, bucket, prefixParts.join("/"));
  const list = h("div");
  const load = async () => {
    const doc = await s3Xml("GET", "", "");
    const buckets = [...doc.getElementsByTagName("Bucket")].map((b) => ({ name: text(b, "Name"), created: text(b, "CreationDate") }));
    clear(list, table([
      { label: "Name", get: (b) => link("#/s3/" + encodeURIComponent(b.name), b.name) },
      { label: "Created", get: (b) => fmtTime(b.created) },
    ], buckets, { empty: "No buckets yet.", id: "bucket-list" }));
  };
  const name = h("input", { id: "mb-name", placeholder: "my-bucket" });
  const out = h("p", { class: "status", id: "mb-status" });
  const btn = h("button", { id: "mb-create", onclick: () => run(btn, out, async () => {
    const region = getCreds().region;
    const body = region === "us-east-1" ? null
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
    await s3("PUT", name.value.trim(), "", { body });
    await load();
    return "Bucket created.";
  }) }, "Create bucket");
  clear(main, h("h1", {}, "S3 ", h("span", { class: "crumb" }, "buckets")),
    section("Buckets", list),
    section("Create bucket", h("div", { class: "row" }, field("Bucket name", name), btn), out));
  await load();
}

const isAudio = (key) => /\.(mp3|ogg|oga|opus|wav|m4a)$/i.test(key);

async function renderBucket(main, bucket, prefix) {
  if (prefix && !prefix.endsWith("/")) prefix += "/";
  const list = h("div");
  const player = h("audio", { id: "s3-audio", controls: true, preload: "auto" });
  const nowPlaying = h("p", { class: "muted", id: "s3-playing" }, "Choose an audio object to play it.");
  const out = h("p", { class: "status", id: "s3-status" });
  const load = () => loadObjects(list, bucket, prefix, { player, nowPlaying, out });

  const file = h("input", { id: "up-file", type: "file" });
  const keyIn = h("input", { id: "up-key", placeholder: "key (default: the file's name)" });
  const upBtn = h("button", { id: "up-run", onclick: () => run(upBtn, out, async () => {
    const f = file.files[0];
    if (!f) throw new Error("Choose a file first.");
    const key = prefix + (keyIn.value.trim() || f.name);
    await s3("PUT", bucket, key, { body: f, headers: { "content-type": f.type || "application/octet-stream" } });
    await load();
    return `Uploaded ${key} (${fmtBytes(f.size)}).`;
  }) }, "Upload");
  clear(main,
    h("h1", {}, link("#/s3", "S3"), " / ", link("#/s3/" + encodeURIComponent(bucket), bucket), prefix ? " / " + prefix : ""),
    section("Objects", list, out),
    section("Player", nowPlaying, player),
    section("Upload", h("div", { class: "row" }, field("File", file), field("Key", keyIn), upBtn)));
  await load();
}

async function loadObjects(list, bucket, prefix, { player, nowPlaying, out }) {
  const reload = () => loadObjects(list, bucket, prefix, { player, nowPlaying, out });
  const q = [["list-type", "2"], ["delimiter", "/"], ["prefix", prefix]];
  const objects = [];
  const folders = [];
  let token;
  do {
    const doc = await s3Xml("GET", bucket, "", { query: token ? [...q, ["continuation-token", token]] : q });
    for (const c of doc.getElementsByTagName("Contents")) objects.push({ key: text(c, "Key"), size: text(c, "Size"), modified: text(c, "LastModified") });
    for (const p of doc.getElementsByTagName("CommonPrefixes")) folders.push(text(p, "Prefix"));
    token = text(doc.documentElement, "IsTruncated") === "true" ? text(doc.documentElement, "NextContinuationToken") : "";
  } while (token);

  const rows = [
    ...folders.map((p) => ({ folder: p })),
    ...objects.filter((o) => o.key !== prefix),
  ];
  clear(list, table([
      { label: "Key", get: (o) => o.folder
        ? link("#/s3/" + encodeURIComponent(bucket) + "/" + o.folder.split("/").filter(Boolean).map(encodeURIComponent).join("/"), o.folder.slice(prefix.length))
        : o.key.slice(prefix.length) },
      { label: "Size", get: (o) => (o.folder ? "folder" : fmtBytes(o.size)) },
      { label: "Last modified", get: (o) => fmtTime(o.modified) },
      { label: "", get: (o) => o.folder ? "" : [
        h("button", { class: "secondary", onclick: async (ev) => run(ev.target, out, async () => {
          const a = h("a", { href: await s3Presign(bucket, o.key), download: o.key.split("/").pop() });
          document.body.append(a);
          a.click();
          a.remove();
          return "Downloading " + o.key + ".";
        }) }, "Download"), " ",
        isAudio(o.key) ? h("button", { class: "secondary play", "data-key": o.key, onclick: async (ev) => run(ev.target, out, async () => {
          player.src = await s3Presign(bucket, o.key);
          nowPlaying.textContent = o.key;
          player.play().catch(() => { /* autoplay may be refused; the controls remain */ });
          return "Playing " + o.key + ".";
        }) }, "Play") : "", " ",
        h("button", { class: "danger", onclick: (ev) => run(ev.target, out, async () => {
          if (!confirm(`Delete ${o.key}?`)) return "Kept.";
          await s3("DELETE", bucket, o.key);
          await reload();
          return "Deleted " + o.key + ".";
        }) }, "Delete"),
      ] },
    ], rows, { empty: "No objects here.", id: "object-list" }));
}
