#!/usr/bin/env python3
"""A strict local fake of the Google endpoints infera's GCP provider talks to, for tests and the demo.

One HTTP server on 127.0.0.1 (random port) answers:
  * Memorystore for Redis v1   /v1/projects/{p}/locations/{r}/instances[...], operations
  * Secret Manager v1          /v1/projects/{p}/secrets[...]
  * Service Usage v1           /v1/projects/{p}/services:batchGet
  * Compute Engine v1          /compute/v1/projects/{p}/global/addresses[/{name}], global/operations/{op}
  * Service Networking v1      /v1/services/servicenetworking.googleapis.com/connections[...], /v1/operations/{op}
  * Memorystore Redis Cluster  /v1/projects/{p}/locations/{r}/clusters[...] (same discovery document as instances)
  * Network Connectivity v1    /networkconnectivity/v1/projects/{p}/locations/{r}/serviceConnectionPolicies[...], operations
                               (under the /networkconnectivity/ prefix: its operation paths look like Memorystore's)
  * OAuth token endpoint       POST /token          (jwt-bearer with RS256 verification, refresh_token)
  * STS                        POST /v1/token       (token exchange, google-auth's form fields)
  * IAM credentials            POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken
  * GitHub-style OIDC          GET  /_apis/oidc/token?api-version=2.0&audience=...
  * GCE metadata server        GET  /computeMetadata/v1/...   (needs Metadata-Flavor: Google)
  * control (not Google's)     GET /_fake/state, GET /_fake/requests, POST /_fake/config

Every request body and query string is checked against the discovery documents copied into
Tests/Fixtures/reference (for Compute and Service Networking: hand-written subsets of Google's documents) (unknown fields, types, enums, output-only fields), with Google's error
envelopes. Long-running operations report done:false until polled N times. Faults (429, 503, 500,
connection resets, 503 after the change was made, FAILED_PRECONDITION on updates) are injected
from a seed. Standard library only.
"""
import argparse, base64, hashlib, json, random, re, socket, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
REF = HERE.parent / "Fixtures" / "reference"

REDIS_VERSIONS = ["REDIS_3_2", "REDIS_4_0", "REDIS_5_0", "REDIS_6_X", "REDIS_7_0", "REDIS_7_2"]
REDIS_CONFIG_KEYS = {"maxmemory-policy", "notify-keyspace-events", "activedefrag", "lfu-decay-time", "lfu-log-factor",
                     "maxmemory-gb", "stream-node-max-bytes", "stream-node-max-entries"}
PATCHABLE = {"authEnabled", "displayName", "redisConfigs", "persistenceConfig", "maintenancePolicy", "maintenanceVersion",
             "memorySizeGb", "replicaCount", "readReplicasMode", "secondaryIpRange", "labels"}
SNAKE = {"auth_enabled": "authEnabled", "display_name": "displayName", "redis_configs": "redisConfigs", "redis_config": "redisConfigs",
         "persistence_config": "persistenceConfig", "maintenance_policy": "maintenancePolicy", "maintenance_version": "maintenanceVersion",
         "memory_size_gb": "memorySizeGb", "replica_count": "replicaCount", "read_replicas_mode": "readReplicasMode",
         "secondary_ip_range": "secondaryIpRange"}
SERVICE_TITLES = {"redis.googleapis.com": "Google Cloud Memorystore for Redis API",
                  "secretmanager.googleapis.com": "Secret Manager API",
                  "servicenetworking.googleapis.com": "Service Networking API",
                  "compute.googleapis.com": "Compute Engine API",
                  "networkconnectivity.googleapis.com": "Network Connectivity API"}
GLOBAL_PARAMS = {"$.xgafv", "access_token", "alt", "callback", "fields", "key", "oauth_token", "prettyPrint", "quotaUser",
                 "upload_protocol", "uploadType"}
RPC_CODES = {"INVALID_ARGUMENT": 3, "NOT_FOUND": 5, "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
             "FAILED_PRECONDITION": 9, "INTERNAL": 13, "UNAVAILABLE": 14}


class ApiError(Exception):
    def __init__(self, http, status, message, details=None, headers=None):
        super().__init__(message)
        self.http, self.status, self.message, self.details, self.headers = http, status, message, details or [], headers or {}

    def body(self):
        e = {"code": self.http, "message": self.message, "status": self.status}
        if self.details:
            e["details"] = self.details
        return {"error": e}


class ComputeError(ApiError):
    """Compute Engine's older envelope: {"error": {code, message, errors: [{message, domain, reason}]}}."""

    def __init__(self, http, reason, message):
        super().__init__(http, {400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 409: "ALREADY_EXISTS"}.get(http, "UNKNOWN"), message)
        self.reason = reason

    def body(self):
        return {"error": {"code": self.http, "message": self.message, "errors": [{"message": self.message, "domain": "global", "reason": self.reason}]}}


class OAuthError(Exception):
    def __init__(self, http, error, description):
        super().__init__(description)
        self.http, self.error, self.description = http, error, description


# ---------------------------------------------------------------------------------------------- discovery

class Discovery:
    """Methods and schemas of one discovery document, for matching requests and validating bodies."""

    def __init__(self, path, service):
        doc = json.loads(Path(path).read_text())
        self.service = service
        self.schemas = doc["schemas"]
        self.methods = []
        self.package = {"redis.googleapis.com": "google.cloud.redis.v1", "secretmanager.googleapis.com": "google.cloud.secretmanager.v1",
                        "compute.googleapis.com": "compute.v1", "servicenetworking.googleapis.com": "google.api.servicenetworking.v1",
                        "networkconnectivity.googleapis.com": "google.cloud.networkconnectivity.v1"}[service]
        service_path = doc.get("servicePath", "")

        def walk(res, prefix):
            for name, r in res.get("resources", {}).items():
                for mname, m in r.get("methods", {}).items():
                    pat = "^/" + re.escape(service_path) + re.sub(r"\{[^}]+\}", "([^/:]+)", re.escape(m["flatPath"]).replace(r"\{", "{").replace(r"\}", "}")) + "$"
                    self.methods.append((m["httpMethod"], re.compile(pat), prefix + name + "." + mname, m))
                walk(r, prefix + name + ".")
        walk(doc, "")

    def match(self, method, path):
        for hm, pat, mid, m in self.methods:
            if hm == method and pat.match(path):
                return mid, m
        return None, None

    def check_query(self, m, query):
        allowed = {k for k, p in m.get("parameters", {}).items() if p.get("location") == "query"} | GLOBAL_PARAMS
        for k, vals in query.items():
            if k not in allowed:
                raise ApiError(400, "INVALID_ARGUMENT", f'Invalid JSON payload received. Unknown name "{k}": Cannot bind query parameter. '
                                                        f"Field '{k}' could not be found in request message.")
            p = m["parameters"].get(k, {})
            if p.get("type") == "integer":
                for v in vals:
                    if not re.fullmatch(r"-?\d+", v):
                        raise ApiError(400, "INVALID_ARGUMENT", f'Invalid value at \'{k}\' (TYPE_INT32), "{v}"')

    def check_body(self, m, raw):
        ref = m.get("request", {}).get("$ref")
        if ref is None:
            if raw:
                raise ApiError(400, "INVALID_ARGUMENT", "fake: this method takes no request body")
            return None
        try:
            body = json.loads(raw or b"{}")
        except ValueError as e:
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid JSON payload received. {e}")
        self.check_value(body, {"$ref": ref}, ref[0].lower() + ref[1:], ref)
        return body

    def check_value(self, v, spec, where, tname):
        if "$ref" in spec:
            name = spec["$ref"]
            schema = self.schemas[name]
            if not isinstance(v, dict):
                raise ApiError(400, "INVALID_ARGUMENT", f"Invalid value at '{where}' (type.googleapis.com/{self.package}.{name}), {json.dumps(v)}")
            props = schema.get("properties", {})
            for k, sub in v.items():
                if k not in props:
                    raise ApiError(400, "INVALID_ARGUMENT", f'Invalid JSON payload received. Unknown name "{k}" at \'{where}\': Cannot find field.')
                if props[k].get("readOnly"):
                    raise ApiError(400, "INVALID_ARGUMENT", f"fake (stricter than Google, which ignores it): output-only field '{where}.{k}' sent in a request")
                self.check_value(sub, props[k], f"{where}.{k}", name)
            return
        t = spec.get("type")
        fmt = spec.get("format")
        bad = lambda kind: ApiError(400, "INVALID_ARGUMENT", f"Invalid value at '{where}' ({kind}), {json.dumps(v)}")
        if t == "string":
            if not isinstance(v, str):
                raise bad("TYPE_STRING")
            if "enum" in spec and v not in spec["enum"]:
                raise bad(f"type.googleapis.com/{self.package}.{tname}.enum")
            if fmt == "int64" and not re.fullmatch(r"-?\d+", v):
                raise bad("TYPE_INT64")
            if fmt == "byte":
                try:
                    base64.b64decode(v, validate=True)
                except Exception:
                    raise bad("TYPE_BYTES")
        elif t == "integer":
            if isinstance(v, bool) or not isinstance(v, int):
                raise bad("TYPE_INT32")
        elif t == "number":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise bad("TYPE_DOUBLE")
        elif t == "boolean":
            if not isinstance(v, bool):
                raise bad("TYPE_BOOL")
        elif t == "array":
            if not isinstance(v, list):
                raise bad("TYPE_ARRAY")
            for i, item in enumerate(v):
                self.check_value(item, spec["items"], f"{where}[{i}]", tname)
        elif t == "object":
            if not isinstance(v, dict):
                raise bad("TYPE_MESSAGE")
            ap = spec.get("additionalProperties")
            if ap is not None:
                for k, item in v.items():
                    self.check_value(item, ap, f"{where}[{k}]", tname)
            elif spec.get("properties"):
                for k in v:
                    if k not in spec["properties"]:
                        raise ApiError(400, "INVALID_ARGUMENT", f'Invalid JSON payload received. Unknown name "{k}" at \'{where}\': Cannot find field.')


