"""Run botocore's own serializers and parsers for the codec tests.

Reads a JSON list of jobs on stdin, writes a JSON list of results:
  {"do": "serialize", "service", "operation", "params"}
      -> {"method", "url", "headers", "body"}  (body base64)
  {"do": "parse", "service", "operation", "status", "headers", "body"}
      -> the dict botocore's client would return, errors included
         (with the modeled error's members merged in, as the client does).
Bytes travel as {"__bytes__": base64}, timestamps as {"__time__": iso8601}.
"""
import base64
import datetime
import io
import json
import sys

import botocore.session
from botocore import parsers, serialize
from botocore.response import StreamingBody
from botocore.awsrequest import create_request_object, prepare_request_dict
from urllib3._collections import HTTPHeaderDict


def decode(v):
    if isinstance(v, dict):
        if set(v) == {"__bytes__"}:
            return base64.b64decode(v["__bytes__"])
        if set(v) == {"__time__"}:
            return datetime.datetime.fromisoformat(v["__time__"].replace("Z", "+00:00"))
        return {k: decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


def encode(v):
    if isinstance(v, dict):
        return {k: encode(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return {"__time__": v.isoformat(timespec="milliseconds") + "Z"}
    if hasattr(v, "read"):
        return {"__bytes__": base64.b64encode(v.read()).decode()}
    return v


def main():
    session = botocore.session.get_session()
    out = []
    for job in json.load(sys.stdin):
        model = session.get_service_model(job["service"])
        op = model.operation_model(job["operation"])
        protocol = model.metadata["protocol"]
        if job["do"] == "serialize":
            ser = serialize.create_serializer(protocol, include_validation=True)
            d = ser.serialize_to_request(decode(job.get("params") or {}), op)
            prepare_request_dict(d, endpoint_url="http://nimbus.test")
            req = create_request_object(d).prepare()
            body = req.body or b""
            if isinstance(body, str):
                body = body.encode()
            elif hasattr(body, "read"):
                body = body.read()
            out.append({"method": req.method, "url": req.url,
                        "headers": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in req.headers.items()},
                        "body": base64.b64encode(body).decode()})
        else:
            parser = parsers.create_parser(protocol)
            headers = HTTPHeaderDict()
            for k, vs in job["headers"].items():
                for v in vs:
                    headers.add(k, v)
            body = base64.b64decode(job["body"])
            resp = {"status_code": job["status"], "headers": headers, "body": body,
                    "context": {"operation_name": op.name}}
            if op.has_streaming_output and job["status"] < 300:
                # as botocore.endpoint.convert_to_response_dict does
                resp["body"] = StreamingBody(io.BytesIO(body), len(body))
            parsed = parser.parse(resp, op.output_shape)
            if job["status"] >= 300:
                err = parsed.get("Error", {})
                code = err.get("QueryErrorCode") or err.get("Code")
                shape = model.shape_for_error_code(code)
                if shape is not None:
                    resp["body"] = body
                    parsed.update(parser.parse(resp, shape))
                    parsed["ModeledError"] = shape.name
            out.append(encode(parsed))
    json.dump(out, sys.stdout)


main()
