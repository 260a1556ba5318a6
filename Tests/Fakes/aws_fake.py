#!/usr/bin/env python3
"""A strict local fake of the AWS APIs infera's ElastiCache provider calls, for what moto 5.2.1 lacks
or gets wrong (providers.md §2.8, aws-secretsmanager.md §4-§7):

* ElastiCache (Query 2015-02-02): replication groups with creating -> available, modifying -> available
  and deleting -> gone transitions (after --transition-polls describes), ModifyReplicationGroup,
  cluster mode enabled (ClusterMode/NumNodeGroups/ReplicasPerNodeGroup with a cluster-enabled parameter group,
  node groups with slots, the configuration endpoint), ModifyReplicationGroupShardConfiguration (online
  resharding with NodeGroupsToRemove/NodeGroupsToRetain, slot migration progress), Increase/DecreaseReplicaCount
  (moto 5.2.1 implements none of the modifications and reports no transitions),
  parameter groups, subnet groups, final snapshots, AUTH token rules, node types, subnet checks.
* Secrets Manager (JSON 1.1): 400 for every client error, scheduled deletion (DeletedDate, PutSecretValue
  and CreateSecret refused), ClientRequestToken idempotency, recovery window rules.
* EC2 (2016-11-15): security groups, ingress rules, subnets, VPCs.
* STS: AssumeRoleWithWebIdentity (unsigned), AssumeRole, GetCallerIdentity.
* Container credentials (GET /container-credentials) and IMDSv2 (/latest/...).

Every signed request's SigV4 signature is recomputed with the known test keys (and the session keys this
fake issued). Query parameters are validated against the botocore model copied under
Tests/Fixtures/reference (required members, unknown members, integer/boolean types, enums). Faults are
injected from a seed: Throttling (400), 500, 503, connection resets before/after the change, and answers
slower than the client's timeout.

Usage: aws_fake.py [--port 0] [--seed N] [--fault-rate 0.3] [--slow 2] [--transition-polls 2]
Prints "PORT=<n>". Admin: GET /__fake/state, GET /__fake/stats, POST /__fake/config {...} (fault_rate, seed, slow,
transition_polls, session_duration, fault_kinds: a subset of throttle/500/503/reset_before/reset_after/slow),
POST /__fake/reset.
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import socket
import string
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qsl, quote

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "Fixtures", "reference")
EC_MODEL = json.load(open(os.path.join(REF, "aws-elasticache-2015-02-02.json")))
SM_MODEL = json.load(open(os.path.join(REF, "aws-secretsmanager-2017-10-17.json")))
ACCOUNT = "123456789012"

# The test keys: id -> secret. Session keys issued by STS here are added at run time.
KEYS = {
    "AKIDINFERATEST": "infera/test/secret/key/0000000000000000",
    "AKIDDENIED": "denied/test/secret/key/00000000000000000",
}
WEB_IDENTITY_TOKEN = "fake-oidc-jwt.eyJzdWIiOiJyZXBvOm9jdG8vcmVwbyJ9.sig"
CONTAINER_AUTH = "fake-container-auth"

NODE_TYPES = set()
for fam, sizes in {
    "t3": ["micro", "small", "medium"], "t4g": ["micro", "small", "medium"],
    "m6g": ["large", "xlarge", "2xlarge", "4xlarge"], "m7g": ["large", "xlarge", "2xlarge"],
    "r6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r7g": ["large", "xlarge", "2xlarge", "4xlarge"],
}.items():
    for s in sizes:
        NODE_TYPES.add("cache.%s.%s" % (fam, s))

SUBNETS = {  # subnet id -> (vpc, az, cidr)
    "subnet-0a1b2c3d4e5f60001": ("vpc-0fa1e000000000001", "us-east-1a", "10.0.1.0/24"),
    "subnet-0a1b2c3d4e5f60002": ("vpc-0fa1e000000000001", "us-east-1b", "10.0.2.0/24"),
    "subnet-0a1b2c3d4e5f60003": ("vpc-0fa1e000000000001", "us-east-1c", "10.0.3.0/24"),
}
DEFAULT_VPC = "vpc-0fa1e000000000001"


class Violation(Exception):
    pass


class APIError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def now_iso(t=None):
    return datetime.datetime.fromtimestamp(t if t is not None else time.time(), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- SigV4 verification

def enc(s):
    return quote(s, safe="-_.~")


def verify_sigv4(method, path, query, headers, body, session_ok):
    """Returns (service, region, access_key) or raises APIError like AWS's front end."""
    auth = headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
    if not m:
        raise APIError("MissingAuthenticationToken" if not auth else "IncompleteSignature",
                       "Request is missing Authentication Token" if not auth else "Authorization header is malformed", 403 if not auth else 400)
    akid, day, region, service, signed, sig = m.groups()
    secret = KEYS.get(akid)
    if secret is None:
        raise APIError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    token = headers.get("X-Amz-Security-Token")
    if akid.startswith("ASIA"):
        ok = session_ok(akid, token)
        if ok == "expired":
            raise APIError("ExpiredToken", "The security token included in the request is expired", 400)
        if not ok:
            raise APIError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    elif token and token.startswith("expired"):
        raise APIError("ExpiredToken", "The security token included in the request is expired", 400)
    names = signed.split(";")
    for required in ("host", "x-amz-date"):
        if required not in names:
            raise APIError("SignatureDoesNotMatch", "SignedHeaders must include %s" % required, 403)
    if token and "x-amz-security-token" not in names:
        raise APIError("SignatureDoesNotMatch", "X-Amz-Security-Token must be signed", 403)
    amz_date = headers.get("X-Amz-Date", "")
    if not amz_date.startswith(day):
        raise APIError("SignatureDoesNotMatch", "credential scope date does not match X-Amz-Date", 403)
    try:
        t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise APIError("IncompleteSignature", "bad X-Amz-Date", 400)
    if abs(time.time() - t) > 300:
        raise APIError("RequestExpired", "Request has expired.", 400)
    canon_headers = ""
    for n in names:
        vals = headers.get_all(n) or []
        if not vals:
            raise APIError("SignatureDoesNotMatch", "signed header %s is missing" % n, 403)
        canon_headers += n + ":" + ",".join(" ".join(v.strip().split()) for v in vals) + "\n"
    q = "&".join("%s=%s" % kv for kv in sorted((enc(k), enc(v)) for k, v in query))
    creq = "\n".join([method, "/".join(enc(p) for p in path.split("/")) or "/", q, canon_headers, signed, hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz_date, scope, hashlib.sha256(creq.encode()).hexdigest())
    k = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sig):
        raise APIError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", 403)
    return service, region, akid


# ---------------------------------------------------------------- model validation (Query)

def check_query_params(model, action, params):
    op = model["operations"].get(action)
    if op is None:
        raise APIError("InvalidAction", "The action %s is not valid for this web service." % action, 400)
    shapes = model["shapes"]
    inp = shapes[op["input"]["shape"]] if "input" in op else {"members": {}, "required": []}
    members = inp.get("members", {})
    tops = {}
    for k, v in params.items():
        if k in ("Action", "Version"):
            continue
        top = k.split(".")[0]
        if top not in members:
            raise Violation("%s: unknown parameter %s (not in the model)" % (action, k))
        tops.setdefault(top, []).append((k, v))
    for r in inp.get("required", []):
        if r not in tops:
            raise APIError("MissingParameter", "The request must contain the parameter %s" % r, 400)
    for top, kvs in tops.items():
        shape = shapes[members[top]["shape"]]
        t = shape["type"]
        if t in ("integer", "long"):
            for _, v in kvs:
                if not re.fullmatch(r"-?\d+", v):
                    raise APIError("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected an integer." % (v, top))
        elif t == "boolean":
            for _, v in kvs:
                if v not in ("true", "false"):
                    raise APIError("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected a boolean." % (v, top))
        elif t == "string" and "enum" in shape:
            for _, v in kvs:
                if v not in shape["enum"]:
                    raise APIError("InvalidParameterValue", "Invalid value %s for %s" % (v, top))
        elif t == "list":
            member = shape["member"]
            loc = member.get("locationName", "member")
            for k, _ in kvs:
                parts = k.split(".")
                if len(parts) < 3 or parts[1] != loc or not parts[2].isdigit():
                    raise Violation("%s: list %s must be written %s.%s.N, got %s" % (action, top, top, loc, k))