# ---------------------------------------------------------------------------------------------- RSA (verify only)

def der_read(b, i):
    tag = b[i]; i += 1
    ln = b[i]; i += 1
    if ln & 0x80:
        n = ln & 0x7F
        ln = int.from_bytes(b[i:i + n], "big"); i += n
    return tag, b[i:i + ln], i + ln


def public_key_from_pem(pem):
    der = base64.b64decode("".join(l for l in pem.strip().splitlines() if not l.startswith("-----")))
    _, spki, _ = der_read(der, 0)                 # SubjectPublicKeyInfo
    _, _, i = der_read(spki, 0)                   # AlgorithmIdentifier
    _, bitstr, _ = der_read(spki, i)              # BIT STRING
    _, rsapub, _ = der_read(bitstr[1:], 0)        # RSAPublicKey
    _, n, j = der_read(rsapub, 0)
    _, e, _ = der_read(rsapub, j)
    return int.from_bytes(n, "big"), int.from_bytes(e, "big")


def rs256_verify(key, signing_input, sig):
    n, e = key
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    em = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(signing_input).digest()
    return em == b"\x00\x01" + b"\xff" * (k - 3 - len(digest_info)) + b"\x00" + digest_info


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    return c ^ 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------- state

class Fake:
    def __init__(self, args):
        self.lock = threading.RLock()
        self.rng = random.Random(args.seed)
        self.fault_rate = args.fault_rate
        self.polls = args.polls
        self.projects = {p: 100000 + i for i, p in enumerate(args.project)}
        self.regions = set(args.regions.split(","))
        self.redis = Discovery(REF / "gcp-redis-v1-discovery.json", "redis.googleapis.com")
        self.secrets_doc = Discovery(REF / "gcp-secretmanager-v1-discovery.json", "secretmanager.googleapis.com")
        self.compute = Discovery(REF / "gcp-compute-v1-global-addresses-subset.json", "compute.googleapis.com")
        self.servicenetworking = Discovery(REF / "gcp-servicenetworking-v1-subset.json", "servicenetworking.googleapis.com")
        self.nc = Discovery(REF / "gcp-networkconnectivity-v1-subset.json", "networkconnectivity.googleapis.com")
        self.clusters = {}        # full name -> Memorystore for Redis Cluster dict
        self.policies = {}        # full name -> ServiceConnectionPolicy dict
        self.networks = {f"projects/{p}/global/networks/{n}" for p in self.projects for n in ["default"] + args.network}
        self.addresses = {}       # projects/{p}/global/addresses/{name} -> Address dict
        self.connections = {}     # projects/{number}/global/networks/{n} -> Connection dict (servicenetworking.googleapis.com)
        self.instances = {}       # full name -> instance dict
        self.auth = {}            # full name -> auth string
        self.ops = {}             # op name -> {"op": dict, "left": n, "finish": callable}
        self.xops = {}            # compute:{p}/{op} or sn:operations/{op} -> {"op", "left", "finish", "kind"}
        self.busy = {}            # instance name -> op name
        self.secrets = {}         # full name (project id form) -> {"secret": dict, "versions": [bytes]}
        self.tokens = {}          # access token -> {"scope": str, "who": str, "expires": t}
        self.static_tokens = set(args.static_token)
        self.disabled = set()
        self.deny = set()
        self.revoked_keys = set()
        self.expired_refresh = set()
        self.requests = []
        self.counter = 0
        self.port = 0
        self.keys = {}            # client_email -> (kid, public key)
        for spec in args.service_account:
            email, kid, pem_path = spec.split(",", 2)
            self.keys[email] = (kid, public_key_from_pem(Path(pem_path).read_text()))
        self.users = {}           # refresh_token -> (client_id, client_secret)
        for spec in args.user:
            cid, secret, refresh = spec.split(",", 2)
            self.users[refresh] = (cid, secret)
        self.oidc_request_token = args.oidc_request_token
        self.sts_audience = args.sts_audience
        self.impersonable = set(args.impersonable)
        self.oidc_jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UifQ." + base64.urlsafe_b64encode(
            json.dumps({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:octo/infera:ref:refs/heads/main"}).encode()
        ).decode().rstrip("=") + ".c2ln"

    def issue(self, scope, who, lifetime=3599):
        with self.lock:
            self.counter += 1
            tok = f"ya29.fake-{self.counter}-{self.rng.getrandbits(48):012x}"
            self.tokens[tok] = {"scope": scope, "who": who, "expires": time.time() + lifetime}
            return tok

    def now(self):
        return time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime())


FAKE = None


