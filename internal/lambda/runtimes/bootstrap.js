// nimbus's Node.js runtime bootstrap: a Lambda Runtime API client.
//
// Written for nimbus from the Runtime API specification and AWS's documented
// behaviour of the nodejs runtimes: handler loading (CommonJS and ES
// modules), async and callback handlers, the context object, console output
// as "<time>\t<request id>\t<LEVEL>\t<message>", and error bodies with
// errorType, errorMessage and trace.
'use strict';
const net = require('net');
const fs = require('fs');
const path = require('path');
const util = require('util');
const { pathToFileURL } = require('url');

const [HOST, PORT] = (() => {
  const api = process.env.AWS_LAMBDA_RUNTIME_API;
  const i = api.lastIndexOf(':');
  return [api.slice(0, i), Number(api.slice(i + 1))];
})();
const BASE = '/2018-06-01/runtime';

// A minimal HTTP/1.1 keep-alive client for the Runtime API: one request at
// a time on one connection. Node's http module would do; this costs less
// per invocation, which is what warm throughput is made of.
class Client {
  constructor() {
    this.sock = null;
    this.buf = Buffer.alloc(0);
    this.waiter = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection({ host: HOST, port: PORT }, () => resolve(sock));
      sock.setNoDelay(true);
      sock.on('error', (e) => { if (this.waiter) { const w = this.waiter; this.waiter = null; w.reject(e); } else reject(e); });
      sock.on('close', () => {
        this.sock = null;
        if (this.waiter) { const w = this.waiter; this.waiter = null; w.reject(new Error('runtime API closed the connection')); }
      });
      sock.on('data', (d) => {
        this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
        this.parse();
      });
    });
  }

  parse() {
    if (!this.waiter) return;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers = {};
    for (let i = 1; i < head.length; i++) {
      const c = head[i].indexOf(':');
      headers[head[i].slice(0, c).trim().toLowerCase()] = head[i].slice(c + 1).trim();
    }
    const status = Number(head[0].split(' ')[1]);
    let body;
    let rest;
    if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
      const chunks = [];
      let off = end + 4;
      for (;;) {
        const nl = this.buf.indexOf('\r\n', off);
        if (nl < 0) return;
        const size = parseInt(this.buf.subarray(off, nl).toString('latin1'), 16);
        if (this.buf.length < nl + 2 + size + 2) return;
        chunks.push(this.buf.subarray(nl + 2, nl + 2 + size));
        off = nl + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(chunks);
      rest = this.buf.subarray(off);
    } else {
      const n = Number(headers['content-length'] || 0);
      if (this.buf.length < end + 4 + n) return;
      body = this.buf.subarray(end + 4, end + 4 + n);
      rest = this.buf.subarray(end + 4 + n);
    }
    this.buf = rest;
    const w = this.waiter;
    this.waiter = null;
    if ((headers.connection || '').toLowerCase() === 'close' && this.sock) this.sock.destroy();
    w.resolve({ res: { statusCode: status, headers }, body: Buffer.from(body) });
  }

  async send(method, p, body, headers) {
    if (!this.sock) {
      this.buf = Buffer.alloc(0);
      this.sock = await this.connect();
    }
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    let head = `${method} ${BASE}${p} HTTP/1.1\r\nHost: ${HOST}:${PORT}\r\nContent-Length: ${payload.length}\r\n`;
    for (const [k, v] of Object.entries(headers || {})) head += `${k}: ${v}\r\n`;
    const done = new Promise((resolve, reject) => { this.waiter = { resolve, reject }; });
    this.sock.write(Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), payload]));
    this.parse();
    return done;
  }
}

const client = new Client();

async function request(method, p, body, headers) {
  try {
    return await client.send(method, p, body, headers);
  } catch (e) {
    // One retry on a fresh connection.
    if (client.sock) client.sock.destroy();
    client.sock = null;
    return client.send(method, p, body, headers);
  }
}

let currentRequestId = undefined;

// Console output goes to stdout synchronously, one line per message (AWS
// turns embedded newlines into carriage returns so a message stays one log
// event).
function patchConsole() {
  const write = (level) => (...args) => {
    const msg = util.format(...args).replace(/\n/g, '\r');
    fs.writeSync(1, `${new Date().toISOString()}\t${currentRequestId === undefined ? 'undefined' : currentRequestId}\t${level}\t${msg}\n`);
  };
  console.log = write('INFO');
  console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = write('TRACE');
  console.fatal = write('FATAL');
}

function errorBody(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
    };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

