// Clients for nimbus's AWS APIs, one per protocol. Every call is signed
// with the credentials from the settings form (localStorage).
import { sign, presign, encodePath, canonicalQuery } from "./sigv4.js";

const defaults = { accessKeyId: "test", secretAccessKey: "test", sessionToken: "", region: "us-east-1" };

export function getCreds() {
  try {
    return { ...defaults, ...JSON.parse(localStorage.getItem("nimbus.creds") || "{}") };
  } catch {
    return { ...defaults };
  }
}

export function setCreds(c) {
  localStorage.setItem("nimbus.creds", JSON.stringify(c));
}

export class AwsError extends Error {
  constructor(code, message, status) {
    super(message ? `${code}: ${message}` : code);
    this.code = code;
    this.status = status;
  }
}

async function send(service, method, path, { query = [], headers = {}, body = null, unsignedPayload = false } = {}) {
  const creds = getCreds();
  const signed = await sign(creds, { method, service, host: location.host, path, query, headers, body, unsignedPayload });
  const qs = canonicalQuery(query);
  return fetch(path + (qs ? "?" + qs : ""), { method, headers: signed, body, cache: "no-store" });
}

async function jsonError(res) {
  const text = await res.text();
  let body = {};
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  let code = res.headers.get("x-amzn-errortype") || body.__type || body.code || `HTTP ${res.status}`;
  code = code.split(":")[0].split("#").pop();
  return new AwsError(code, body.message || body.Message || (text && !body.__type ? text : ""), res.status);
}

// awsJson: POST / with X-Amz-Target (DynamoDB 1.0, CloudWatch Logs 1.1).
export async function awsJson(service, version, target, input = {}) {
  const res = await send(service, "POST", "/", {
    headers: { "content-type": `application/x-amz-json-${version}`, "x-amz-target": target },
    body: JSON.stringify(input),
  });
  if (!res.ok) throw await jsonError(res);
  return res.json();
}

export const dynamodb = (op, input) => awsJson("dynamodb", "1.0", "DynamoDB_20120810." + op, input);
export const logs = (op, input) => awsJson("logs", "1.1", "Logs_20140328." + op, input);

// restJson: path and query name the resource, JSON body (Lambda, Polly,
// API Gateway). raw: return the Response for binary or header results.
export async function restJson(service, method, path, { query = [], body, headers = {}, raw = false } = {}) {
  const h = { ...headers };
  let payload = null;
  if (body !== undefined) {
    payload = typeof body === "string" ? body : JSON.stringify(body);
    if (!h["content-type"]) h["content-type"] = "application/json";
  }
  const res = await send(service, method, path, { query, headers: h, body: payload });
  if (!res.ok) throw await jsonError(res);
  if (raw) return res;
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}

// s3: restXml, path-style (/bucket/key). Returns the Response.
export async function s3(method, bucket, key = "", { query = [], headers = {}, body = null } = {}) {
  const path = "/" + encodePath(bucket) + (key ? "/" + encodePath(key) : "");
  const res = await send("s3", method, path, { query, headers, body, unsignedPayload: false });
  if (!res.ok) {
    const text = await res.text();
    const doc = text ? new DOMParser().parseFromString(text, "application/xml") : null;
    const pick = (n) => doc?.getElementsByTagName(n)[0]?.textContent || "";
    throw new AwsError(pick("Code") || `HTTP ${res.status}`, pick("Message"), res.status);
  }
  return res;
}

export async function s3Xml(method, bucket, key, opts) {
  const res = await s3(method, bucket, key, opts);
  return new DOMParser().parseFromString(await res.text(), "application/xml");
}

export function s3Presign(bucket, key, expires = 900) {
  return presign(getCreds(), {
    service: "s3", origin: location.origin, host: location.host,
    path: "/" + encodePath(bucket) + "/" + encodePath(key), expires,
  });
}