# ---------------------------------------------------------------------------------------------- handler

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "infera-gcp-fake"

    def log_message(self, *a):
        pass

    # plumbing ---------------------------------------------------------------------------------
    def send(self, status, obj=None, text=None, headers=None, ctype="application/json; charset=UTF-8"):
        data = (json.dumps(obj, indent=2) + "\n").encode() if obj is not None else (text or "").encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype if obj is not None else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def reset(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self): self.route("GET")
    def do_POST(self): self.route("POST")
    def do_PATCH(self): self.route("PATCH")
    def do_DELETE(self): self.route("DELETE")

    def route(self, method):
        f = FAKE
        u = urllib.parse.urlsplit(self.path)
        path, query = u.path, urllib.parse.parse_qs(u.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.startswith("/_fake/"):
            return self.control(method, path, raw)
        entry = {"method": method, "path": path, "query": {k: v if len(v) > 1 else v[0] for k, v in query.items()},
                 "auth": "bearer" if (self.headers.get("Authorization") or "").startswith("Bearer ") else None}
        try:
            entry["body"] = json.loads(raw) if raw and (self.headers.get("Content-Type") or "").startswith("application/json") else (
                dict(urllib.parse.parse_qsl(raw.decode())) if raw else None)
        except ValueError:
            entry["body"] = raw.decode(errors="replace")
        if entry["body"] and isinstance(entry["body"], dict):
            for secret_field in ("assertion", "client_secret", "refresh_token", "subject_token"):
                if secret_field in entry["body"]:
                    entry["body"][secret_field] = "(redacted)"
        with f.lock:
            f.requests.append(entry)
        fault = self.pick_fault(method, path)
        if fault == "reset":
            entry["fault"] = "reset"
            return self.reset()
        if fault in (429, 503, 500):
            entry["fault"] = fault
            status = {429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE", 500: "INTERNAL"}[fault]
            msg = {429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service.",
                   503: "The service is currently unavailable.", 500: "Internal error encountered."}[fault]
            if path in ("/token", "/v1/token") or path.startswith("/computeMetadata"):
                return self.send(fault, {"error": "temporarily_unavailable", "error_description": msg})
            return self.send(fault, ApiError(fault, status, msg).body())
        try:
            status, obj = self.dispatch(method, path, query, raw)
            if fault == "after":
                entry["fault"] = "503-after-commit"
                return self.send(503, ApiError(503, "UNAVAILABLE", "The service is currently unavailable.").body())
            if isinstance(obj, str):
                return self.send(status, text=obj)
            self.send(status, obj)
        except ApiError as e:
            entry["error"] = e.status
            self.send(e.http, e.body(), headers=e.headers)
        except OAuthError as e:
            entry["error"] = e.error
            self.send(e.http, {"error": e.error, "error_description": e.description})

    def pick_fault(self, method, path):
        f = FAKE
        with f.lock:
            if f.fault_rate <= 0 or f.rng.random() >= f.fault_rate:
                return None
            kinds = [429, 503, "reset"]
            if method == "GET":
                kinds.append(500)
            if method == "POST" and (path.endswith("/instances") or path.endswith(":addVersion") or path.endswith("/secrets")
                                     or path.endswith("/global/addresses") or path.endswith("/connections")
                                     or path.endswith("/clusters") or path.endswith("/serviceConnectionPolicies")):
                kinds += ["after", "after"]
            return f.rng.choice(kinds)

    def control(self, method, path, raw):
        f = FAKE
        with f.lock:
            if path == "/_fake/state":
                return self.send(200, {
                    "instances": f.instances,
                    "operations": {k: v["op"] for k, v in f.ops.items()},
                    "secrets": {k: {"secret": v["secret"], "versions": [base64.b64encode(x).decode() for x in v["versions"]]}
                                for k, v in f.secrets.items()},
                    "disabled": sorted(f.disabled), "deny": sorted(f.deny),
                    "addresses": f.addresses, "connections": f.connections, "clusters": f.clusters, "policies": f.policies})
            if path == "/_fake/requests":
                return self.send(200, f.requests)
            if path == "/_fake/config" and method == "POST":
                c = json.loads(raw or b"{}")
                if "fault_rate" in c: f.fault_rate = float(c["fault_rate"])
                if "polls" in c: f.polls = int(c["polls"])
                if "disabled_services" in c: f.disabled = set(c["disabled_services"])
                if "deny" in c: f.deny = set(c["deny"])
                if "revoked_keys" in c: f.revoked_keys = set(c["revoked_keys"])
                if "expired_refresh_tokens" in c: f.expired_refresh = set(c["expired_refresh_tokens"])
                if "finish_ops_after" in c:
                    for o in list(f.ops.values()) + list(f.xops.values()):
                        o["left"] = min(o["left"], int(c["finish_ops_after"]))
                for a in c.get("seed_addresses", []):
                    # A range made by someone else (another team's Cloud SQL, …): {project, name, network, prefixLength}.
                    pid = a["project"]
                    key = f"projects/{pid}/global/addresses/{a['name']}"
                    f.addresses[key] = self.address_resource(pid, a["name"], {"name": a["name"], "purpose": "VPC_PEERING", "addressType": "INTERNAL",
                                                                              "prefixLength": a.get("prefixLength", 20), "network": a["network"],
                                                                              "description": a.get("description", "")})
                    f.addresses[key]["status"] = "RESERVED"
                for cn in c.get("seed_connections", []):
                    f.connections[cn["network"]] = {"network": cn["network"], "reservedPeeringRanges": list(cn["reservedPeeringRanges"]),
                                                    "peering": "servicenetworking-googleapis-com", "service": "services/servicenetworking.googleapis.com"}
                for sp in c.get("seed_policies", []):
                    # A policy made by someone else: {project, region, name, network, subnetworks, description, users: [producer ids]}.
                    key = f"projects/{sp['project']}/locations/{sp['region']}/serviceConnectionPolicies/{sp['name']}"
                    f.policies[key] = {"name": key, "description": sp.get("description", ""), "network": sp["network"],
                                       "serviceClass": sp.get("serviceClass", "gcp-memorystore-redis"), "infrastructure": "PSC",
                                       "pscConfig": {"subnetworks": sp["subnetworks"]}, "createTime": f.now(), "updateTime": f.now(), "etag": "fake1",
                                       "pscConnections": [{"state": "ACTIVE", "producerInstanceId": u, "pscConnectionId": str(900 + i)}
                                                          for i, u in enumerate(sp.get("users", []))]}
                if c.get("expire_tokens"):
                    f.tokens.clear()
                if c.get("clear_requests"):
                    f.requests.clear()
                return self.send(200, {"ok": True})
        self.send(404, {"error": "unknown control path"})

    # dispatch ---------------------------------------------------------------------------------
    def dispatch(self, method, path, query, raw):
        if path == "/token" and method == "POST":
            return self.oauth_token(raw)
        if path == "/v1/token" and method == "POST":
            return self.sts(raw)
        if path.startswith("/_apis/oidc/token") and method == "GET":
            return self.oidc(query)
        if path.startswith("/computeMetadata/v1/"):
            return self.metadata(path)
        m = re.fullmatch(r"/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken", path)
        if m and method == "POST":
            return self.impersonate(urllib.parse.unquote(m.group(1)), raw)
        self.require_token()
        if path.startswith("/networkconnectivity/"):
            return self.nc_api(method, path[len("/networkconnectivity"):], query, raw)
        if re.fullmatch(r"/v1/projects/[^/]+/services:batchGet", path):
            return self.batch_get(path, query)
        if re.match(r"^/v1/projects/[^/]+/(locations)/", path):
            return self.redis_api(method, path, query, raw)
        if re.match(r"^/v1/projects/[^/]+/secrets", path):
            return self.secret_api(method, path, query, raw)
        if path.startswith("/compute/v1/"):
            return self.compute_api(method, path, query, raw)
        if path.startswith("/v1/services/") or path.startswith("/v1/operations/"):
            return self.servicenetworking_api(method, path, query, raw)
        raise ApiError(404, "NOT_FOUND", f"fake: no route for {method} {path}")

    def require_token(self):
        f = FAKE
        h = self.headers.get("Authorization") or ""
        tok = h[7:] if h.startswith("Bearer ") else None
        with f.lock:
            ok = tok is not None and (tok in f.static_tokens or (tok in f.tokens and f.tokens[tok]["expires"] > time.time()
                                                                and "cloud-platform" in f.tokens[tok]["scope"]))
        if not ok:
            raise ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                                   "login cookie or other valid authentication credential. See "
                                                   "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})

    def project(self, pid, service, permission, resource):
        f = FAKE
        if pid not in f.projects:
            raise ApiError(403, "PERMISSION_DENIED", f"Permission '{permission}' denied on resource '{resource}' (or it may not exist).",
                           [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED",
                             "domain": "iam.googleapis.com", "metadata": {"permission": permission, "resource": resource}}])
        num = f.projects[pid]
        if service in f.disabled:
            title = SERVICE_TITLES.get(service, service)
            url = f"https://console.developers.google.com/apis/api/{service}/overview?project={num}"
            raise ApiError(403, "PERMISSION_DENIED",
                           f"{title} has not been used in project {num} before or it is disabled. Enable it by visiting {url} then retry. "
                           "If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.",
                           [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
                             "metadata": {"service": service, "consumer": f"projects/{num}", "activationUrl": url, "serviceTitle": title,
                                          "containerInfo": str(num)}},
                            {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                             "message": f"{title} has not been used in project {num} before or it is disabled."},
                            {"@type": "type.googleapis.com/google.rpc.Help",
                             "links": [{"description": f"Google developers console API activation", "url": url}]}])
        if permission in f.deny:
            raise ApiError(403, "PERMISSION_DENIED", f"Permission '{permission}' denied on resource '{resource}' (or it may not exist).",
                           [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED",
                             "domain": "iam.googleapis.com", "metadata": {"permission": permission, "resource": resource}}])
        return num

    # credentials ------------------------------------------------------------------------------
    def form(self, raw):
        if not (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            raise OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        pairs = urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True)
        return pairs, dict(pairs)

    def oauth_token(self, raw):
        f = FAKE
        _, form = self.form(raw)
        grant = form.get("grant_type")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            if set(form) != {"grant_type", "assertion"}:
                raise OAuthError(400, "invalid_request", f"unexpected fields {sorted(set(form) - {'grant_type', 'assertion'})}")
            parts = form["assertion"].split(".")
            if len(parts) != 3:
                raise OAuthError(400, "invalid_grant", "Invalid JWT: not three parts")
            header, claims = json.loads(b64url_decode(parts[0])), json.loads(b64url_decode(parts[1]))
            if header.get("alg") != "RS256" or header.get("typ") != "JWT":
                raise OAuthError(400, "invalid_grant", "Invalid JWT header")
            email = claims.get("iss")
            if email not in f.keys:
                raise OAuthError(400, "invalid_grant", "Invalid grant: account not found")
            kid, pub = f.keys[email]
            if header.get("kid") not in (None, kid) or kid in f.revoked_keys:
                raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
            if not rs256_verify(pub, (parts[0] + "." + parts[1]).encode(), b64url_decode(parts[2])):
                raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
            if claims.get("aud") != f"http://127.0.0.1:{f.port}/token":
                raise OAuthError(400, "invalid_grant", f"Invalid JWT: aud must be this token endpoint, got {claims.get('aud')}")
            now = time.time()
            iat, exp = claims.get("iat", 0), claims.get("exp", 0)
            if not (now - 300 <= iat <= now + 300) or exp - iat > 3600 or exp < now:
                raise OAuthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                                                       "timeframe. Check your iat and exp values in the JWT claim.")
            return 200, {"access_token": f.issue(claims.get("scope", ""), email), "expires_in": 3599, "token_type": "Bearer"}
        if grant == "refresh_token":
            need = {"grant_type", "client_id", "client_secret", "refresh_token"}
            if set(form) != need:
                raise OAuthError(400, "invalid_request", f"expected exactly {sorted(need)}")
            rt = form["refresh_token"]
            if rt in f.expired_refresh:
                raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
            if f.users.get(rt) != (form["client_id"], form["client_secret"]):
                raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
            return 200, {"access_token": f.issue("https://www.googleapis.com/auth/cloud-platform", "user"), "expires_in": 3599,
                         "scope": "https://www.googleapis.com/auth/cloud-platform openid", "token_type": "Bearer"}
        raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")

    def sts(self, raw):
        f = FAKE
        pairs, form = self.form(raw)
        order = [k for k, _ in pairs]
        expected = ["grant_type", "audience", "scope", "requested_token_type", "subject_token", "subject_token_type"]
        if order != expected:
            raise OAuthError(400, "invalid_request", f"fake: form fields {order}, google-auth sends {expected}")
        if form["grant_type"] != "urn:ietf:params:oauth:grant-type:token-exchange":
            raise OAuthError(400, "unsupported_grant_type", "Invalid grant_type")
        if form["audience"] != f.sts_audience:
            raise OAuthError(400, "invalid_request", 'Invalid value for "audience". This value should be the full resource name of the '
                                                     'Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.')
        if form["requested_token_type"] != "urn:ietf:params:oauth:token-type:access_token" or form["subject_token_type"] != "urn:ietf:params:oauth:token-type:jwt":
            raise OAuthError(400, "invalid_request", "Invalid token types")
        if form["subject_token"] != f.oidc_jwt:
            raise OAuthError(400, "invalid_grant", "The given subject token is not valid.")
        return 200, {"access_token": f.issue(form["scope"], "federated"), "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                     "token_type": "Bearer", "expires_in": 3599}

    def oidc(self, query):
        f = FAKE
        if self.headers.get("Authorization") != f"Bearer {f.oidc_request_token}":
            return 401, {"message": "Bad credentials"}
        if not query.get("audience"):
            return 400, {"message": "audience required"}
        return 200, {"count": 1600, "value": f.oidc_jwt}

    def impersonate(self, email, raw):
        f = FAKE
        h = self.headers.get("Authorization") or ""
        tok = h[7:] if h.startswith("Bearer ") else None
        with f.lock:
            info = f.tokens.get(tok)
        if info is None or info["who"] != "federated":
            raise ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if "https://www.googleapis.com/auth/iam" not in info["scope"].split():
            raise ApiError(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
        if email not in f.impersonable:
            raise ApiError(403, "PERMISSION_DENIED", f"Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).")
        if raw.decode() != '{"delegates": null, "scope": ["https://www.googleapis.com/auth/cloud-platform"], "lifetime": "3600s"}':
            raise ApiError(400, "INVALID_ARGUMENT", f"fake: body differs from google-auth's: {raw.decode()}")
        tok = f.issue("https://www.googleapis.com/auth/cloud-platform", email)
        return 200, {"accessToken": tok, "expireTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))}

    def metadata(self, path):
        f = FAKE
        if self.headers.get("Metadata-Flavor") != "Google":
            return 403, "Missing required header \"Metadata-Flavor\": \"Google\"\n"
        if path == "/computeMetadata/v1/instance/service-accounts/default/token":
            return 200, {"access_token": f.issue("https://www.googleapis.com/auth/cloud-platform", "gce"), "expires_in": 3599, "token_type": "Bearer"}
        if path == "/computeMetadata/v1/project/project-id":
            return 200, next(iter(f.projects))
        return 404, "Not Found\n"

    def batch_get(self, path, query):
        f = FAKE
        pid = path.split("/")[3]
        if pid not in f.projects:
            raise ApiError(403, "PERMISSION_DENIED", f"Permission denied to list services for consumer container [projects/{pid}]")
        num = f.projects[pid]
        out = []
        for n in query.get("names", []):
            svc = n.split("/")[-1]
            out.append({"name": f"projects/{num}/services/{svc}", "parent": f"projects/{num}",
                        "state": "DISABLED" if svc in f.disabled else "ENABLED"})
        return 200, {"services": out}

    # Memorystore -------------------------------------------------------------------------------
    def redis_api(self, method, path, query, raw):
        f = FAKE
        mid, m = f.redis.match(method, path)
        if m is None:
            raise ApiError(404, "NOT_FOUND", f"fake: {method} {path} is not a Memorystore v1 method")
        if mid.startswith("projects.locations.clusters."):
            return self.cluster_api(mid, m, path, query, raw)
        parts = path.split("/")
        pid, region = parts[3], parts[5]
        verb = mid.split(".")[-1]
        perm = {"get": "redis.instances.get", "list": "redis.instances.list", "create": "redis.instances.create",
                "patch": "redis.instances.update", "delete": "redis.instances.delete", "upgrade": "redis.instances.upgrade",
                "getAuthString": "redis.instances.getAuthString"}.get(verb, "redis.operations.get")
        self.project(pid, "redis.googleapis.com", perm, f"//redis.googleapis.com/projects/{pid}/locations/{region}")
        f.redis.check_query(m, query)
        body = f.redis.check_body(m, raw)
        if region not in f.regions and region != "-":
            raise ApiError(400, "INVALID_ARGUMENT", f"Location '{region}' is not supported. (fake wording)")
        with f.lock:
            if mid == "projects.locations.operations.get":
                return 200, self.poll_op("/".join(parts[2:]))
            if mid == "projects.locations.operations.list":
                prefix = f"projects/{pid}/locations/{region}/operations/"
                return 200, {"operations": [o["op"] for n, o in sorted(f.ops.items()) if n.startswith(prefix)]}
            if mid == "projects.locations.instances.list":
                prefix = f"projects/{pid}/locations/{region}/instances/"
                return 200, {"instances": [self.progress(n) for n in sorted(f.instances) if n.startswith(prefix)]}
            if mid == "projects.locations.instances.create":
                return self.create_instance(pid, region, query, body)
            name = "/".join(parts[2:8]).split(":")[0]
            if name not in f.instances:
                raise ApiError(404, "NOT_FOUND", f"Resource '{name}' was not found",
                               [{"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resourceName": name}])
            inst = self.progress(name)
            if mid == "projects.locations.instances.get":
                return 200, inst
            if mid == "projects.locations.instances.getAuthString":
                return 200, ({"authString": f.auth[name]} if inst.get("authEnabled") else {})
            if inst["state"] != "READY":
                raise ApiError(400, "FAILED_PRECONDITION", f"The instance '{name}' has ongoing operations; wait until instance is in READY state.")
            if mid == "projects.locations.instances.patch":
                return self.patch_instance(name, inst, query, body)
            if mid == "projects.locations.instances.upgrade":
                want = body.get("redisVersion")
                if want not in REDIS_VERSIONS or REDIS_VERSIONS.index(want) <= REDIS_VERSIONS.index(inst["redisVersion"]):
                    raise ApiError(400, "INVALID_ARGUMENT", f"Invalid redis version '{want}': must be newer than {inst['redisVersion']}.")
                def finish():
                    inst["redisVersion"] = want
                return 200, self.start_op(name, "upgrade", "UPDATING", finish)
            if mid == "projects.locations.instances.delete":
                def finish_delete():
                    f.instances.pop(name, None)
                    f.auth.pop(name, None)
                return 200, self.start_op(name, "delete", "DELETING", finish_delete, empty=True)
        raise ApiError(501, "UNIMPLEMENTED", f"fake: {mid} is not implemented")

    def rules(self, inst, name):
        """The tier / replica / memory / version rules of providers.md §1.2."""
        tier = inst.get("tier")
        if tier not in ("BASIC", "STANDARD_HA"):
            raise ApiError(400, "INVALID_ARGUMENT", "tier must be BASIC or STANDARD_HA")
        mem = inst.get("memorySizeGb")
        if not isinstance(mem, int) or not 1 <= mem <= 300:
            raise ApiError(400, "INVALID_ARGUMENT", f"memory_size_gb must be between 1 and 300, got {mem}")
        rr = inst.get("readReplicasMode", "READ_REPLICAS_DISABLED")
        rc = inst.get("replicaCount", 0)
        if tier == "BASIC":
            if rc not in (0, None) or rr == "READ_REPLICAS_ENABLED":
                raise ApiError(400, "INVALID_ARGUMENT", "replica_count and read replicas are not supported on BASIC tier")
        elif rr == "READ_REPLICAS_ENABLED":
            if not 1 <= rc <= 5:
                raise ApiError(400, "INVALID_ARGUMENT", "replica_count must be between 1 and 5 when read replicas are enabled")
            if mem < 5:
                raise ApiError(400, "INVALID_ARGUMENT", "read replicas need a memory size of at least 5 GB")
        elif rc not in (0, 1):
            raise ApiError(400, "INVALID_ARGUMENT", "replica_count must be 1 when read replicas are disabled")
        if inst.get("redisVersion", "REDIS_7_0") not in REDIS_VERSIONS:
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid redis_version '{inst.get('redisVersion')}'")
        for k in inst.get("redisConfigs", {}):
            if k not in REDIS_CONFIG_KEYS:
                raise ApiError(400, "INVALID_ARGUMENT", f"Unsupported redis config '{k}'")
        net = inst.get("authorizedNetwork")
        if net is not None and not re.fullmatch(r"projects/[^/]+/global/networks/[^/]+", net):
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid authorized_network '{net}'")
        for k, v in inst.get("labels", {}).items():
            if not re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", k) or not re.fullmatch(r"[a-z0-9_-]{0,63}", v):
                raise ApiError(400, "INVALID_ARGUMENT", f"Invalid label {k}={v}: keys and values must be lowercase letters, digits, '_' or '-'")

    def create_instance(self, pid, region, query, body):
        f = FAKE
        iid = query.get("instanceId", [""])[0]
        if not re.fullmatch(r"[a-z]([-a-z0-9]{0,38}[a-z0-9])?", iid):
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid instance_id '{iid}': must be 1-40 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen")
        name = f"projects/{pid}/locations/{region}/instances/{iid}"
        if name in f.instances:
            raise ApiError(409, "ALREADY_EXISTS", f"Resource '{name}' already exists",
                           [{"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resourceName": name}])
        self.rules(body, name)
        if body.get("connectMode") == "PRIVATE_SERVICE_ACCESS":
            net = body.get("authorizedNetwork", f"projects/{pid}/global/networks/default")
            key = f"projects/{f.projects[pid]}/global/networks/{net.split('/')[-1]}"
            if not f.connections.get(key, {}).get("reservedPeeringRanges"):
                raise ApiError(400, "FAILED_PRECONDITION", f"Private services access is not configured for network '{net}': create an allocated range "
                                                            "and a servicenetworking connection first. (fake wording)")
        inst = dict(body)
        inst.setdefault("redisVersion", "REDIS_7_0")
        inst.setdefault("authorizedNetwork", f"projects/{pid}/global/networks/default")
        inst.setdefault("connectMode", "DIRECT_PEERING")
        inst.setdefault("transitEncryptionMode", "DISABLED")
        inst.setdefault("persistenceConfig", {"persistenceMode": "DISABLED"})
        inst.setdefault("readReplicasMode", "READ_REPLICAS_DISABLED")
        if inst["tier"] == "STANDARD_HA":
            inst["replicaCount"] = max(1, inst.get("replicaCount", 0))
        inst.update({"name": name, "state": "CREATING", "createTime": f.now(), "locationId": inst.get("locationId", region + "-a")})
        f.instances[name] = inst
        f.auth[name] = f"{f.rng.getrandbits(128):032x}-{f.rng.getrandbits(32):08x}"

        def finish():
            n = len(f.instances)
            tls = inst.get("transitEncryptionMode") == "SERVER_AUTHENTICATION"
            inst.update({"host": f"10.0.{n}.3", "port": 6378 if tls else 6379, "currentLocationId": inst["locationId"],
                         "persistenceIamIdentity": f"serviceAccount:service-{f.projects[pid]}@cloud-redis.iam.gserviceaccount.com",
                         "nodes": [{"id": "node-0", "zone": inst["locationId"]}]})
            if inst.get("readReplicasMode") == "READ_REPLICAS_ENABLED":
                inst.update({"readEndpoint": f"10.0.{n}.4", "readEndpointPort": inst["port"]})
            if tls:
                inst["serverCaCerts"] = [{"serialNumber": "0", "cert": "-----BEGIN CERTIFICATE-----\nMIIBfakeCAforInferaTests\n-----END CERTIFICATE-----\n",
                                          "createTime": f.now(), "expireTime": "2036-01-01T00:00:00Z",
                                          "sha1Fingerprint": hashlib.sha1(name.encode()).hexdigest()}]
        return 200, self.start_op(name, "create", None, finish)

    def patch_instance(self, name, inst, query, body):
        f = FAKE
        mask = query.get("updateMask", [""])[0]
        if not mask:
            raise ApiError(400, "INVALID_ARGUMENT", "update_mask is required")
        fields = [SNAKE.get(p, p) for p in mask.split(",")]
        for p in fields:
            if p not in PATCHABLE:
                raise ApiError(400, "INVALID_ARGUMENT", f"Invalid update mask path: {p} cannot be updated")
        extra = set(body) - set(fields)
        if extra:
            raise ApiError(400, "INVALID_ARGUMENT", f"fake (stricter than Google): fields {sorted(extra)} in the body are not in updateMask {mask}")
        if f.fault_rate > 0 and f.rng.random() < f.fault_rate / 3:
            raise ApiError(400, "FAILED_PRECONDITION", f"The instance '{name}' has ongoing operations; wait until instance is in READY state. (injected)")
        new = dict(inst)
        for p in fields:
            if p in body:
                new[p] = body[p]
            else:
                new.pop(p, None)
        if inst.get("readReplicasMode") == "READ_REPLICAS_ENABLED" and new.get("readReplicasMode") != "READ_REPLICAS_ENABLED":
            raise ApiError(400, "INVALID_ARGUMENT", "read replicas cannot be disabled once enabled")
        self.rules(new, name)

        def finish():
            inst.clear()
            inst.update(new)
            inst["state"] = "READY"
        return 200, self.start_op(name, "update", "UPDATING", finish)

    def start_op(self, name, verb, state, finish, empty=False, store=None):
        f = FAKE
        store = f.instances if store is None else store
        region_prefix = "/".join(name.split("/")[:4])
        f.counter += 1
        op_name = f"{region_prefix}/operations/operation-{int(time.time() * 1000)}-{f.counter:04d}{f.rng.getrandbits(32):08x}"
        op = {"name": op_name, "metadata": {"@type": "type.googleapis.com/google.cloud.redis.v1.OperationMetadata",
                                            "createTime": f.now(), "target": name, "verb": verb, "cancelRequested": False, "apiVersion": "v1"},
              "done": False}
        if state:
            store[name]["state"] = state
        f.ops[op_name] = {"op": op, "left": f.polls, "finish": finish, "target": name, "empty": empty, "store": store}
        f.busy[name] = op_name
        return op

    def advance(self, op_name):
        f = FAKE
        o = f.ops[op_name]
        if o["op"]["done"]:
            return
        o["left"] -= 1
        if o["left"] > 0:
            return
        o["finish"]()
        o["op"]["done"] = True
        o["op"]["metadata"]["endTime"] = f.now()
        f.busy.pop(o["target"], None)
        if o["empty"]:
            o["op"]["response"] = {"@type": "type.googleapis.com/google.protobuf.Empty"}
        elif o["store"] is f.clusters:
            c = f.clusters[o["target"]]
            c["state"] = "ACTIVE"
            o["op"]["response"] = dict(c, **{"@type": "type.googleapis.com/google.cloud.redis.v1.Cluster"})
        else:
            inst = f.instances[o["target"]]
            inst["state"] = "READY"
            o["op"]["response"] = dict(inst, **{"@type": "type.googleapis.com/google.cloud.redis.v1.Instance"})

    def poll_op(self, op_name):
        f = FAKE
        if op_name not in f.ops:
            raise ApiError(404, "NOT_FOUND", f"Resource '{op_name}' was not found")
        self.advance(op_name)
        return f.ops[op_name]["op"]

    def progress(self, name):
        """A read of a busy instance also moves its operation on (clients may poll the instance instead)."""
        f = FAKE
        op = f.busy.get(name)
        if op:
            self.advance(op)
        return f.instances.get(name) or {}

    # Memorystore for Redis Cluster ----------------------------------------------------------------
    def cluster_api(self, mid, m, path, query, raw):
        f = FAKE
        parts = path.split("/")                 # ['', 'v1', 'projects', p, 'locations', r, 'clusters', id, ...]
        pid, region = parts[3], parts[5]
        verb = mid.split(".")[-1]
        perm = {"list": "redis.clusters.list", "create": "redis.clusters.create", "patch": "redis.clusters.update",
                "delete": "redis.clusters.delete"}.get(verb, "redis.clusters.get")
        self.project(pid, "redis.googleapis.com", perm, f"//redis.googleapis.com/projects/{pid}/locations/{region}")
        f.redis.check_query(m, query)
        body = f.redis.check_body(m, raw)
        if region not in f.regions:
            raise ApiError(400, "INVALID_ARGUMENT", f"Location '{region}' is not supported. (fake wording)")
        with f.lock:
            if verb == "list":
                prefix = f"projects/{pid}/locations/{region}/clusters/"
                return 200, {"clusters": [self.cluster_progress(n) for n in sorted(f.clusters) if n.startswith(prefix)]}
            if verb == "create":
                return self.create_cluster(pid, region, query, body)
            name = "/".join(parts[2:8])
            if name not in f.clusters:
                raise ApiError(404, "NOT_FOUND", f"Resource '{name}' was not found",
                               [{"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resourceName": name}])
            c = self.cluster_progress(name)
            if verb == "get":
                return 200, c
            if verb == "getCertificateAuthority":
                ca = {"name": name + "/certificateAuthority"}
                if c.get("transitEncryptionMode") == "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION":
                    ca["managedServerCa"] = {"caCerts": [{"certificates": [
                        "-----BEGIN CERTIFICATE-----\nMIIBfakeClusterCAforInferaTests\n-----END CERTIFICATE-----\n"]}]}
                return 200, ca
            if c["state"] != "ACTIVE":
                raise ApiError(400, "FAILED_PRECONDITION", f"The cluster '{name}' has an ongoing operation ({c['state']}); "
                                                            "wait until the cluster is ACTIVE. (fake wording)")
            if verb == "patch":
                return self.patch_cluster(name, c, query, body)
            if verb == "delete":
                if c.get("deletionProtectionEnabled"):
                    raise ApiError(400, "FAILED_PRECONDITION", f"The cluster '{name}' has deletion protection enabled; set "
                                                                "deletion_protection_enabled to false before deleting it. (fake wording)")

                def finish_delete():
                    f.clusters.pop(name, None)
                    for p in f.policies.values():
                        p["pscConnections"] = [x for x in p.get("pscConnections", []) if x.get("producerInstanceId") != name]
                return 200, self.start_op(name, "delete", "DELETING", finish_delete, empty=True, store=f.clusters)
        raise ApiError(501, "UNIMPLEMENTED", f"fake: {mid} is not implemented")

    CLUSTER_NODE_GB = {"REDIS_SHARED_CORE_NANO": 1.4, "REDIS_STANDARD_SMALL": 6.5, "REDIS_HIGHMEM_MEDIUM": 13.0, "REDIS_HIGHMEM_XLARGE": 58.0,
                       "REDIS_HIGHCPU_MEDIUM": 6.5, "REDIS_STANDARD_LARGE": 26.0, "REDIS_HIGHMEM_2XLARGE": 116.0}
    CLUSTER_CONFIG_KEYS = {"maxmemory-policy", "maxmemory-clients", "maxmemory", "notify-keyspace-events", "slowlog-log-slower-than",
                           "maxclients", "stream-node-max-bytes", "stream-node-max-entries"}
    CLUSTER_PATCHABLE = {"shardCount", "replicaCount", "nodeType", "redisConfigs", "persistenceConfig", "deletionProtectionEnabled",
                         "maintenancePolicy", "zoneDistributionConfig"}
    CLUSTER_SNAKE = {"shard_count": "shardCount", "replica_count": "replicaCount", "node_type": "nodeType", "redis_configs": "redisConfigs",
                     "persistence_config": "persistenceConfig", "deletion_protection_enabled": "deletionProtectionEnabled",
                     "maintenance_policy": "maintenancePolicy", "zone_distribution_config": "zoneDistributionConfig"}

    def cluster_rules(self, c):
        sc = c.get("shardCount")
        if not isinstance(sc, int) or not 1 <= sc <= 250:
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid shard count {sc}: shard_count must be between 1 and 250. (fake wording)")
        rc = c.get("replicaCount", 0)
        if not 0 <= rc <= 2:
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid replica count {rc}: replica_count must be between 0 and 2. (fake wording)")
        if c.get("nodeType", "REDIS_HIGHMEM_MEDIUM") == "NODE_TYPE_UNSPECIFIED":
            raise ApiError(400, "INVALID_ARGUMENT", "node_type must be specified. (fake wording)")
        for k in c.get("redisConfigs", {}):
            if k not in self.CLUSTER_CONFIG_KEYS:
                raise ApiError(400, "INVALID_ARGUMENT", f"Unsupported redis config '{k}' for a cluster. (fake wording)")
        mode = (c.get("persistenceConfig") or {}).get("mode", "DISABLED")
        if mode == "PERSISTENCE_MODE_UNSPECIFIED":
            raise ApiError(400, "INVALID_ARGUMENT", "persistence_config.mode must be specified. (fake wording)")

    def cluster_size(self, c):
        return int(c["shardCount"] * self.CLUSTER_NODE_GB.get(c.get("nodeType", "REDIS_HIGHMEM_MEDIUM"), 13.0))

    def policy_for(self, pid, region, network):
        f = FAKE
        for n, p in f.policies.items():
            if n.startswith(f"projects/{pid}/locations/{region}/") and p.get("serviceClass") == "gcp-memorystore-redis" and p.get("network") == network:
                return p
        return None

    def create_cluster(self, pid, region, query, body):
        f = FAKE
        cid = query.get("clusterId", [""])[0]
        if not re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", cid):
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid cluster_id '{cid}': must be 1-63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. (fake wording)")
        name = f"projects/{pid}/locations/{region}/clusters/{cid}"
        if name in f.clusters:
            raise ApiError(409, "ALREADY_EXISTS", f"Resource '{name}' already exists",
                           [{"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resourceName": name}])
        self.cluster_rules(body)
        psc = body.get("pscConfigs") or []
        if len(psc) != 1 or not psc[0].get("network"):
            raise ApiError(400, "INVALID_ARGUMENT", "Exactly one psc_config with a network is required. (fake wording)")
        net = psc[0]["network"]
        if net not in f.networks:
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid network '{net}': must be projects/{{project}}/global/networks/{{network}} of an existing network. (fake wording)")
        policy = self.policy_for(pid, region, net)
        if policy is None:
            raise ApiError(400, "FAILED_PRECONDITION", f"No service connection policy for service class gcp-memorystore-redis in network '{net}' "
                                                        f"and region {region}; create one before the cluster. (fake wording)")
        c = dict(body)
        c.setdefault("replicaCount", 0)
        c.setdefault("nodeType", "REDIS_HIGHMEM_MEDIUM")
        c.setdefault("authorizationMode", "AUTH_MODE_DISABLED")
        c.setdefault("transitEncryptionMode", "TRANSIT_ENCRYPTION_MODE_DISABLED")
        c.setdefault("persistenceConfig", {"mode": "DISABLED"})
        c.setdefault("zoneDistributionConfig", {"mode": "MULTI_ZONE"})
        c.update({"name": name, "state": "CREATING", "createTime": f.now(), "uid": f"{f.rng.getrandbits(64):016x}"})
        f.clusters[name] = c

        def finish():
            n = len(f.clusters)
            c["discoveryEndpoints"] = [{"address": f"10.1.{n}.5", "port": 6379, "pscConfig": {"network": net}}]
            c["pscConnections"] = [{"pscConnectionId": str(1000 + n), "address": f"10.1.{n}.5", "network": net, "projectId": pid,
                                    "forwardingRule": f"https://www.googleapis.com/compute/v1/projects/{pid}/regions/{region}/forwardingRules/sca-auto-fr-{n}"}]
            c["sizeGb"] = self.cluster_size(c)
            c["preciseSizeGb"] = float(c["sizeGb"])
            policy.setdefault("pscConnections", []).append({"state": "ACTIVE", "producerInstanceId": name, "pscConnectionId": str(1000 + n)})
        return 200, self.start_op(name, "create", None, finish, store=f.clusters)

    def patch_cluster(self, name, c, query, body):
        f = FAKE
        mask = query.get("updateMask", [""])[0]
        if not mask:
            raise ApiError(400, "INVALID_ARGUMENT", "update_mask is required")
        fields = [self.CLUSTER_SNAKE.get(p, p) for p in mask.split(",")]
        for p in fields:
            if p not in self.CLUSTER_PATCHABLE:
                raise ApiError(400, "INVALID_ARGUMENT", f"Invalid update mask path: {p} cannot be updated")
        scaling = [p for p in fields if p in ("shardCount", "replicaCount", "nodeType")]
        if len(scaling) > 1:
            raise ApiError(400, "INVALID_ARGUMENT", f"Only one of shard_count, replica_count and node_type can be updated in a request, got {scaling}. (fake wording)")
        extra = set(body) - set(fields)
        if extra:
            raise ApiError(400, "INVALID_ARGUMENT", f"fake (stricter than Google): fields {sorted(extra)} in the body are not in updateMask {mask}")
        if f.fault_rate > 0 and f.rng.random() < f.fault_rate / 3:
            raise ApiError(400, "FAILED_PRECONDITION", f"The cluster '{name}' has an ongoing operation; wait until the cluster is ACTIVE. (injected)")
        new = dict(c)
        for p in fields:
            if p in body:
                new[p] = body[p]
            else:
                new.pop(p, None)
        self.cluster_rules(new)
        if new.get("shardCount") == c.get("shardCount") and "shardCount" in fields:
            raise ApiError(400, "INVALID_ARGUMENT", f"The cluster already has {c['shardCount']} shards. (fake wording)")
        target = {k: new[k] for k in scaling}

        def finish():
            c.clear()
            c.update(new)
            c["sizeGb"] = self.cluster_size(c)
            c["preciseSizeGb"] = float(c["sizeGb"])
        op = self.start_op(name, "update", "UPDATING", finish, store=f.clusters)
        if target:
            c["stateInfo"] = {"updateInfo": {"target" + k[0].upper() + k[1:]: v for k, v in target.items()}}
        return 200, op

    def cluster_progress(self, name):
        f = FAKE
        op = f.busy.get(name)
        if op:
            self.advance(op)
        return f.clusters.get(name) or {}

    # Network Connectivity: service connection policies ---------------------------------------------
    def nc_op(self, pid, region, verb, target, finish, response=None):
        f = FAKE
        f.counter += 1
        name = f"projects/{pid}/locations/{region}/operations/operation-{int(time.time() * 1000)}-{f.rng.getrandbits(40):010x}-{f.counter:04d}"
        op = {"name": name, "metadata": {"@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.OperationMetadata",
                                         "createTime": f.now(), "target": target, "verb": verb, "requestedCancellation": False, "apiVersion": "v1"},
              "done": False}
        f.xops[f"nc:{name}"] = {"op": op, "left": f.polls, "finish": finish, "kind": "sn", "response": response}
        return dict(op)

    def nc_api(self, method, path, query, raw):
        f = FAKE
        mid, m = f.nc.match(method, path)
        if m is None:
            raise ApiError(404, "NOT_FOUND", f"fake: {method} {path} is not a Network Connectivity v1 method this fake serves")
        parts = path.split("/")                 # ['', 'v1', 'projects', p, 'locations', r, kind, id]
        pid, region = parts[3], parts[5]
        verb = mid.split(".")[-1]
        perm = {"create": "networkconnectivity.serviceConnectionPolicies.create", "delete": "networkconnectivity.serviceConnectionPolicies.delete",
                "list": "networkconnectivity.serviceConnectionPolicies.list"}.get(verb, "networkconnectivity.serviceConnectionPolicies.get")
        self.project(pid, "networkconnectivity.googleapis.com", perm, f"projects/{pid}/locations/{region}")
        f.nc.check_query(m, query)
        body = f.nc.check_body(m, raw)
        with f.lock:
            if mid == "projects.locations.operations.get":
                key = "nc:" + "/".join(parts[2:])
                if key not in f.xops:
                    raise ApiError(404, "NOT_FOUND", f"Operation '{'/'.join(parts[2:])}' not found.")
                return 200, self.advance_x(key)
            if region not in f.regions:
                raise ApiError(400, "INVALID_ARGUMENT", f"Location '{region}' is not supported. (fake wording)")
            if verb == "list":
                prefix = f"projects/{pid}/locations/{region}/serviceConnectionPolicies/"
                return 200, {"serviceConnectionPolicies": [p for n, p in sorted(f.policies.items()) if n.startswith(prefix)]}
            if verb == "create":
                sid = query.get("serviceConnectionPolicyId", [""])[0]
                if not re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", sid):
                    raise ApiError(400, "INVALID_ARGUMENT", f"Invalid service_connection_policy_id '{sid}'. (fake wording)")
                name = f"projects/{pid}/locations/{region}/serviceConnectionPolicies/{sid}"
                if name in f.policies:
                    raise ApiError(409, "ALREADY_EXISTS", f"Resource '{name}' already exists")
                if not body.get("serviceClass"):
                    raise ApiError(400, "INVALID_ARGUMENT", "service_class is required. (fake wording)")
                net = body.get("network", "")
                if net not in f.networks:
                    raise ApiError(400, "INVALID_ARGUMENT", f"Invalid network '{net}': must be projects/{{project}}/global/networks/{{network}} of an existing network. (fake wording)")
                subnets = (body.get("pscConfig") or {}).get("subnetworks") or []
                if not subnets:
                    raise ApiError(400, "INVALID_ARGUMENT", "psc_config.subnetworks must name at least one subnetwork. (fake wording)")
                for sn in subnets:
                    if not re.fullmatch(rf"projects/{re.escape(pid)}/regions/{re.escape(region)}/subnetworks/[a-z]([-a-z0-9]{{0,61}}[a-z0-9])?", sn):
                        raise ApiError(400, "INVALID_ARGUMENT", f"Invalid subnetwork '{sn}': must be projects/{pid}/regions/{region}/subnetworks/{{name}} (the policy's region). (fake wording)")
                other = self.policy_for(pid, region, net) if body["serviceClass"] == "gcp-memorystore-redis" else None
                if other is not None:
                    raise ApiError(409, "ALREADY_EXISTS", f"Service connection policy '{other['name']}' already exists for network '{net}' and "
                                                          f"service class '{body['serviceClass']}' in {region}. (fake wording)")
                p = dict(body, name=name, infrastructure="PSC", createTime=f.now(), updateTime=f.now(), etag="fake1", pscConnections=[])
                f.policies[name] = p
                return 200, self.nc_op(pid, region, "create", name, lambda: None,
                                       dict(p, **{"@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.ServiceConnectionPolicy"}))
            name = "/".join(parts[2:8])
            if name not in f.policies:
                raise ApiError(404, "NOT_FOUND", f"Resource '{name}' was not found")
            p = f.policies[name]
            if verb == "get":
                return 200, p
            if verb == "delete":
                if p.get("pscConnections"):
                    raise ApiError(400, "FAILED_PRECONDITION", f"Service connection policy '{name}' still has {len(p['pscConnections'])} "
                                                                "active PSC connection(s) and cannot be deleted. (fake wording)")

                def finish():
                    f.policies.pop(name, None)
                return 200, self.nc_op(pid, region, "delete", name, finish)
        raise ApiError(501, "UNIMPLEMENTED", f"fake: {mid} is not implemented")

    # Secret Manager ----------------------------------------------------------------------------
    def secret_api(self, method, path, query, raw):
        f = FAKE
        mid, m = f.secrets_doc.match(method, path)
        if m is None:
            raise ApiError(404, "NOT_FOUND", f"fake: {method} {path} is not a Secret Manager v1 method")
        parts = path.split("/")
        pid = parts[3]
        verb = mid.split(".")[-1]
        perm = {"create": "secretmanager.secrets.create", "get": "secretmanager.secrets.get", "delete": "secretmanager.secrets.delete",
                "addVersion": "secretmanager.versions.add", "access": "secretmanager.versions.access"}.get(verb, "secretmanager.secrets.list")
        num = self.project(pid, "secretmanager.googleapis.com", perm, f"projects/{pid}")
        f.secrets_doc.check_query(m, query)
        body = f.secrets_doc.check_body(m, raw)
        with f.lock:
            if mid == "projects.secrets.create":
                sid = query.get("secretId", [""])[0]
                if not re.fullmatch(r"[A-Za-z0-9_-]{1,255}", sid):
                    raise ApiError(400, "INVALID_ARGUMENT", f"Invalid secret_id '{sid}'")
                if "replication" not in body or not body["replication"]:
                    raise ApiError(400, "INVALID_ARGUMENT", "Secret.replication is required.")
                key = f"projects/{pid}/secrets/{sid}"
                if key in f.secrets:
                    raise ApiError(409, "ALREADY_EXISTS", f"Secret [projects/{num}/secrets/{sid}] already exists.")
                secret = dict(body, name=f"projects/{num}/secrets/{sid}", createTime=f.now(), etag='"fake1"')
                f.secrets[key] = {"secret": secret, "versions": []}
                return 200, secret
            sid = parts[5].split(":")[0]
            key = f"projects/{pid}/secrets/{sid}"
            if key not in f.secrets:
                raise ApiError(404, "NOT_FOUND", f"Secret [projects/{num}/secrets/{sid}] not found or has no versions.")
            s = f.secrets[key]
            if mid == "projects.secrets.get":
                return 200, s["secret"]
            if mid == "projects.secrets.patch":
                if query.get("updateMask", [""])[0] != "labels":
                    raise ApiError(400, "INVALID_ARGUMENT", "fake: only updateMask=labels is implemented")
                s["secret"]["labels"] = body.get("labels", {})
                return 200, s["secret"]
            if mid == "projects.secrets.delete":
                del f.secrets[key]
                return 200, {}
            if mid == "projects.secrets.addVersion":
                payload = body.get("payload") or {}
                data = base64.b64decode(payload.get("data", ""))
                if len(data) > 65536:
                    raise ApiError(400, "INVALID_ARGUMENT", "Secret payload data exceeds the limit of 65536 bytes.")
                if "dataCrc32c" in payload and int(payload["dataCrc32c"]) != crc32c(data):
                    raise ApiError(400, "INVALID_ARGUMENT", "Checksum mismatch for secret payload data.")
                s["versions"].append(data)
                n = len(s["versions"])
                return 200, {"name": f"projects/{num}/secrets/{sid}/versions/{n}", "createTime": f.now(), "state": "ENABLED",
                             "replicationStatus": {"automatic": {}}, "etag": f'"v{n}"', "clientSpecifiedPayloadChecksum": "dataCrc32c" in payload}
            if mid == "projects.secrets.versions.access":
                ver = parts[7].split(":")[0]
                if not s["versions"] or (ver != "latest" and not (ver.isdigit() and 1 <= int(ver) <= len(s["versions"]))):
                    raise ApiError(404, "NOT_FOUND", f"Secret Version [projects/{num}/secrets/{sid}/versions/{ver}] not found.")
                n = len(s["versions"]) if ver == "latest" else int(ver)
                data = s["versions"][n - 1]
                return 200, {"name": f"projects/{num}/secrets/{sid}/versions/{n}",
                             "payload": {"data": base64.b64encode(data).decode(), "dataCrc32c": str(crc32c(data))}}
        raise ApiError(501, "UNIMPLEMENTED", f"fake: {mid} is not implemented")


    # Compute Engine: global addresses (private services access ranges) ------------------------------
    def compute_error(self, http, reason, message):
        return ComputeError(http, reason, message)

    def network_key(self, value, pid):
        """Normalises the network forms compute accepts (full URL, projects/…, global/networks/…, a name) to projects/{p}/global/networks/{n}."""
        v = re.sub(r"^https://(www|compute)\.googleapis\.com/compute/v1/", "", value or "")
        if v.startswith("global/networks/"):
            v = f"projects/{pid}/" + v
        elif "/" not in v and v:
            v = f"projects/{pid}/global/networks/{v}"
        return v

    def address_resource(self, pid, name, body):
        f = FAKE
        f.counter += 1
        base = 20 + len(f.addresses)
        net = self.network_key(body.get("network", ""), pid)
        return {"kind": "compute#address", "id": str(7000000000000000000 + f.counter), "creationTimestamp": f.now(),
                "name": name, "description": body.get("description", ""), "address": body.get("address", f"10.{base}.0.0"),
                "prefixLength": body.get("prefixLength"), "status": "RESERVING", "purpose": body.get("purpose"),
                "addressType": body.get("addressType", "EXTERNAL"),
                "network": f"https://www.googleapis.com/compute/v1/{net}", "labelFingerprint": "42WmSpB8rSM=",
                "selfLink": f"https://www.googleapis.com/compute/v1/projects/{pid}/global/addresses/{name}"}

    def compute_op(self, pid, op_type, target, finish):
        f = FAKE
        f.counter += 1
        name = f"operation-{int(time.time() * 1000)}-{f.rng.getrandbits(48):012x}-{f.counter:04d}"
        op = {"kind": "compute#operation", "id": str(5000000000000000000 + f.counter), "name": name, "operationType": op_type,
              "targetLink": f"https://www.googleapis.com/compute/v1/{target}", "targetId": str(7000000000000000000 + f.counter),
              "status": "RUNNING", "user": "infera-test@infera-test-project.iam.gserviceaccount.com", "progress": 0,
              "insertTime": f.now(), "startTime": f.now(),
              "selfLink": f"https://www.googleapis.com/compute/v1/projects/{pid}/global/operations/{name}"}
        f.xops[f"compute:{pid}/{name}"] = {"op": op, "left": f.polls, "finish": finish, "kind": "compute"}
        return dict(op)

    def compute_api(self, method, path, query, raw):
        f = FAKE
        mid, m = f.compute.match(method, path)
        if m is None:
            raise ComputeError(404, "notFound", f"fake: {method} {path} is not a compute method this fake serves")
        parts = path.split("/")            # ['', 'compute', 'v1', 'projects', p, 'global', kind, name]
        pid = parts[4]
        perm = {"globalAddresses.insert": "compute.globalAddresses.create", "globalAddresses.get": "compute.globalAddresses.get",
                "globalAddresses.delete": "compute.globalAddresses.delete"}.get(mid, "compute.globalOperations.get")
        self.project(pid, "compute.googleapis.com", perm, f"projects/{pid}")
        f.compute.check_query(m, query)
        body = f.compute.check_body(m, raw)
        with f.lock:
            if mid == "globalOperations.get":
                key = f"compute:{pid}/{parts[7]}"
                if key not in f.xops:
                    raise ComputeError(404, "notFound", f"The resource 'projects/{pid}/global/operations/{parts[7]}' was not found")
                return 200, self.advance_x(key)
            if mid == "globalAddresses.insert":
                name = body.get("name", "")
                if not re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", name):
                    raise ComputeError(400, "invalid", f"Invalid value for field 'resource.name': '{name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{{0,61}}[a-z0-9])?)'")
                if body.get("purpose") == "VPC_PEERING":
                    if body.get("addressType") != "INTERNAL":
                        raise ComputeError(400, "invalid", "Invalid value for field 'resource.addressType': "
                                           f"'{body.get('addressType', '')}'. A VPC_PEERING address must be INTERNAL.")
                    pl = body.get("prefixLength")
                    if not isinstance(pl, int) or not 8 <= pl <= 29:
                        raise ComputeError(400, "invalid", f"Invalid value for field 'resource.prefixLength': '{pl}'. Must be between 8 and 29 for VPC_PEERING.")
                    if not body.get("network"):
                        raise ComputeError(400, "invalid", "Invalid value for field 'resource.network': ''. A network is required for VPC_PEERING addresses.")
                    net = self.network_key(body["network"], pid)
                    if net not in f.networks:
                        raise ComputeError(404, "notFound", f"The resource '{net}' was not found")
                key = f"projects/{pid}/global/addresses/{name}"
                if key in f.addresses:
                    raise ComputeError(409, "alreadyExists", f"The resource '{key}' already exists")
                a = self.address_resource(pid, name, body)
                f.addresses[key] = a

                def finish():
                    a["status"] = "RESERVED"
                op = self.compute_op(pid, "insert", key, finish)
                a["_op"] = f"compute:{pid}/{op['name']}"
                return 200, op
            key = f"projects/{pid}/global/addresses/{parts[7]}"
            if key not in f.addresses:
                raise ComputeError(404, "notFound", f"The resource '{key}' was not found")
            a = f.addresses[key]
            if mid == "globalAddresses.get":
                if a.get("_op"):        # a read moves a reservation on, as time does for the real one
                    self.advance_x(a["_op"])
                    if a["status"] == "RESERVED":
                        a.pop("_op")
                return 200, {k: v for k, v in a.items() if not k.startswith("_")}
            if mid == "globalAddresses.delete":
                for net, c in f.connections.items():
                    if parts[7] in c["reservedPeeringRanges"] and self.network_key(a["network"], pid).split("/global/")[1] == net.split("/global/")[1]:
                        raise ComputeError(400, "resourceInUseByAnotherResource",
                                           f"The address resource '{key}' is already being used by 'services/servicenetworking.googleapis.com' (connection on {net})")

                def finish():
                    f.addresses.pop(key, None)
                return 200, self.compute_op(pid, "delete", key, finish)
        raise ComputeError(501, "notImplemented", f"fake: {mid} is not implemented")

    def advance_x(self, key):
        """Moves a compute / servicenetworking operation on by one poll; runs its effect when it finishes."""
        f = FAKE
        o = f.xops[key]
        op = o["op"]
        done = op.get("status") == "DONE" if o["kind"] == "compute" else op.get("done")
        if not done:
            o["left"] -= 1
            if o["left"] <= 0:
                err = o["finish"]()
                if o["kind"] == "compute":
                    op.update({"status": "DONE", "progress": 100, "endTime": f.now()})
                    if err:
                        op["error"] = {"errors": [{"code": err[0], "message": err[1]}]}
                        op["httpErrorStatusCode"], op["httpErrorMessage"] = 400, "BAD REQUEST"
                else:
                    op["done"] = True
                    if err:
                        op["error"] = {"code": err[0], "message": err[1]}
                    else:
                        op["response"] = o.get("response") or {"@type": "type.googleapis.com/google.protobuf.Empty"}
            elif o["kind"] == "compute":
                op["progress"] = 50
        return op

    # Service Networking: the private services access connection -------------------------------------
    def sn_network(self, value, what):
        """projects/{number}/global/networks/{n} → (project id, key); the API wants the project number."""
        f = FAKE
        m = re.fullmatch(r"projects/([^/]+)/global/networks/([^/]+)", value or "")
        if not m:
            raise ApiError(400, "INVALID_ARGUMENT", f"{what} must be of the form projects/{{project number}}/global/networks/{{network}}, got '{value}'")
        by_number = {str(n): p for p, n in f.projects.items()}
        if m.group(1) not in by_number:
            raise ApiError(400, "INVALID_ARGUMENT", f"(fake, stricter than the docs' wording) {what}: '{m.group(1)}' is not a known project number; "
                                                    "the API takes the project number, not the id")
        pid = by_number[m.group(1)]
        if f"projects/{pid}/global/networks/{m.group(2)}" not in f.networks:
            raise ApiError(404, "NOT_FOUND", f"Network '{value}' not found.")
        return pid, value

    def sn_op(self, finish, response=None):
        f = FAKE
        f.counter += 1
        name = f"operations/pssn.p24-{f.rng.getrandbits(40):010x}-{f.counter:04d}"
        op = {"name": name, "metadata": {"@type": "type.googleapis.com/google.protobuf.Empty"}, "done": False}
        f.xops[f"sn:{name}"] = {"op": op, "left": f.polls, "finish": finish, "kind": "sn", "response": response}
        return dict(op)

    def servicenetworking_api(self, method, path, query, raw):
        f = FAKE
        mid, m = f.servicenetworking.match(method, path)
        if m is None:
            raise ApiError(404, "NOT_FOUND", f"fake: {method} {path} is not a Service Networking v1 method this fake serves")
        f.servicenetworking.check_query(m, query)
        body = f.servicenetworking.check_body(m, raw)
        if mid == "operations.get":
            key = "sn:" + path[len("/v1/"):]
            with f.lock:
                if key not in f.xops:
                    raise ApiError(404, "NOT_FOUND", f"Operation '{path[4:]}' not found.")
                return 200, self.advance_x(key)
        if path.split("/")[3] != "servicenetworking.googleapis.com":
            raise ApiError(400, "INVALID_ARGUMENT", "fake: only services/servicenetworking.googleapis.com is served")
        if mid == "services.connections.list":
            pid, net = self.sn_network(query.get("network", [""])[0], "network")
        elif mid == "services.connections.deleteConnection":
            pid, net = self.sn_network(body.get("consumerNetwork"), "consumerNetwork")
        else:
            pid, net = self.sn_network(body.get("network"), "connection.network")
        perm = {"services.connections.list": "servicenetworking.services.get"}.get(mid, "servicenetworking.services.addPeering")
        self.project(pid, "servicenetworking.googleapis.com", perm, f"projects/{pid}")
        with f.lock:
            c = f.connections.get(net)
            if mid == "services.connections.list":
                return 200, ({"connections": [c]} if c else {})
            if mid == "services.connections.deleteConnection":
                if c is None:
                    raise ApiError(404, "NOT_FOUND", f"Connection for network '{net}' not found.")

                def finish_delete():
                    users = [n for n, i in f.instances.items() if i.get("connectMode") == "PRIVATE_SERVICE_ACCESS"
                             and i.get("authorizedNetwork", "").split("/global/")[1] == net.split("/global/")[1] and n.split("/")[1] == pid]
                    if users:
                        return (9, "Failed to delete connection; Producer services (e.g. CloudSQL, Cloud Memstore, etc.) are still using this connection.")
                    f.connections.pop(net, None)
                return 200, self.sn_op(finish_delete)
            ranges = body.get("reservedPeeringRanges") or []
            for r in ranges:
                a = f.addresses.get(f"projects/{pid}/global/addresses/{r}")
                if a is None or a.get("purpose") != "VPC_PEERING" or self.network_key(a["network"], pid).split("/global/")[1] != net.split("/global/")[1]:
                    raise ApiError(400, "FAILED_PRECONDITION", f"Allocated IP range '{r}' not found in network. (fake wording)")
            if mid == "services.connections.create":
                if not ranges:
                    raise ApiError(400, "INVALID_ARGUMENT", "(fake wording) at least one reserved peering range is required for a new connection")
                conn = {"network": net, "reservedPeeringRanges": list(ranges), "peering": "servicenetworking-googleapis-com",
                        "service": "services/servicenetworking.googleapis.com"}

                def finish_create():
                    have = f.connections.get(net)
                    if have is not None and sorted(have["reservedPeeringRanges"]) != sorted(ranges):
                        return (9, "Cannot modify allocated ranges in CreateConnection. Please use UpdateConnection.")
                    f.connections[net] = conn
                return 200, self.sn_op(finish_create, dict(conn, **{"@type": "type.googleapis.com/google.cloud.servicenetworking.v1.Connection"}))
            if mid == "services.connections.patch":
                if c is None:
                    raise ApiError(404, "NOT_FOUND", f"Connection for network '{net}' not found.")
                if query.get("updateMask", ["reservedPeeringRanges"])[0] not in ("reservedPeeringRanges", "reserved_peering_ranges", "*"):
                    raise ApiError(400, "INVALID_ARGUMENT", "You can only update the listed peering ranges.")
                removed = set(c["reservedPeeringRanges"]) - set(ranges)
                if removed and query.get("force", ["false"])[0] != "true":
                    raise ApiError(400, "FAILED_PRECONDITION", f"Removing allocated ranges {sorted(removed)} requires force=true.")

                def finish_patch():
                    c["reservedPeeringRanges"] = list(ranges)
                return 200, self.sn_op(finish_patch, dict(c, reservedPeeringRanges=list(ranges)))
        raise ApiError(501, "UNIMPLEMENTED", f"fake: {mid} is not implemented")


def main():
    global FAKE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the chosen port here (atomically) once listening")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--polls", type=int, default=3, help="operation polls before done:true")
    ap.add_argument("--project", action="append", default=[], help="known project ids (default infera-test-project)")
    ap.add_argument("--network", action="append", default=[], help="VPC networks besides 'default' in every project")
    ap.add_argument("--regions", default="us-central1,us-east1,europe-west1,asia-east1")
    ap.add_argument("--static-token", action="append", default=[], help="access tokens accepted as is")
    ap.add_argument("--service-account", action="append", default=[], help="EMAIL,KEY_ID,PUBLIC_PEM_PATH")
    ap.add_argument("--user", action="append", default=[], help="CLIENT_ID,CLIENT_SECRET,REFRESH_TOKEN")
    ap.add_argument("--oidc-request-token", default="REQ-TOKEN")
    ap.add_argument("--sts-audience", default="//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/providers/github")
    ap.add_argument("--impersonable", action="append", default=[], help="service accounts the federated principal may impersonate")
    args = ap.parse_args()
    if not args.project:
        args.project = ["infera-test-project"]
    FAKE = Fake(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    FAKE.port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        Path(tmp).write_text(str(FAKE.port))
        Path(tmp).rename(args.port_file)
    print(f"PORT={FAKE.port}", flush=True)
    print(f"gcp fake listening on http://127.0.0.1:{FAKE.port}", flush=True)
    # Stop when the parent goes away (stdin closed) so no fake outlives its test.
    def watch_stdin():
        try:
            while sys.stdin.read(1):
                pass
        except Exception:
            pass
        server.shutdown()
    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
