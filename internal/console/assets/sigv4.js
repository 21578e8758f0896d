// AWS Signature Version 4 in the browser (crypto.subtle), the same
// algorithm the CLI uses: nimbus's edge routes a request by the service
// in its credential scope and, with --auth strict, verifies the signature.

const enc = new TextEncoder();

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function toBytes(body) {
  if (body == null) return new Uint8Array(0);
  if (typeof body === "string") return enc.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  throw new TypeError("unsupported body type");
}

export async function sha256Hex(body) {
  return hex(await crypto.subtle.digest("SHA-256", await toBytes(body)));
}

async function hmac(key, msg) {
  const k = await crypto.subtle.importKey("raw", typeof key === "string" ? enc.encode(key) : key,
    { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(msg)));
}

// uriEncode is SigV4's UriEncode: RFC 3986 unreserved characters stay,
// everything else is %XX of its UTF-8 bytes; "/" stays unless encodeSlash.
export function uriEncode(s, encodeSlash = true) {
  let out = "";
  for (const b of enc.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) || (c === "/" && !encodeSlash)) out += c;
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

// encodePath escapes each segment of a plain path ("/bucket/a b.mp3").
export function encodePath(path) {
  return path.split("/").map((seg) => uriEncode(seg)).join("/");
}

// canonicalQuery sorts [key, value] pairs by encoded key, then value.
export function canonicalQuery(pairs) {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v == null ? "" : String(v))])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => k + "=" + v)
    .join("&");
}

function amzDate(now) {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

async function signingKey(secret, day, region, service) {
  let k = await hmac("AWS4" + secret, day);
  k = await hmac(k, region);
  k = await hmac(k, service);
  return hmac(k, "aws4_request");
}

// canonicalURI: S3 signs the escaped path as is; every other service
// escapes it once more (the SDKs' DisableURIPathEscaping is S3's alone).
function canonicalURI(encodedPath, service) {
  return service === "s3" ? encodedPath : uriEncode(encodedPath, false);
}

// sign returns the headers to send for a request.
//   creds:   {accessKeyId, secretAccessKey, sessionToken?, region}
//   req:     {method, service, host, path (encoded), query ([k,v] pairs),
//             headers ({name: value}), body}
export async function sign(creds, req, now = new Date()) {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const payloadHash = req.unsignedPayload ? "UNSIGNED-PAYLOAD" : await sha256Hex(req.body);
  const headers = { ...req.headers, host: req.host, "x-amz-date": date };
  // Sent for every service, not only S3: nimbus streams some request
  // bodies (Lambda's) past the edge, which then verifies the signature
  // against this declared hash.
  headers["x-amz-content-sha256"] = payloadHash;
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const lower = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v).trim().replace(/\s+/g, " ");
  const names = Object.keys(lower).sort();
  const signedHeaders = names.join(";");
  const canonical = [
    req.method,
    canonicalURI(req.path, req.service),
    canonicalQuery(req.query || []),
    names.map((n) => n + ":" + lower[n] + "\n").join(""),
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${creds.region}/${req.service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", date, scope, await sha256Hex(canonical)].join("\n");
  const key = await signingKey(creds.secretAccessKey, day, creds.region, req.service);
  const signature = hex(await hmac(key, toSign));
  const out = { ...headers };
  delete out.host; // the browser sets Host itself, to the same value
  out.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return out;
}

// presign returns a query-string-signed URL (GET), as `aws s3 presign`
// makes: usable by <audio src> and download links, which cannot send headers.
export async function presign(creds, { service, origin, host, path, query = [], expires = 900 }, now = new Date()) {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const scope = `${day}/${creds.region}/${service}/aws4_request`;
  const q = [...query,
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${creds.accessKeyId}/${scope}`],
    ["X-Amz-Date", date],
    ["X-Amz-Expires", String(expires)],
    ["X-Amz-SignedHeaders", "host"]];
  if (creds.sessionToken) q.push(["X-Amz-Security-Token", creds.sessionToken]);
  const canonical = ["GET", canonicalURI(path, service), canonicalQuery(q), `host:${host}\n`, "host", "UNSIGNED-PAYLOAD"].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", date, scope, await sha256Hex(canonical)].join("\n");
  const key = await signingKey(creds.secretAccessKey, day, creds.region, service);
  const signature = hex(await hmac(key, toSign));
  return `${origin}${path}?${canonicalQuery(q)}&X-Amz-Signature=${signature}`;
}
