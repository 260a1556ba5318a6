#!/usr/bin/env python3
"""A strict local fake of the Upstash Developer API for infera's tests.

Every request is checked against the OpenAPI document (Tests/Fixtures/reference/
upstash-developer-api-openapi.yml): the path and method must exist there, path/query parameters
and JSON bodies must validate against its schemas (jsonschema). Responses are validated too, so
the fake cannot drift from the document silently. A request that does not match is answered with
HTTP 422 {"error": "fake: ..."} and counted as a violation (GET /__fake/stats), so tests fail.

State is kept in memory. Error shapes are Upstash's: 401 {"error":"Unauthorized"}, 400/404 with
{"error": ...}. Faults are injected from a seed: 500/503, 429 with Retry-After, connection resets
(before or after the change is made) and responses slower than the client's timeout.

Usage: upstash_fake.py [--port 0] [--seed N] [--fault-rate 0.3] [--slow SECONDS]
Prints "PORT=<n>" on stdout once listening. Admin endpoints (not part of the API):
  GET /__fake/state, GET /__fake/stats, POST /__fake/config {"fault_rate":..,"seed":..,"mode":..}, POST /__fake/reset
"""
import argparse
import base64
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

import yaml
import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_PATH = os.path.join(HERE, "..", "Fixtures", "reference", "upstash-developer-api-openapi.yml")
EMAIL = os.environ.get("FAKE_UPSTASH_EMAIL", "dev@example.com")
API_KEY = os.environ.get("FAKE_UPSTASH_API_KEY", "fake-api-key-0000")


def load_spec():
    with open(SPEC_PATH) as f:
        return yaml.safe_load(f)


SPEC = load_spec()
SCHEMAS = SPEC["components"]["schemas"]