class InitError extends Error {
  constructor(type, message, cause) {
    super(message);
    this.name = type;
    if (cause && cause.stack) this.stack = `${type}: ${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  }
}

function findModule(root, modPath) {
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const f = path.resolve(root, modPath + ext);
    if (fs.existsSync(f)) return f;
  }
  return null;
}

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const spec = process.env._HANDLER || '';
  // The module is everything up to the first dot after the last slash.
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot < 0 || dot === spec.length - 1) throw new InitError('Runtime.MalformedHandlerName', 'Bad handler');
  const modPath = spec.slice(0, dot);
  const fnPath = spec.slice(dot + 1);
  const file = findModule(root, modPath);
  let mod;
  try {
    if (!file) {
      // Let Node's resolver try (node_modules, directories) and word the error.
      mod = require(path.resolve(root, modPath));
    } else if (file.endsWith('.mjs')) {
      mod = await import(pathToFileURL(file).href);
    } else {
      try {
        mod = require(file);
      } catch (e) {
        if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
          mod = await import(pathToFileURL(file).href);
        } else {
          throw e;
        }
      }
    }
  } catch (e) {
    if (e instanceof SyntaxError) throw new InitError('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, e);
    if (e && e.code === 'MODULE_NOT_FOUND' && !file) {
      throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modPath}'\nRequire stack:\n- ${__filename}`, e);
    }
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new InitError('Runtime.ImportModuleError', `Error: ${e.message}`, e);
    }
    throw e;
  }
  let fn = mod;
  for (const part of fnPath.split('.')) {
    fn = fn == null ? undefined : fn[part];
  }
  if (fn === undefined && mod && mod.default && typeof mod.default === 'object') {
    fn = mod.default;
    for (const part of fnPath.split('.')) fn = fn == null ? undefined : fn[part];
  }
  if (fn === undefined) throw new InitError('Runtime.HandlerNotFound', `${modPath}.${fnPath} is undefined or not exported`);
  if (typeof fn !== 'function') throw new InitError('Runtime.HandlerNotFound', `${modPath}.${fnPath} is not a function`);
  return fn;
}

function makeContext(res) {
  const h = res.headers;
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  const ctx = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: h['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  if (h['lambda-runtime-client-context']) ctx.clientContext = JSON.parse(h['lambda-runtime-client-context']);
  if (h['lambda-runtime-cognito-identity']) ctx.identity = JSON.parse(h['lambda-runtime-cognito-identity']);
  return ctx;
}

function logError(body, requestId) {
  const msg = JSON.stringify(body);
  fs.writeSync(1, `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${msg}\n`);
}

async function postError(path, body, requestId) {
  logError(body, requestId);
  await request('POST', path, JSON.stringify(body), {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': body.errorType,
  });
}

function runHandler(handler, event, ctx) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    ctx.done = callback;
    ctx.succeed = (r) => callback(null, r);
    ctx.fail = (e) => callback(e === undefined || e === null ? new Error('handled') : e);
    let ret;
    try {
      ret = handler(event, ctx, callback);
    } catch (e) {
      callback(e);
      return;
    }
    if (ret && typeof ret.then === 'function') {
      ret.then((r) => callback(null, r), (e) => callback(e === undefined || e === null ? new Error('undefined') : e));
    } else if (handler.length < 3 && !settled) {
      // A synchronous handler without a callback: its return value is the result.
      callback(null, ret);
    }
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler();
  } catch (e) {
    await postError('/init/error', errorBody(e), undefined);
    process.exit(1);
  }
  process.on('uncaughtException', async (e) => {
    const body = errorBody(e);
    logError(body, currentRequestId);
    if (currentRequestId) {
      try {
        await request('POST', `/invocation/${currentRequestId}/error`, JSON.stringify(body), {
          'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': 'Runtime.UnhandledPromiseRejection' === body.errorType ? body.errorType : body.errorType,
        });
      } catch (_) { /* the runtime is going away anyway */ }
    }
    process.exit(129);
  });
  for (;;) {
    const { res, body } = await request('GET', '/invocation/next');
    const requestId = res.headers['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    if (res.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = res.headers['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;
    let result;
    try {
      const event = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      result = await runHandler(handler, event, makeContext(res));
    } catch (e) {
      await postError(`/invocation/${requestId}/error`, errorBody(e), requestId);
      continue;
    }
    let out;
    try {
      out = result === undefined ? 'null' : JSON.stringify(result);
      if (out === undefined) out = 'null';
    } catch (e) {
      await postError(`/invocation/${requestId}/error`, {
        errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body as json: ${e.message}`, trace: [],
      }, requestId);
      continue;
    }
    await request('POST', `/invocation/${requestId}/response`, out, { 'Content-Type': 'application/json' });
  }
}

main();