def qlist(params, top):
    out = []
    i = 1
    while True:
        found = [k for k in params if k.split(".")[0] == top and len(k.split(".")) >= 3 and k.split(".")[2] == str(i)]
        if not found:
            return out
        if len(found) == 1 and len(found[0].split(".")) == 3:
            out.append(params[found[0]])
        else:
            out.append({k.split(".", 3)[3]: params[k] for k in found})
        i += 1


def ec2_list(params, prefix):
    out, i = [], 1
    while True:
        found = {k[len("%s.%d" % (prefix, i)):]: v for k, v in params.items() if k == "%s.%d" % (prefix, i) or k.startswith("%s.%d." % (prefix, i))}
        if not found:
            return out
        out.append(found[""] if "" in found else {k.lstrip("."): v for k, v in found.items()})
        i += 1


# ---------------------------------------------------------------- state

FAULT_KINDS = ["throttle", "500", "503", "reset_before", "reset_after", "slow"]


class State:
    def __init__(self, seed, fault_rate, slow, polls):
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.fault_rate = fault_rate
        self.slow = slow
        self.polls = polls
        self.reset()

    def reset(self):
        self.groups = {}     # id -> dict
        self.subnet_groups = {}
        self.param_groups = {}
        self.snapshots = []
        self.secrets = {}    # name -> dict
        self.sgs = {}        # sg id -> dict
        self.sessions = {}   # ASIA key -> (secret, token, expires)
        self.stats = {"requests": 0, "violations": [], "faults": {}, "creates": {}, "signature_checks": 0}

    def fault(self, service):
        if self.fault_rate <= 0 or self.rng.random() >= self.fault_rate:
            return None
        kind = self.rng.choice(getattr(self, "fault_kinds", None) or FAULT_KINDS)
        self.stats["faults"][kind] = self.stats["faults"].get(kind, 0) + 1
        return kind

    def count(self, what):
        self.stats["creates"][what] = self.stats["creates"].get(what, 0) + 1

    def session_ok(self, akid, token):
        s = self.sessions.get(akid)
        if not s or s[1] != token:
            return False
        if s[2] < time.time():
            return "expired"
        return True

    def issue_session(self, duration):
        akid = "ASIA" + "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        secret = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(40))
        token = "FQoGZXIvYXdz" + "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(80))
        exp = time.time() + duration
        self.sessions[akid] = (secret, token, exp)
        KEYS[akid] = secret
        return akid, secret, token, exp


# ---------------------------------------------------------------- XML