def resolve(node):
    """Inline '#/components/schemas/X' references and map OpenAPI 3.0 'nullable'."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            return resolve(SCHEMAS[name])
        out = {k: resolve(v) for k, v in node.items() if k not in ("example", "description", "format")}
        if out.pop("nullable", False) and "type" in out:
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [resolve(x) for x in node]
    return node


ROUTES = []  # (regex, template, method, operation)
for template, ops in SPEC["paths"].items():
    rx = "^" + re.sub(r"\{([^}]+)\}", r"(?P<\1>[^/]+)", template) + "$"
    for method, op in ops.items():
        if isinstance(op, dict):
            ROUTES.append((re.compile(rx), template, method.upper(), op))


class Violation(Exception):
    pass


def match_route(method, path):
    known_path = False
    for rx, template, m, op in ROUTES:
        mm = rx.match(path)
        if mm:
            known_path = True
            if m == method:
                return template, op, mm.groupdict()
    raise Violation(("method %s not allowed on %s" % (method, path)) if known_path else ("no such path in the OpenAPI document: %s" % path))


def validate_request(method, path, query, headers, body):
    template, op, params = match_route(method, path)
    for p in op.get("parameters", []):
        where, name = p["in"], p["name"]
        schema = resolve(p.get("schema", {}))
        if where == "path":
            jsonschema.validate(params.get(name), schema)
        elif where == "query" and name in query:
            jsonschema.validate(query[name][0], schema)
        elif where == "query" and p.get("required"):
            raise Violation("missing query parameter %s" % name)
    for name in query:
        if name not in [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]:
            raise Violation("unknown query parameter %s" % name)
    rb = op.get("requestBody")
    if rb:
        if not body:
            if rb.get("required", False) or "required" in resolve(rb["content"]["application/json"]["schema"]):
                raise Violation("missing JSON body")
            parsed = None
        else:
            ctype = headers.get("Content-Type", "")
            if "application/json" not in ctype:
                raise Violation("body sent with Content-Type %r, expected application/json" % ctype)
            try:
                parsed = json.loads(body)
            except ValueError as e:
                raise Violation("body is not JSON: %s" % e)
            try:
                jsonschema.validate(parsed, resolve(rb["content"]["application/json"]["schema"]))
            except jsonschema.ValidationError as e:
                raise Violation("body does not match the schema: %s" % e.message)
    else:
        if body:
            raise Violation("%s %s takes no body" % (method, template))
        parsed = None
    return template, op, params, parsed


def validate_response(op, status, payload):
    resp = op.get("responses", {}).get(str(status))
    if resp is None or payload is None:
        return
    schema = resp.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        jsonschema.validate(payload, resolve(schema))


class State:
    def __init__(self, seed, fault_rate, slow):
        self.lock = threading.Lock()
        self.dbs = {}
        self.rng = random.Random(seed)
        self.fault_rate = fault_rate
        self.slow = slow
        self.mode = ""
        self.max_databases = 100
        self.stats = {"requests": 0, "violations": [], "faults": {}, "creates": 0, "deletes": 0}

    def fault(self):
        with self.lock:
            if self.fault_rate <= 0 or self.rng.random() >= self.fault_rate:
                return None
            kind = self.rng.choice(["500", "503", "429", "reset_before", "reset_after", "slow"])
            self.stats["faults"][kind] = self.stats["faults"].get(kind, 0) + 1
            return kind


def new_db(body):
    name = body["database_name"]
    slug = "%s-%05d" % (re.sub(r"[^a-z0-9]+", "-", name.lower())[:20], random.randint(10000, 99999))
    return {
        "database_id": str(uuid.uuid4()),
        "database_name": name,
        "region": "global",
        "primary_region": body["primary_region"],
        "read_regions": sorted(body.get("read_regions", [])),
        "port": 6379,
        "creation_time": int(time.time()),
        "state": "active",
        "endpoint": slug + ".upstash.io",
        "tls": True,
        "eviction": bool(body.get("eviction", False)),
        "auto_upgrade": False,
        "prod_pack_enabled": False,
        "consistent": False,
        "type": "payg" if body.get("plan", "payg") == "payg" else "paid",
        "budget": body.get("budget", 20),
        "db_max_clients": 10000,
        "password": "pw" + uuid.uuid4().hex,
        "rest_token": "rt" + uuid.uuid4().hex,
        "read_only_rest_token": "ro" + uuid.uuid4().hex,
    }


PUBLIC = ("password", "rest_token", "read_only_rest_token")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "upstash-fake/1"

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_UPSTASH_VERBOSE"):
            sys.stderr.write("fake: " + fmt % args + "\n")

    # --- plumbing
    def send_json(self, status, payload, extra=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def reset_connection(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self): self.handle_any("GET")
    def do_POST(self): self.handle_any("POST")
    def do_PATCH(self): self.handle_any("PATCH")
    def do_DELETE(self): self.handle_any("DELETE")
    def do_PUT(self): self.handle_any("PUT")

    def handle_any(self, method):
        st = self.server.state
        raw = self.body()
        url = urlsplit(self.path)
        if url.path.startswith("/__fake/"):
            return self.admin(method, url.path, raw)
        with st.lock:
            st.stats["requests"] += 1
        if not url.path.startswith("/v2/"):
            return self.violation("path outside /v2: %s" % url.path)
        path = url.path[len("/v2"):]
        auth = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(("%s:%s" % (EMAIL, API_KEY)).encode()).decode()
        try:
            template, op, params, body = validate_request(method, path, parse_qs(url.query), self.headers, raw)
        except (Violation, jsonschema.ValidationError) as e:
            return self.violation(getattr(e, "message", None) or str(e))
        if not self.headers.get("User-Agent", "").startswith("infera/"):
            return self.violation("User-Agent %r is not infera/<version>" % self.headers.get("User-Agent"))
        if auth != expected:
            return self.send_json(401, {"error": "Unauthorized"})
        fault = st.fault()
        if fault in ("500", "503"):
            return self.send_json(int(fault), {"error": "Service Unavailable" if fault == "503" else "Internal Server Error"})
        if fault == "429":
            return self.send_json(429, {"error": "Too Many Requests"}, {"Retry-After": "0"})
        if fault == "reset_before":
            return self.reset_connection()
        status, payload = self.route(template, method, params, body, parse_qs(url.query))
        try:
            validate_response(op, status, payload)
        except jsonschema.ValidationError as e:
            return self.violation("fake's own response does not match the schema: %s" % e.message, status=500)
        if fault == "reset_after":
            return self.reset_connection()
        if fault == "slow" or (st.mode == "slow_create" and template == "/redis/database" and method == "POST"):
            time.sleep(st.slow)
        if st.mode == "bad_shape" and template == "/redis/databases":
            payload = {"databases": payload}
        self.send_json(status, payload)

    def violation(self, message, status=422):
        with self.server.state.lock:
            self.server.state.stats["violations"].append("%s %s: %s" % (self.command, self.path, message))
        self.send_json(status, {"error": "fake: " + message})

    def admin(self, method, path, raw):
        st = self.server.state
        if path == "/__fake/state":
            with st.lock:
                return self.send_json(200, list(st.dbs.values()))
        if path == "/__fake/stats":
            with st.lock:
                return self.send_json(200, dict(st.stats, databases=len(st.dbs)))
        if path == "/__fake/config" and method == "POST":
            cfg = json.loads(raw or b"{}")
            with st.lock:
                if "fault_rate" in cfg:
                    st.fault_rate = float(cfg["fault_rate"])
                if "seed" in cfg:
                    st.rng = random.Random(cfg["seed"])
                if "mode" in cfg:
                    st.mode = cfg["mode"]
                if "slow" in cfg:
                    st.slow = float(cfg["slow"])
                if "max_databases" in cfg:
                    st.max_databases = int(cfg["max_databases"])
            return self.send_json(200, "OK")
        if path == "/__fake/reset" and method == "POST":
            with st.lock:
                st.dbs.clear()
                st.stats = {"requests": 0, "violations": [], "faults": {}, "creates": 0, "deletes": 0}
            return self.send_json(200, "OK")
        self.send_json(404, {"error": "no such admin endpoint"})

    # --- the API
    def route(self, template, method, params, body, query):
        st = self.server.state
        with st.lock:
            if template == "/redis/databases":
                return 200, [dict(d) for d in st.dbs.values()]
            if template == "/redis/database" and method == "POST":
                if len(st.dbs) >= st.max_databases:
                    return 400, {"error": "You have reached the maximum number of databases (%d) for your plan" % st.max_databases}
                st.stats["creates"] += 1
                db = new_db(body)
                st.dbs[db["database_id"]] = db
                return 200, dict(db)
            db = st.dbs.get(params.get("id", ""))
            if db is None:
                return 404, {"error": "database not found"}
            if template == "/redis/database/{id}" and method == "GET":
                out = dict(db)
                if query.get("credentials", [""])[0] == "hide":
                    for k in PUBLIC:
                        out.pop(k, None)
                return 200, out
            if template == "/redis/database/{id}" and method == "DELETE":
                st.stats["deletes"] += 1
                del st.dbs[db["database_id"]]
                return 200, "OK"
            if template == "/redis/rename/{id}":
                db["database_name"] = body["name"]
                return 200, dict(db)
            if template == "/redis/enable-eviction/{id}":
                db["eviction"] = True
                return 200, "OK"
            if template == "/redis/disable-eviction/{id}":
                db["eviction"] = False
                return 200, "OK"
            if template == "/redis/enable-autoupgrade/{id}":
                db["auto_upgrade"] = True
                return 200, "OK"
            if template == "/redis/disable-autoupgrade/{id}":
                db["auto_upgrade"] = False
                return 200, "OK"
            if template == "/redis/enable-tls/{id}":
                db["tls"] = True
                return 200, dict(db)
            if template == "/redis/update-regions/{id}":
                if db["primary_region"] in body["read_regions"]:
                    return 400, {"error": "read regions cannot include the primary region"}
                db["read_regions"] = sorted(body["read_regions"])
                return 200, "OK"
            if template == "/redis/update-budget/{id}":
                db["budget"] = body["budget"]
                return 200, "OK"
            if template == "/redis/{id}/change-plan":
                db["prod_pack_enabled"] = bool(body.get("prod_pack_enabled", db["prod_pack_enabled"]))
                if "auto_upgrade" in body:
                    db["auto_upgrade"] = bool(body["auto_upgrade"])
                return 200, "OK"
            if template == "/redis/reset-password/{id}":
                db["password"] = "pw" + uuid.uuid4().hex
                return 200, dict(db)
            return 405, {"error": "not implemented by the fake: %s %s" % (method, template)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--slow", type=float, default=2.0, help="seconds a 'slow' fault waits (set it past the client's timeout)")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State(args.seed, args.fault_rate, args.slow)
    print("PORT=%d" % srv.server_address[1], flush=True)
    # Stop when the parent goes away (stdin closes), so a crashed test never leaves the fake behind.
    def watch():
        try:
            sys.stdin.read()
        finally:
            os._exit(0)
    if not sys.stdin.isatty():
        threading.Thread(target=watch, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
