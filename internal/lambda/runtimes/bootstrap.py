# nimbus's Python runtime bootstrap: a Lambda Runtime API client.
#
# Written for nimbus from the Runtime API specification and AWS's documented
# behaviour of the python3.x runtimes (handler loading, error types, the
# context object, log format). It runs under the machine's python3 with the
# function's code directory (LAMBDA_TASK_ROOT) first on sys.path.
import importlib
import json
import logging
import os
import signal
import socket
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"


class _Client(object):
    """A minimal HTTP/1.1 keep-alive client for the Runtime API.

    http.client would do, but it imports the email package, which costs a
    noticeable part of a cold start; the Runtime API needs only this.
    """

    def __init__(self, api):
        host, _, port = api.rpartition(":")
        self.addr = (host, int(port))
        self.sock = None
        self.buf = b""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buf = b""

    def request(self, method, path, body=b"", headers=None):
        for attempt in (0, 1):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(self.addr)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                head = "%s %s%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n" % (method, BASE, path, API, len(body))
                for k, v in (headers or {}).items():
                    head += "%s: %s\r\n" % (k, v)
                self.sock.sendall(head.encode("latin-1") + b"\r\n" + body)
                return self._response()
            except (OSError, ValueError):
                self.close()
                if attempt:
                    raise

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("runtime API closed the connection")
        self.buf += data

    def _response(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        if hdrs.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                size_line, _, self.buf = self.buf.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._fill()
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
        else:
            n = int(hdrs.get("content-length", "0"))
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return status, hdrs, body


_client = _Client(API)


def _request(method, path, body=b"", headers=None):
    return _client.request(method, path, body, headers)


def _flush():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass


def _decimal_default(o):
    import decimal  # only when a result needs it: importing costs start-up time

    if isinstance(o, decimal.Decimal):
        if o == o.to_integral_value():
            return int(o)
        return float(o)
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def _error_body(exc, request_id):
    # The runtime's own frames are not the function's business.
    tb = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(tb),
    }


def _log_error(body):
    lines = ["[ERROR] %s: %s" % (body["errorType"], body["errorMessage"])]
    if body.get("stackTrace"):
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in body["stackTrace"])
    # One CloudWatch event per error, as AWS's runtime writes it.
    sys.stdout.write("\r".join(lines) + "\n")


class LambdaContext(object):
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
            "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
            "invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
               self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
               self.client_context, self.identity)
        )


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = _RequestIdFilter.request_id
        return True


def _setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    handler.terminator = ""  # the format ends the line
    fmt = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                            "%Y-%m-%dT%H:%M:%S")
    fmt.converter = time.gmtime
    handler.setFormatter(fmt)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


class _InitError(Exception):
    def __init__(self, body):
        self.body = body


def _load_handler(spec):
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError as e:
        raise _InitError({"errorMessage": "Bad handler '%s': %s" % (spec, e),
                          "errorType": "Runtime.MalformedHandlerName", "requestId": "", "stackTrace": []})
    modname = modname.replace("/", ".")
    try:
        mod = importlib.import_module(modname)
    except ImportError as e:
        raise _InitError({"errorMessage": "Unable to import module '%s': %s" % (modname, e),
                          "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []})
    except SyntaxError as e:
        raise _InitError({"errorMessage": "Syntax error in module '%s': %s" % (modname, e),
                          "errorType": "Runtime.UserCodeSyntaxError", "requestId": "",
                          "stackTrace": ["  File \"%s\" Line %s\n    %s\n" % (e.filename, e.lineno, (e.text or "").strip())]})
    except MemoryError:
        _out_of_memory()
    except Exception as e:
        body = _error_body(e, "")
        raise _InitError(body)
    fn = getattr(mod, fname, None)
    if fn is None:
        raise _InitError({"errorMessage": "Handler '%s' missing on module '%s'" % (fname, modname),
                          "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []})
    return fn


def _out_of_memory():
    # The memory limit was reached: die the way a process the kernel killed
    # does, so nimbus reports Runtime.OutOfMemory.
    _flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main():
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    _setup_logging()
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except _InitError as e:
        _log_error(e.body)
        _flush()
        _request("POST", "/init/error", json.dumps(e.body).encode(),
                 {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": e.body["errorType"]})
        sys.exit(1)
    while True:
        _, hdrs, data = _request("GET", "/invocation/next")
        request_id = hdrs.get("lambda-runtime-aws-request-id")
        deadline = int(hdrs.get("lambda-runtime-deadline-ms") or 0)
        arn = hdrs.get("lambda-runtime-invoked-function-arn")
        trace = hdrs.get("lambda-runtime-trace-id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        cc = hdrs.get("lambda-runtime-client-context")
        ident = hdrs.get("lambda-runtime-cognito-identity")
        _RequestIdFilter.request_id = request_id
        try:
            event = json.loads(data) if data else None
            ctx = LambdaContext(request_id, deadline, arn, json.loads(cc) if cc else None,
                                json.loads(ident) if ident else None)
            result = handler(event, ctx)
        except MemoryError:
            _out_of_memory()
        except Exception as e:
            body = _error_body(e, request_id)
            _log_error(body)
            _flush()
            _request("POST", "/invocation/%s/error" % request_id, json.dumps(body).encode(),
                     {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": body["errorType"]})
            continue
        try:
            out = json.dumps(result, default=_decimal_default).encode()
        except Exception as e:
            body = {"errorMessage": "Unable to marshal response: %s" % e, "errorType": "Runtime.MarshalError",
                    "requestId": request_id, "stackTrace": []}
            _log_error(body)
            _flush()
            _request("POST", "/invocation/%s/error" % request_id, json.dumps(body).encode(),
                     {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": body["errorType"]})
            continue
        _flush()
        _request("POST", "/invocation/%s/response" % request_id, out, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