def xml_escape(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_xml(v, tag=None):
    if isinstance(v, dict):
        inner = "".join(to_xml(val, k) for k, val in v.items() if val is not None)
    elif isinstance(v, list):
        item_tag, items = v[0], v[1]
        inner = "".join(to_xml(i, item_tag) for i in items)
    elif isinstance(v, bool):
        inner = "true" if v else "false"
    else:
        inner = xml_escape(v)
    return "<%s>%s</%s>" % (tag, inner, tag) if tag else inner


NS = {"elasticache": "http://elasticache.amazonaws.com/doc/2015-02-02/", "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
      "ec2": "http://ec2.amazonaws.com/doc/2016-11-15/"}


# ---------------------------------------------------------------- ElastiCache

AUTH_ALLOWED = set(string.ascii_letters + string.digits + "!&#$^<>-")
RG_PENDING = set(EC_MODEL["shapes"]["ReplicationGroupPendingModifiedValues"]["members"])
CLUSTER_PENDING = set(EC_MODEL["shapes"]["PendingModifiedValues"]["members"])


def slot_ranges(n):
    """redis-cli --cluster create's split of 16384 slots over n primaries."""
    per = 16384 / n
    out, first = [], 0
    for i in range(n):
        last = 16383 if i == n - 1 else int(round(per * (i + 1))) - 1
        out.append("%d-%d" % (first, last))
        first = last + 1
    return out


def member_ids(g):
    """Member cluster ids: <id>-001… without cluster mode, <id>-<shard>-<node> with it."""
    if g.get("cluster"):
        return ["%s-%s-%03d" % (g["id"], ng, i + 1) for ng in g["shards"] for i in range(1 + g["replicas"])]
    return ["%s-%03d" % (g["id"], i + 1) for i in range(g["num"])]


def cluster_rg_xml(g, base):
    domain = "%s.fake1.use1.cache.amazonaws.com" % g["id"]
    slots = slot_ranges(len(g["shards"]))
    groups = []
    for ng, sl in zip(g["shards"], slots):
        members = [{"CacheClusterId": "%s-%s-%03d" % (g["id"], ng, i + 1), "CacheNodeId": "0001",
                    "PreferredAvailabilityZone": "us-east-1%s" % "abc"[i % 3]} for i in range(1 + g["replicas"])]
        groups.append({"NodeGroupId": ng, "Status": g["status"], "Slots": sl, "NodeGroupMembers": ["NodeGroupMember", members]})
    base["NodeGroups"] = ["NodeGroup", groups]
    base["ConfigurationEndpoint"] = {"Address": "clustercfg.%s" % domain, "Port": g["port"]}
    base["ClusterEnabled"] = True
    base["ClusterMode"] = "enabled"
    return base


def rg_xml(g):
    ep = {"Address": "master.%s.fake1.use1.cache.amazonaws.com" % g["id"], "Port": g["port"]}
    rd = {"Address": "replica.%s.fake1.use1.cache.amazonaws.com" % g["id"], "Port": g["port"]}
    members = member_ids(g)
    pending = {k: v for k, v in g["pending"].items() if k in RG_PENDING}
    base = {
        "ReplicationGroupId": g["id"], "Description": g["description"], "Status": g["status"],
        "PendingModifiedValues": pending,
        "MemberClusters": ["ClusterId", members],
        "NodeGroups": ["NodeGroup", [{"NodeGroupId": "0001", "Status": g["status"], "PrimaryEndpoint": ep, "ReaderEndpoint": rd}]],
        "AutomaticFailover": "enabled" if g["failover"] else "disabled",
        "MultiAZ": "enabled" if g["multiaz"] else "disabled",
        "SnapshotRetentionLimit": g["retention"], "SnapshotWindow": g["snapshot_window"],
        "ClusterEnabled": False, "CacheNodeType": g["node_type"], "AuthTokenEnabled": g["auth"] is not None,
        "TransitEncryptionEnabled": g["transit"], "AtRestEncryptionEnabled": g["at_rest"], "KmsKeyId": g.get("kms"),
        "ARN": "arn:aws:elasticache:%s:%s:replicationgroup:%s" % (g["region"], ACCOUNT, g["id"]),
        "Engine": g["engine"],
    }
    if g.get("cluster"):
        return cluster_rg_xml(g, base)
    base["ClusterMode"] = "disabled"
    return base


def advance(g, st):
    """One describe moves a transition along."""
    if g["status"] in ("creating", "modifying", "deleting"):
        g["ticks"] += 1
        if g["ticks"] >= st.polls:
            g["ticks"] = 0
            if g["status"] == "deleting":
                return "gone"
            for k, v in g.pop("apply", {}).items():
                g[k] = v
            g["pending"].pop("Resharding", None)
            g["status"] = "available"
        elif "Resharding" in g["pending"]:
            g["pending"]["Resharding"] = {"SlotMigration": {"ProgressPercentage": round(100.0 * g["ticks"] / st.polls, 1)}}
    return None


def elasticache(st, region, action, p):
    check_query_params(EC_MODEL, action, p)
    if action == "DescribeReplicationGroups":
        rid = p.get("ReplicationGroupId", "").lower()
        out = []
        for key in sorted(st.groups):
            g = st.groups[key]
            if g["region"] != region or (rid and g["id"] != rid):
                continue
            if advance(g, st) == "gone":
                del st.groups[key]
                continue
            out.append(rg_xml(g))
        if rid and not out:
            raise APIError("ReplicationGroupNotFoundFault", "Replication group %s not found." % rid, 404)
        start = int(p.get("Marker") or 0)
        size = int(p.get("MaxRecords") or 100)
        if not 20 <= size <= 100:
            raise APIError("InvalidParameterValue", "MaxRecords must be between 20 and 100")
        page = out[start:start + size]
        res = {"ReplicationGroups": ["ReplicationGroup", page]}
        if start + size < len(out):
            res["Marker"] = str(start + size)
        return res
    if action == "CreateReplicationGroup":
        rid = p["ReplicationGroupId"].lower()
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", rid) or rid.endswith("-") or "--" in rid:
            raise APIError("InvalidParameterValue", "Invalid replication group id %s" % rid)
        if (region, rid) in st.groups:
            raise APIError("ReplicationGroupAlreadyExists", "Replication group %s already exists." % rid)
        node = p.get("CacheNodeType", "cache.t3.micro")
        if node not in NODE_TYPES:
            raise APIError("InvalidParameterValue", "Invalid Cache Node Type: %s" % node)
        failover = p.get("AutomaticFailoverEnabled") == "true"
        multiaz = p.get("MultiAZEnabled") == "true"
        cluster, shards, replicas = create_cluster_layout(st, region, p, failover, multiaz)
        num = int(p.get("NumCacheClusters", "1"))
        if cluster:
            num = shards * (1 + replicas)
        elif not 1 <= num <= 6:
            raise APIError("InvalidParameterValue", "NumCacheClusters must be between 1 and 6")
        if failover and num < 2 and not cluster:
            raise APIError("InvalidParameterCombination", "Automatic failover requires at least 2 cache clusters")
        if multiaz and not failover:
            raise APIError("InvalidParameterCombination", "Multi-AZ requires automatic failover")
        transit = p.get("TransitEncryptionEnabled") == "true"
        auth = p.get("AuthToken")
        if auth is not None:
            if not transit:
                raise APIError("InvalidParameterCombination", "AuthToken can only be specified with TransitEncryptionEnabled")
            if not 16 <= len(auth) <= 128 or any(c not in AUTH_ALLOWED for c in auth):
                raise APIError("InvalidParameterValue", "Invalid AuthToken provided.")
        sgn = p.get("CacheSubnetGroupName")
        if sgn is not None and (region, sgn.lower()) not in st.subnet_groups:
            raise APIError("CacheSubnetGroupNotFoundFault", "CacheSubnetGroup %s does not exist." % sgn)
        pgn = p.get("CacheParameterGroupName")
        if pgn is not None:
            pgn = pgn.lower()
            fam = family_of(p.get("Engine", "redis"), p.get("EngineVersion", "7.1"))
            if pgn.startswith("default."):
                if pgn not in ("default." + fam, "default." + fam + ".cluster.on"):
                    raise APIError("InvalidParameterCombination", "Parameter group %s is not in family %s" % (pgn, fam))
            elif (region, pgn) not in st.param_groups:
                raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % pgn, 404)
            elif st.param_groups[(region, pgn)]["family"] != fam:
                raise APIError("InvalidParameterCombination", "Parameter group %s is not in family %s" % (pgn, fam))
        for sg in qlist(p, "SecurityGroupIds"):
            if sg not in st.sgs:
                raise APIError("InvalidParameterValue", "Some security group Id(s) are not valid: %s" % sg)
        g = {"id": rid, "region": region, "description": p["ReplicationGroupDescription"], "status": "creating", "ticks": 0,
             "node_type": node, "num": num, "failover": failover, "multiaz": multiaz, "transit": transit, "auth": auth,
             "at_rest": p.get("AtRestEncryptionEnabled") == "true", "kms": p.get("KmsKeyId"),
             "retention": int(p.get("SnapshotRetentionLimit", "0")), "snapshot_window": p.get("SnapshotWindow", "05:00-06:00"),
             "maintenance": p.get("PreferredMaintenanceWindow", "sun:23:00-mon:01:30"), "engine": p.get("Engine", "redis"),
             "version": p.get("EngineVersion", "7.1"), "param_group": pgn or "default." + family_of(p.get("Engine", "redis"), p.get("EngineVersion", "7.1")),
             "subnet_group": sgn, "cluster": cluster, "shards": ["%04d" % (i + 1) for i in range(shards)], "replicas": replicas,
             "sgs": qlist(p, "SecurityGroupIds"), "port": int(p.get("Port", "6379")), "pending": {},
             "tags": {t.get("Key"): t.get("Value") for t in qlist(p, "Tags")}}
        st.groups[(region, rid)] = g
        st.count("replication_group")
        return {"ReplicationGroup": rg_xml(g)}
    if action == "ModifyReplicationGroup":
        rid = p["ReplicationGroupId"].lower()
        g = st.groups.get((region, rid))
        if g is None:
            raise APIError("ReplicationGroupNotFoundFault", "Replication group %s not found." % rid, 404)
        if g["status"] != "available":
            raise APIError("InvalidReplicationGroupState", "Replication group %s is not in available state (%s)." % (rid, g["status"]))
        changes = {}
        if "CacheNodeType" in p:
            if p["CacheNodeType"] not in NODE_TYPES:
                raise APIError("InvalidParameterValue", "Invalid Cache Node Type: %s" % p["CacheNodeType"])
            changes["node_type"] = p["CacheNodeType"]
        if "EngineVersion" in p:
            if [int(x) for x in re.findall(r"\d+", p["EngineVersion"])] < [int(x) for x in re.findall(r"\d+", g["version"])]:
                raise APIError("InvalidParameterCombination", "Cannot downgrade engine version from %s to %s" % (g["version"], p["EngineVersion"]))
            changes["version"] = p["EngineVersion"]
        for key, field in (("SnapshotRetentionLimit", "retention"),):
            if key in p:
                changes[field] = int(p[key])
        for key, field in (("SnapshotWindow", "snapshot_window"), ("PreferredMaintenanceWindow", "maintenance"),
                           ("ReplicationGroupDescription", "description")):
            if key in p:
                changes[field] = p[key]
        if "CacheParameterGroupName" in p:
            pgn = p["CacheParameterGroupName"].lower()
            fam = family_of(g["engine"], changes.get("version", g["version"]))
            if pgn.startswith("default."):
                if pgn != "default." + fam:
                    raise APIError("InvalidParameterCombination", "Parameter group %s is not in family %s" % (pgn, fam))
            elif (region, pgn) not in st.param_groups:
                raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % pgn, 404)
            elif st.param_groups[(region, pgn)]["family"] != fam:
                raise APIError("InvalidParameterCombination", "Parameter group %s is not in family %s" % (pgn, fam))
            changes["param_group"] = pgn
        if "AutomaticFailoverEnabled" in p:
            changes["failover"] = p["AutomaticFailoverEnabled"] == "true"
        if "MultiAZEnabled" in p:
            changes["multiaz"] = p["MultiAZEnabled"] == "true"
        if "SecurityGroupIds.SecurityGroupId.1" in p:
            changes["sgs"] = qlist(p, "SecurityGroupIds")
        if "AuthToken" in p:
            raise Violation("infera must never rotate the AUTH token by accident (ModifyReplicationGroup with AuthToken)")
        if "AutomaticFailoverEnabled" in p and g.get("cluster") and not changes["failover"]:
            raise APIError("InvalidParameterCombination", "Automatic failover cannot be disabled for a cluster mode enabled replication group")
        if "CacheParameterGroupName" in p and bool(g.get("cluster")) != pg_cluster_enabled(st, region, changes["param_group"]):
            raise APIError("InvalidParameterCombination", "The parameter group's cluster-enabled value must match the replication group's cluster mode")
        if changes.get("failover") and len(member_ids(g)) < 2:
            raise APIError("InvalidParameterCombination", "Automatic failover requires at least 2 cache clusters")
        if "ApplyImmediately" not in p:
            raise Violation("infera must choose ApplyImmediately explicitly")
        if p["ApplyImmediately"] == "true":
            # Applied now: it supersedes what was waiting for the maintenance window.
            if "node_type" in changes:
                g["pending"].pop("CacheNodeType", None)
            if "version" in changes:
                g["pending"].pop("EngineVersion", None)
            g["status"] = "modifying"
            g["ticks"] = 0
            g["apply"] = changes
        else:
            # Node type and engine version wait for the maintenance window (the member clusters' PendingModifiedValues).
            g["pending"] = {}
            if "node_type" in changes:
                g["pending"]["CacheNodeType"] = changes["node_type"]
            if "version" in changes:
                g["pending"]["EngineVersion"] = changes["version"]
            for k, v in changes.items():
                if k not in ("node_type", "version"):
                    g[k] = v
        st.count("modify")
        return {"ReplicationGroup": rg_xml(g)}
    if action == "DeleteReplicationGroup":
        rid = p["ReplicationGroupId"].lower()
        g = st.groups.get((region, rid))
        if g is None:
            raise APIError("ReplicationGroupNotFoundFault", "Replication group %s not found." % rid, 404)
        if g["status"] != "available":
            raise APIError("InvalidReplicationGroupState", "Replication group %s is not in available state (%s)." % (rid, g["status"]))
        if "FinalSnapshotIdentifier" in p:
            st.snapshots.append(p["FinalSnapshotIdentifier"])
        g["status"] = "deleting"
        g["ticks"] = 0
        return {"ReplicationGroup": rg_xml(g)}
    if action == "DescribeCacheClusters":
        cid = p.get("CacheClusterId")
        for g in st.groups.values():
            for name in member_ids(g):
                if g["region"] == region and name == cid:
                    return {"CacheClusters": ["CacheCluster", [{"CacheClusterId": name, "CacheNodeType": g["node_type"], "Engine": g["engine"],
                                                                 "EngineVersion": g["version"], "CacheClusterStatus": g["status"],
                                                                 "ReplicationGroupId": g["id"], "PreferredMaintenanceWindow": g["maintenance"],
                                                                 "CacheParameterGroup": {"CacheParameterGroupName": g["param_group"]},
                                                                 "PendingModifiedValues": {k: v for k, v in g["pending"].items() if k in CLUSTER_PENDING},
                                                                 "CacheSubnetGroupName": g["subnet_group"],
                                                                 "SecurityGroups": ["Member", [{"SecurityGroupId": s, "Status": "active"} for s in g["sgs"]]]}]]}
        raise APIError("CacheClusterNotFound", "CacheCluster %s not found." % cid, 404)
    if action == "CreateCacheSubnetGroup":
        name = p["CacheSubnetGroupName"].lower()
        if (region, name) in st.subnet_groups:
            raise APIError("CacheSubnetGroupAlreadyExists", "Cache subnet group %s already exists." % name)
        ids = qlist(p, "SubnetIds")
        if not ids:
            raise APIError("InvalidParameterValue", "At least one subnet id is required")
        for s in ids:
            if s not in SUBNETS:
                raise APIError("InvalidSubnet", "The subnet ID %s does not exist" % s)
        st.subnet_groups[(region, name)] = {"name": name, "description": p["CacheSubnetGroupDescription"], "subnets": ids,
                                            "tags": {t.get("Key"): t.get("Value") for t in qlist(p, "Tags")}}
        st.count("subnet_group")
        return {"CacheSubnetGroup": subnet_group_xml(st.subnet_groups[(region, name)], region)}
    if action == "DescribeCacheSubnetGroups":
        name = (p.get("CacheSubnetGroupName") or "").lower()
        out = [subnet_group_xml(v, region) for (r, n), v in sorted(st.subnet_groups.items()) if r == region and (not name or n == name)]
        if name and not out:
            raise APIError("CacheSubnetGroupNotFoundFault", "Cache subnet group %s not found." % name)
        return {"CacheSubnetGroups": ["CacheSubnetGroup", out]}
    if action == "ModifyCacheSubnetGroup":
        name = p["CacheSubnetGroupName"].lower()
        if (region, name) not in st.subnet_groups:
            raise APIError("CacheSubnetGroupNotFoundFault", "Cache subnet group %s not found." % name)
        ids = qlist(p, "SubnetIds")
        for s in ids:
            if s not in SUBNETS:
                raise APIError("InvalidSubnet", "The subnet ID %s does not exist" % s)
        if ids:
            st.subnet_groups[(region, name)]["subnets"] = ids
        return {"CacheSubnetGroup": subnet_group_xml(st.subnet_groups[(region, name)], region)}
    if action == "DeleteCacheSubnetGroup":
        name = p["CacheSubnetGroupName"].lower()
        if (region, name) not in st.subnet_groups:
            raise APIError("CacheSubnetGroupNotFoundFault", "Cache subnet group %s not found." % name)
        if any(g["subnet_group"] == name and g["region"] == region for g in st.groups.values()):
            raise APIError("CacheSubnetGroupInUse", "Cache subnet group %s is in use." % name)
        del st.subnet_groups[(region, name)]
        return {}
    if action == "CreateCacheParameterGroup":
        name = p["CacheParameterGroupName"].lower()
        fam = p["CacheParameterGroupFamily"]
        if fam not in ("redis4.0", "redis5.0", "redis6.x", "redis7", "valkey7", "valkey8"):
            raise APIError("InvalidParameterValue", "Invalid parameter group family %s" % fam)
        if (region, name) in st.param_groups:
            raise APIError("CacheParameterGroupAlreadyExists", "Parameter group %s already exists." % name)
        st.param_groups[(region, name)] = {"name": name, "family": fam, "description": p["Description"], "params": {},
                                           "tags": {t.get("Key"): t.get("Value") for t in qlist(p, "Tags")}}
        st.count("parameter_group")
        return {"CacheParameterGroup": pg_xml(st.param_groups[(region, name)], region)}
    if action == "DescribeCacheParameterGroups":
        name = (p.get("CacheParameterGroupName") or "").lower()
        out = [pg_xml(v, region) for (r, n), v in sorted(st.param_groups.items()) if r == region and (not name or n == name)]
        if name and not out:
            raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % name, 404)
        return {"CacheParameterGroups": ["CacheParameterGroup", out]}
    if action == "ModifyCacheParameterGroup":
        name = p["CacheParameterGroupName"].lower()
        pg = st.param_groups.get((region, name))
        if pg is None:
            raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % name, 404)
        vals = qlist(p, "ParameterNameValues")
        if not 1 <= len(vals) <= 20:
            raise APIError("InvalidParameterValue", "ParameterNameValues must hold 1 to 20 items")
        for v in vals:
            if v.get("ParameterName") == "maxmemory-policy" and v.get("ParameterValue") not in (
                    "volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"):
                raise APIError("InvalidParameterValue", "Invalid value for maxmemory-policy: %s" % v.get("ParameterValue"))
            pg["params"][v["ParameterName"]] = v.get("ParameterValue", "")
        return {"CacheParameterGroupName": name}
    if action == "DescribeCacheParameters":
        name = p["CacheParameterGroupName"].lower()
        pg = st.param_groups.get((region, name))
        if pg is None:
            raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % name, 404)
        items = sorted(pg["params"].items())
        start = int(p.get("Marker") or 0)
        size = int(p.get("MaxRecords") or 100)
        res = {"Parameters": ["Parameter", [{"ParameterName": k, "ParameterValue": v, "Source": "user"} for k, v in items[start:start + size]]]}
        if start + size < len(items):
            res["Marker"] = str(start + size)
        return res
    if action == "DeleteCacheParameterGroup":
        name = p["CacheParameterGroupName"].lower()
        if (region, name) not in st.param_groups:
            raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % name, 404)
        if any(g["param_group"] == name and g["region"] == region for g in st.groups.values()):
            raise APIError("InvalidCacheParameterGroupState", "Parameter group %s is in use." % name)
        del st.param_groups[(region, name)]
        return {}
    if action in ("ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource"):
        obj = tagged(st, region, p["ResourceName"])
        if action == "AddTagsToResource":
            new = {t.get("Key"): t.get("Value", "") for t in qlist(p, "Tags")}
            if len(set(obj["tags"]) | set(new)) > 50:
                raise APIError("TagQuotaPerResourceExceeded", "The request cannot be processed because it would cause the resource to have more than the allowed number of tags.")
            obj["tags"].update(new)
            st.count("tag_writes")
        elif action == "RemoveTagsFromResource":
            for k in qlist(p, "TagKeys"):
                if k not in obj["tags"]:
                    raise APIError("TagNotFound", "The requested tag %s was not found on this resource." % k, 404)
                del obj["tags"][k]
            st.count("tag_writes")
        return {"TagList": ["Tag", [{"Key": k, "Value": v} for k, v in sorted(obj["tags"].items())]]}
    if action in ("ModifyReplicationGroupShardConfiguration", "IncreaseReplicaCount", "DecreaseReplicaCount"):
        return modify_layout(st, region, action, p)
    raise Violation("ElastiCache action %s is not implemented by this fake" % action)


def pg_cluster_enabled(st, region, pgn):
    """Whether a parameter group turns cluster mode on (default.<family>.cluster.on, or cluster-enabled yes)."""
    if pgn.startswith("default."):
        return pgn.endswith(".cluster.on")
    pg = st.param_groups.get((region, pgn))
    return pg is not None and pg["params"].get("cluster-enabled") == "yes"


def create_cluster_layout(st, region, p, failover, multiaz):
    """CreateReplicationGroup's cluster mode rules: (cluster, shards, replicas per shard)."""
    mode = p.get("ClusterMode")
    pg = (p.get("CacheParameterGroupName") or "").lower()
    pg_cluster = bool(pg) and pg_cluster_enabled(st, region, pg)
    if mode == "compatible":
        raise APIError("InvalidParameterValue", "ClusterMode compatible can only be set by ModifyReplicationGroup")
    if "NumCacheClusters" in p and ("NumNodeGroups" in p or "ReplicasPerNodeGroup" in p):
        raise APIError("InvalidParameterCombination", "Cannot specify NumCacheClusters together with NumNodeGroups or ReplicasPerNodeGroup")
    shards = int(p.get("NumNodeGroups", "1"))
    replicas = int(p.get("ReplicasPerNodeGroup", "0"))
    cluster = mode == "enabled" or pg_cluster
    if mode == "enabled" and not pg_cluster:
        raise APIError("InvalidParameterCombination", "Cluster mode enabled requires a parameter group with cluster-enabled set to yes (e.g. default.redis7.cluster.on); got %s" % (pg or "the family's default"))
    if mode == "disabled" and pg_cluster:
        raise APIError("InvalidParameterCombination", "Parameter group %s has cluster-enabled yes but ClusterMode is disabled" % pg)
    if not cluster:
        if shards > 1:
            raise APIError("InvalidParameterCombination", "NumNodeGroups greater than 1 requires cluster mode enabled (a parameter group with cluster-enabled yes)")
        return False, 1, 0
    if not 1 <= shards <= 90:
        raise APIError("InvalidParameterValue", "NumNodeGroups must be between 1 and 90")
    if not 0 <= replicas <= 5:
        raise APIError("InvalidParameterValue", "ReplicasPerNodeGroup must be between 0 and 5")
    if not failover:
        raise APIError("InvalidParameterCombination", "Automatic failover must be enabled for a cluster mode enabled replication group")
    if multiaz and replicas == 0:
        raise APIError("InvalidParameterCombination", "Multi-AZ requires at least one replica per node group")
    return True, shards, replicas


def modify_layout(st, region, action, p):
    """Online resharding and replica count changes: the group must exist, be available, and ApplyImmediately=true."""
    rid = p["ReplicationGroupId"].lower()
    g = st.groups.get((region, rid))
    if g is None:
        raise APIError("ReplicationGroupNotFoundFault", "Replication group %s not found." % rid, 404)
    if p.get("ApplyImmediately") != "true":
        raise APIError("InvalidParameterValue", "ApplyImmediately=false is not currently supported for %s" % action)
    if g["status"] != "available":
        raise APIError("InvalidReplicationGroupState", "Replication group %s is not in available state (%s)." % (rid, g["status"]))
    if action == "ModifyReplicationGroupShardConfiguration":
        if not g.get("cluster"):
            raise APIError("InvalidParameterValue", "Replication group %s is not cluster mode enabled; shards can only be configured in cluster mode" % rid)
        n = int(p["NodeGroupCount"])
        have = list(g["shards"])
        remove = qlist(p, "NodeGroupsToRemove")
        retain = qlist(p, "NodeGroupsToRetain")
        if not 1 <= n <= 90:
            raise APIError("InvalidParameterValue", "NodeGroupCount must be between 1 and 90")
        if n == len(have):
            raise APIError("InvalidParameterValue", "The replication group already has %d node groups" % n)
        if remove and retain:
            raise APIError("InvalidParameterCombination", "Specify either NodeGroupsToRemove or NodeGroupsToRetain, not both")
        if n > len(have):
            if remove or retain:
                raise APIError("InvalidParameterCombination", "NodeGroupsToRemove and NodeGroupsToRetain apply only when reducing the number of node groups")
            top = max(int(x) for x in have)
            new = have + ["%04d" % (top + i + 1) for i in range(n - len(have))]
        else:
            if not remove and not retain:
                raise APIError("InvalidParameterCombination", "Either NodeGroupsToRemove or NodeGroupsToRetain is required when reducing the number of node groups")
            for x in remove + retain:
                if x not in have:
                    raise APIError("InvalidParameterValue", "Node group %s does not exist in replication group %s" % (x, rid))
            new = [x for x in have if x not in remove] if remove else [x for x in have if x in retain]
            if len(new) != n:
                raise APIError("InvalidParameterValue", "NodeGroupCount %d does not match the node groups left (%d)" % (n, len(new)))
        g["status"] = "modifying"
        g["ticks"] = 0
        g["apply"] = {"shards": new}
        g["pending"]["Resharding"] = {"SlotMigration": {"ProgressPercentage": 0.0}}
        st.count("reshard")
        st.stats.setdefault("reshards", []).append({"from": have, "to": new, "removed": remove, "retained": retain})
        return {"ReplicationGroup": rg_xml(g)}
    # Increase/DecreaseReplicaCount
    if "ReplicaConfiguration.ConfigureShard.1.NodeGroupId" in p:
        raise Violation("%s: per-shard ReplicaConfiguration is not used by infera" % action)
    if "NewReplicaCount" not in p:
        raise APIError("InvalidParameterCombination", "Either NewReplicaCount or ReplicaConfiguration is required")
    new = int(p["NewReplicaCount"])
    have = g["replicas"] if g.get("cluster") else g["num"] - 1
    if action == "IncreaseReplicaCount":
        if new <= have:
            raise APIError("InvalidParameterValue", "NewReplicaCount %d must be greater than the current replica count %d" % (new, have))
        if new > 5:
            raise APIError("InvalidParameterValue", "NewReplicaCount must be at most 5")
    else:
        if qlist(p, "ReplicasToRemove"):
            raise Violation("DecreaseReplicaCount: ReplicasToRemove is not used by infera")
        if new >= have:
            raise APIError("InvalidParameterValue", "NewReplicaCount %d must be less than the current replica count %d" % (new, have))
        minimum = 0 if g.get("cluster") else (1 if g["multiaz"] else 0)
        if new < minimum:
            raise APIError("InvalidParameterValue", "NewReplicaCount must be at least %d" % minimum)
        if not g.get("cluster") and g["failover"] and new < 1:
            raise APIError("InvalidParameterCombination", "Automatic failover requires at least one replica")
    g["status"] = "modifying"
    g["ticks"] = 0
    g["apply"] = {"replicas": new} if g.get("cluster") else {"num": new + 1}
    st.count("replica_change")
    return {"ReplicationGroup": rg_xml(g)}


def family_of(engine, version):
    major = re.split(r"\.", version)[0]
    if engine == "valkey":
        return "valkey" + major
    return {"6": "redis6.x", "5": "redis5.0", "4": "redis4.0"}.get(major, "redis" + major)


def tagged(st, region, arn):
    """The replication group, subnet group or parameter group an ElastiCache ARN names (its faults when absent)."""
    m = re.fullmatch(r"arn:aws:elasticache:([a-z0-9-]+):(\d{12}):(replicationgroup|subnetgroup|parametergroup|cluster|snapshot):(.+)", arn)
    if not m:
        raise APIError("InvalidARN", "The ARN %s is not valid." % arn)
    r, _, kind, name = m.groups()
    if kind == "replicationgroup":
        g = st.groups.get((r, name))
        if g is None or r != region:
            raise APIError("ReplicationGroupNotFoundFault", "Replication group %s not found." % name, 404)
        return g
    if kind == "subnetgroup":
        g = st.subnet_groups.get((r, name))
        if g is None or r != region:
            raise APIError("CacheSubnetGroupNotFoundFault", "Cache subnet group %s not found." % name)
        return g
    if kind == "parametergroup":
        g = st.param_groups.get((r, name))
        if g is None or r != region:
            raise APIError("CacheParameterGroupNotFound", "CacheParameterGroup %s not found." % name, 404)
        return g
    raise Violation("tags on %s resources are not implemented by this fake" % kind)


def subnet_group_xml(v, region):
    return {"CacheSubnetGroupName": v["name"], "CacheSubnetGroupDescription": v["description"], "VpcId": SUBNETS[v["subnets"][0]][0],
            "Subnets": ["Subnet", [{"SubnetIdentifier": s, "SubnetAvailabilityZone": {"Name": SUBNETS[s][1]}} for s in v["subnets"]]],
            "ARN": "arn:aws:elasticache:%s:%s:subnetgroup:%s" % (region, ACCOUNT, v["name"])}


def pg_xml(v, region):
    return {"CacheParameterGroupName": v["name"], "CacheParameterGroupFamily": v["family"], "Description": v["description"],
            "IsGlobal": False, "ARN": "arn:aws:elasticache:%s:%s:parametergroup:%s" % (region, ACCOUNT, v["name"])}


# ---------------------------------------------------------------- Secrets Manager

NAME_RE = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def sm_check(action, body):
    op = SM_MODEL["operations"].get(action)
    if op is None:
        raise APIError("UnknownOperationException", "Unknown operation %s" % action)
    shape = SM_MODEL["shapes"][op["input"]["shape"]]
    for k in body:
        if k not in shape["members"]:
            raise Violation("%s: unknown member %s (not in the model)" % (action, k))
    for r in shape.get("required", []):
        if r not in body:
            raise APIError("InvalidParameterException", "Missing required parameter %s" % r)


def secretsmanager(st, region, action, body):
    sm_check(action, body)
    def find(sid):
        for s in st.secrets.values():
            if s["region"] == region and (s["name"] == sid or s["arn"] == sid):
                return s
        raise APIError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
    def token_ok(t):
        if t is not None and not 32 <= len(t) <= 64:
            raise APIError("InvalidParameterException", "ClientRequestToken must be 32-64 characters long.")
    if action == "CreateSecret":
        name = body["Name"]
        if not NAME_RE.match(name):
            raise APIError("ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
        if "SecretString" in body and "SecretBinary" in body:
            raise APIError("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
        token = body.get("ClientRequestToken")
        if token is None:
            raise Violation("CreateSecret without ClientRequestToken (a raw client must send one)")
        token_ok(token)
        for s in st.secrets.values():
            if s["region"] == region and s["name"] == name:
                if s["deleted"] is not None:
                    raise APIError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
                if token in s["versions"] and s["versions"][token]["value"] == body.get("SecretString"):
                    return {"ARN": s["arn"], "Name": name, "VersionId": token}
                raise APIError("ResourceExistsException", "The operation failed because the secret %s already exists." % name)
        suffix = "".join(random.choice(string.ascii_letters) for _ in range(6))
        s = {"name": name, "region": region, "arn": "arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (region, ACCOUNT, name, suffix),
             "versions": {}, "current": None, "deleted": None, "description": body.get("Description"), "tags": body.get("Tags", []),
             "created": time.time(), "puts": 0}
        if "SecretString" in body:
            s["versions"][token] = {"value": body["SecretString"]}
            s["current"] = token
        st.secrets[s["arn"]] = s
        st.count("secret")
        return {"ARN": s["arn"], "Name": name, "VersionId": token if s["current"] else None}
    if action == "DescribeSecret":
        s = find(body["SecretId"])
        out = {"ARN": s["arn"], "Name": s["name"], "Description": s["description"], "Tags": s["tags"],
               "VersionIdsToStages": {v: (["AWSCURRENT"] if v == s["current"] else []) for v in s["versions"]},
               "CreatedDate": s["created"]}
        if s["deleted"] is not None:
            out["DeletedDate"] = s["deleted"]
        return {k: v for k, v in out.items() if v is not None}
    if action == "GetSecretValue":
        s = find(body["SecretId"])
        if s["deleted"] is not None:
            raise APIError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
        if s["current"] is None:
            raise APIError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT")
        return {"ARN": s["arn"], "Name": s["name"], "VersionId": s["current"], "SecretString": s["versions"][s["current"]]["value"],
                "VersionStages": ["AWSCURRENT"], "CreatedDate": s["created"]}
    if action == "PutSecretValue":
        s = find(body["SecretId"])
        if s["deleted"] is not None:
            raise APIError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
        token = body.get("ClientRequestToken")
        if token is None:
            raise Violation("PutSecretValue without ClientRequestToken")
        token_ok(token)
        if token in s["versions"]:
            if s["versions"][token]["value"] != body.get("SecretString"):
                raise APIError("ResourceExistsException", "You can't use ClientRequestToken %s because that value is already in use for a version of secret %s." % (token, s["arn"]))
        else:
            s["versions"][token] = {"value": body.get("SecretString")}
            s["puts"] += 1
        s["current"] = token
        return {"ARN": s["arn"], "Name": s["name"], "VersionId": token, "VersionStages": ["AWSCURRENT"]}
    if action == "DeleteSecret":
        force = body.get("ForceDeleteWithoutRecovery")
        window = body.get("RecoveryWindowInDays")
        if force and window is not None:
            raise APIError("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
        if window is not None and not 7 <= int(window) <= 30:
            raise APIError("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
        try:
            s = find(body["SecretId"])
        except APIError:
            if force:
                return {"ARN": "arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf" % (region, ACCOUNT, body["SecretId"]), "Name": body["SecretId"], "DeletionDate": time.time()}
            raise
        if force:
            del st.secrets[s["arn"]]
            return {"ARN": s["arn"], "Name": s["name"], "DeletionDate": time.time()}
        if s["deleted"] is not None:
            raise APIError("InvalidRequestException", "You tried to perform the operation on a secret that's currently marked deleted.")
        s["deleted"] = time.time()
        return {"ARN": s["arn"], "Name": s["name"], "DeletionDate": time.time() + 86400 * int(window or 30)}
    if action == "RestoreSecret":
        s = find(body["SecretId"])
        s["deleted"] = None
        return {"ARN": s["arn"], "Name": s["name"]}
    if action == "TagResource":
        s = find(body["SecretId"])
        tags = {t["Key"]: t["Value"] for t in s["tags"]}
        tags.update({t["Key"]: t["Value"] for t in body["Tags"]})
        s["tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
        st.count("tag_writes")
        return {}
    if action == "UntagResource":
        s = find(body["SecretId"])
        s["tags"] = [t for t in s["tags"] if t["Key"] not in body["TagKeys"]]
        st.count("tag_writes")
        return {}
    raise Violation("Secrets Manager action %s is not implemented by this fake" % action)


# ---------------------------------------------------------------- EC2

def sg_xml(g):
    perms = [{"ipProtocol": r["proto"], "fromPort": r["from"], "toPort": r["to"],
              "ipRanges": ["item", [{"cidrIp": c} for c in r["cidrs"]]]} for r in g["rules"]]
    return {"groupId": g["id"], "groupName": g["name"], "groupDescription": g["description"], "vpcId": g["vpc"], "ownerId": ACCOUNT,
            "ipPermissions": ["item", perms], "tagSet": ["item", [{"key": k, "value": v} for k, v in sorted(g["tags"].items())]]}


def ec2(st, region, action, p):
    if action == "DescribeSubnets":
        ids = ec2_list(p, "SubnetId")
        filters = ec2_list(p, "Filter")
        out = []
        for sid, (vpc, az, cidr) in sorted(SUBNETS.items()):
            if ids and sid not in ids:
                continue
            ok = True
            for f in filters:
                vals = [v for k, v in f.items() if k.startswith("Value.")]
                if f.get("Name") == "vpc-id" and vpc not in vals:
                    ok = False
            if ok:
                out.append({"subnetId": sid, "vpcId": vpc, "availabilityZone": az, "cidrBlock": cidr, "state": "available"})
        for i in ids:
            if i not in SUBNETS:
                raise APIError("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist" % i)
        return {"subnetSet": ["item", out]}
    if action == "DescribeVpcs":
        return {"vpcSet": ["item", [{"vpcId": DEFAULT_VPC, "cidrBlock": "10.0.0.0/16", "isDefault": True, "state": "available"}]]}
    if action == "CreateSecurityGroup":
        name, vpc = p.get("GroupName"), p.get("VpcId", DEFAULT_VPC)
        if not name or "GroupDescription" not in p:
            raise APIError("MissingParameter", "The request must contain the parameter GroupName and GroupDescription")
        for g in st.sgs.values():
            if g["name"] == name and g["vpc"] == vpc:
                raise APIError("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'" % (name, vpc))
        gid = "sg-%017x" % st.rng.getrandbits(68)
        tags = {}
        for spec in ec2_list(p, "TagSpecification"):
            i = 1
            while "Tag.%d.Key" % i in spec:
                tags[spec["Tag.%d.Key" % i]] = spec.get("Tag.%d.Value" % i, "")
                i += 1
        st.sgs[gid] = {"id": gid, "name": name, "description": p["GroupDescription"], "vpc": vpc, "rules": [], "tags": tags}
        st.count("security_group")
        return {"return": True, "groupId": gid}
    if action == "DescribeSecurityGroups":
        ids = ec2_list(p, "GroupId")
        filters = ec2_list(p, "Filter")
        out = []
        for g in sorted(st.sgs.values(), key=lambda g: g["id"]):
            if ids and g["id"] not in ids:
                continue
            ok = True
            for f in filters:
                vals = [v for k, v in f.items() if k.startswith("Value.")]
                field = {"group-name": g["name"], "vpc-id": g["vpc"]}.get(f.get("Name"))
                if field is None or field not in vals:
                    ok = False
            if ok:
                out.append(sg_xml(g))
        for i in ids:
            if i not in st.sgs:
                raise APIError("InvalidGroup.NotFound", "The security group '%s' does not exist" % i)
        return {"securityGroupInfo": ["item", out]}
    if action == "AuthorizeSecurityGroupIngress":
        g = st.sgs.get(p.get("GroupId"))
        if g is None:
            raise APIError("InvalidGroup.NotFound", "The security group '%s' does not exist" % p.get("GroupId"))
        for perm in ec2_list(p, "IpPermissions"):
            cidrs = [v for k, v in perm.items() if re.fullmatch(r"IpRanges\.\d+\.CidrIp", k)]
            for c in cidrs:
                if not re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+", c):
                    raise APIError("InvalidParameterValue", "CIDR block %s is malformed" % c)
            rule = {"proto": perm.get("IpProtocol"), "from": int(perm.get("FromPort", -1)), "to": int(perm.get("ToPort", -1)), "cidrs": cidrs}
            for r in g["rules"]:
                if r["proto"] == rule["proto"] and r["from"] == rule["from"] and set(cidrs) & set(r["cidrs"]):
                    raise APIError("InvalidPermission.Duplicate", "the specified rule already exists")
            g["rules"].append(rule)
        return {"return": True}
    if action == "DeleteSecurityGroup":
        gid = p.get("GroupId")
        if gid not in st.sgs:
            raise APIError("InvalidGroup.NotFound", "The security group '%s' does not exist" % gid)
        if any(gid in g["sgs"] for g in st.groups.values()):
            raise APIError("DependencyViolation", "resource %s has a dependent object" % gid)
        del st.sgs[gid]
        return {"return": True}
    if action in ("CreateTags", "DeleteTags"):
        ids = ec2_list(p, "ResourceId")
        tags = ec2_list(p, "Tag")
        if not ids:
            raise APIError("MissingParameter", "The request must contain the parameter resourceIdSet")
        for rid in ids:
            g = st.sgs.get(rid)
            if g is None:
                raise APIError("InvalidGroup.NotFound", "The security group '%s' does not exist" % rid)
            for t in tags:
                if action == "CreateTags":
                    g["tags"][t["Key"]] = t.get("Value", "")
                elif "Value" not in t or g["tags"].get(t["Key"]) == t["Value"]:
                    g["tags"].pop(t["Key"], None)
        st.count("tag_writes")
        return {"return": True}
    raise Violation("EC2 action %s is not implemented by this fake" % action)


# ---------------------------------------------------------------- HTTP

class Headers:
    def __init__(self, msg):
        self.msg = msg

    def get(self, k, d=None):
        return self.msg.get(k, d)

    def get_all(self, k):
        return self.msg.get_all(k)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aws-fake/1"

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_AWS_VERBOSE"):
            sys.stderr.write("fake: " + fmt % args + "\n")

    def send(self, status, data, ctype):
        data = data.encode() if isinstance(data, str) else data
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def reset_connection(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def do_GET(self): self.handle_any("GET")
    def do_POST(self): self.handle_any("POST")
    def do_PUT(self): self.handle_any("PUT")

    def handle_any(self, method):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        url = urlsplit(self.path)
        if url.path.startswith("/__fake/"):
            return self.admin(method, url.path, raw)
        if url.path.startswith("/latest/"):
            return self.imds(method, url.path)
        if url.path == "/container-credentials":
            return self.container()
        with st.lock:
            st.stats["requests"] += 1
        if method != "POST" or url.path != "/":
            return self.violation("AWS APIs are POST / (got %s %s)" % (method, url.path))
        target = self.headers.get("X-Amz-Target")
        json_mode = target is not None
        try:
            with st.lock:
                if json_mode:
                    if self.headers.get("Content-Type") != "application/x-amz-json-1.1":
                        raise Violation("JSON 1.1 needs Content-Type application/x-amz-json-1.1")
                    params = {}
                else:
                    if self.headers.get("Content-Type") != "application/x-www-form-urlencoded; charset=utf-8":
                        raise Violation("Query needs Content-Type application/x-www-form-urlencoded; charset=utf-8, got %r" % self.headers.get("Content-Type"))
                    params = dict(parse_qsl(raw.decode(), keep_blank_values=True))
                action = target.split(".", 1)[1] if json_mode else params.get("Action", "")
                if not json_mode and action == "AssumeRoleWithWebIdentity" and "Authorization" not in self.headers:
                    service, region, akid = "sts", "us-east-1", None
                else:
                    service, region, akid = verify_sigv4(method, url.path, parse_qsl(url.query), Headers(self.headers), raw, st.session_ok)
                    st.stats["signature_checks"] += 1
                if akid == "AKIDDENIED":
                    raise APIError("AccessDenied" if not json_mode else "AccessDeniedException",
                                   "User: arn:aws:iam::%s:user/denied is not authorized to perform: %s:%s on resource: *" % (ACCOUNT, service, action), 403 if not json_mode else 400)
                fault = st.fault(service)
            if fault == "throttle":
                raise APIError("ThrottlingException" if json_mode else ("RequestLimitExceeded" if service == "ec2" else "Throttling"), "Rate exceeded")
            if fault in ("500", "503"):
                raise APIError("InternalFailure" if fault == "500" else "ServiceUnavailable", "fault injected", int(fault))
            if fault == "reset_before":
                return self.reset_connection()
            with st.lock:
                if json_mode:
                    if service != "secretsmanager":
                        raise Violation("X-Amz-Target for %s" % service)
                    result = secretsmanager(st, region, action, json.loads(raw or b"{}"))
                    payload = json.dumps({k: v for k, v in result.items() if v is not None})
                elif service == "elasticache":
                    if params.get("Version") != "2015-02-02":
                        raise Violation("ElastiCache Version must be 2015-02-02")
                    payload = self.query_xml("elasticache", action, elasticache(st, region, action, params))
                elif service == "ec2":
                    if params.get("Version") != "2016-11-15":
                        raise Violation("EC2 Version must be 2016-11-15")
                    payload = '<%sResponse xmlns="%s"><requestId>%s</requestId>%s</%sResponse>' % (
                        action, NS["ec2"], uuid.uuid4(), to_xml(ec2(st, region, action, params)), action)
                elif service == "sts":
                    payload = self.query_xml("sts", action, self.sts(st, action, params, akid))
                else:
                    raise Violation("unknown service %s" % service)
            if fault == "reset_after":
                return self.reset_connection()
            if fault == "slow":
                time.sleep(st.slow)
            self.send(200, payload, "application/x-amz-json-1.1" if json_mode else "text/xml")
        except Violation as v:
            return self.violation(str(v))
        except APIError as e:
            if json_mode:
                self.send(e.status, json.dumps({"__type": e.code, "Message": e.message}), "application/x-amz-json-1.1")
            elif params.get("Version") == "2016-11-15":
                self.send(e.status, "<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>"
                          % (e.code, xml_escape(e.message), uuid.uuid4()), "text/xml")
            else:
                self.send(e.status, '<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>'
                          % (NS["elasticache"], e.code, xml_escape(e.message), uuid.uuid4()), "text/xml")

    def query_xml(self, service, action, result):
        return '<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>' % (
            action, NS[service], action, to_xml(result), action, uuid.uuid4(), action)

    def sts(self, st, action, p, akid):
        if action == "AssumeRoleWithWebIdentity":
            for k in ("RoleArn", "RoleSessionName", "WebIdentityToken"):
                if k not in p:
                    raise APIError("MissingParameter", "The request must contain the parameter %s" % k)
            if p["WebIdentityToken"] != WEB_IDENTITY_TOKEN:
                raise APIError("InvalidIdentityToken", "Couldn't verify the web identity token")
            if not re.fullmatch(r"arn:aws:iam::\d{12}:role/[\w+=,.@/-]+", p["RoleArn"]):
                raise APIError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
            duration = int(p.get("DurationSeconds", "3600"))
            return self.session_result(st, p["RoleArn"], p["RoleSessionName"], duration)
        if action == "AssumeRole":
            duration = int(p.get("DurationSeconds", "3600"))
            return self.session_result(st, p["RoleArn"], p["RoleSessionName"], duration)
        if action == "GetCallerIdentity":
            return {"UserId": akid, "Account": ACCOUNT, "Arn": "arn:aws:iam::%s:user/infera-test" % ACCOUNT}
        raise Violation("STS action %s is not implemented by this fake" % action)

    def session_result(self, st, role_arn, session, duration):
        duration = st.config.get("session_duration", duration) if hasattr(st, "config") else duration
        akid, secret, token, exp = st.issue_session(duration)
        role = role_arn.split("/")[-1]
        return {"Credentials": {"AccessKeyId": akid, "SecretAccessKey": secret, "SessionToken": token, "Expiration": now_iso(exp)},
                "AssumedRoleUser": {"AssumedRoleId": "AROAFAKE:%s" % session, "Arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, role, session)}}

    def container(self):
        st = self.server.state
        if self.headers.get("Authorization") != CONTAINER_AUTH:
            return self.send(401, json.dumps({"code": "AccessDenied", "message": "bad authorization"}), "application/json")
        with st.lock:
            akid, secret, token, exp = st.issue_session(3600)
        self.send(200, json.dumps({"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token, "Expiration": now_iso(exp),
                                   "AccountId": ACCOUNT, "RoleArn": "arn:aws:iam::%s:role/task" % ACCOUNT}), "application/json")

    def imds(self, method, path):
        st = self.server.state
        if path == "/latest/api/token":
            if method != "PUT" or not self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
                return self.send(400, "", "text/plain")
            return self.send(200, "fake-imds-token-v2", "text/plain")
        if self.headers.get("x-aws-ec2-metadata-token") != "fake-imds-token-v2":
            return self.send(401, "", "text/plain")
        if path == "/latest/meta-data/iam/security-credentials/":
            return self.send(200, "infera-instance-role", "text/plain")
        if path == "/latest/meta-data/iam/security-credentials/infera-instance-role":
            with st.lock:
                akid, secret, token, exp = st.issue_session(3600)
            return self.send(200, json.dumps({"Code": "Success", "LastUpdated": now_iso(), "Type": "AWS-HMAC", "AccessKeyId": akid,
                                              "SecretAccessKey": secret, "Token": token, "Expiration": now_iso(exp)}), "application/json")
        self.send(404, "", "text/plain")

    def violation(self, message):
        with self.server.state.lock:
            self.server.state.stats["violations"].append(message)
        self.send(422, json.dumps({"__type": "FakeViolation", "Message": "fake: " + message}), "application/json")

    def admin(self, method, path, raw):
        st = self.server.state
        with st.lock:
            if path == "/__fake/state":
                return self.send(200, json.dumps({
                    "replication_groups": [{k: v for k, v in g.items() if k != "auth"} | {"auth_token_sha256": hashlib.sha256((g["auth"] or "").encode()).hexdigest() if g["auth"] else None}
                                           for g in st.groups.values()],
                    "subnet_groups": [v["name"] for v in st.subnet_groups.values()],
                    "subnet_group_tags": {v["name"]: v["tags"] for v in st.subnet_groups.values()},
                    "parameter_groups": [dict(v) for v in st.param_groups.values()],
                    "snapshots": st.snapshots,
                    "secrets": [{"name": s["name"], "deleted": s["deleted"] is not None, "versions": len(s["versions"]), "puts": s["puts"],
                                 "tags": {t["Key"]: t["Value"] for t in s["tags"]},
                                 "value_sha256": hashlib.sha256(s["versions"][s["current"]]["value"].encode()).hexdigest() if s["current"] else None}
                                for s in st.secrets.values()],
                    "security_groups": [{"id": g["id"], "name": g["name"], "rules": g["rules"], "tags": g["tags"]} for g in st.sgs.values()],
                }, default=list), "application/json")
            if path == "/__fake/stats":
                return self.send(200, json.dumps(st.stats), "application/json")
            if path == "/__fake/config" and method == "POST":
                cfg = json.loads(raw or b"{}")
                if "fault_rate" in cfg:
                    st.fault_rate = float(cfg["fault_rate"])
                if "seed" in cfg:
                    st.rng = random.Random(cfg["seed"])
                if "slow" in cfg:
                    st.slow = float(cfg["slow"])
                if "fault_kinds" in cfg:
                    kinds = [k for k in cfg["fault_kinds"] if k in FAULT_KINDS]
                    st.fault_kinds = kinds or None
                if "transition_polls" in cfg:
                    st.polls = int(cfg["transition_polls"])
                if "session_duration" in cfg:
                    st.config = {"session_duration": int(cfg["session_duration"])}
                return self.send(200, "{}", "application/json")
            if path == "/__fake/reset" and method == "POST":
                st.reset()
                return self.send(200, "{}", "application/json")
        self.send(404, "{}", "application/json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--slow", type=float, default=2.0)
    ap.add_argument("--transition-polls", type=int, default=2)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State(args.seed, args.fault_rate, args.slow, args.transition_polls)
    print("PORT=%d" % srv.server_address[1], flush=True)

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
