#!/usr/bin/env python3
"""Check .tf files against terraform-schemas.json (no Terraform, no providers, no network).

Usage:  python3 check_schema.py [--schemas terraform-schemas.json] FILE_OR_DIR...
Needs:  pip install python-hcl2  (tested with 8.1.4; 4.x-7.x also load, see strip() below)
Exit:   0 = no errors, 1 = errors found, 2 = a file could not be parsed.

What it checks, for resource types listed in the schema file:
  * every argument / nested block exists, and required ones are present;
  * literal values (not expressions) match type, allowed_values, pattern, min/max, length;
  * block counts against min_items/max_items;
  * the simple machine-readable `constraints[].check` forms (when/allowed, when/ranges,
    when/requires, when_set/requires, conflicts, exactly_one_of, at_most_one_of);
  * every `<type>.<name>.<attr>` reference to a known resource type names a real attribute.
What it cannot check: HCL syntax that python-hcl2 tolerates but Terraform rejects
(one-line blocks with two arguments or a nested block) -> run `terraform fmt -check` too.
"""
import json, os, re, sys

try:
    import hcl2
except ImportError:
    sys.exit("python-hcl2 is required: pip install python-hcl2")

REF_RE = re.compile(r"\b([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?\.([a-z_][a-z0-9_]*)")


def load_tf(path):
    with open(path) as f:
        opts = getattr(hcl2, "SerializationOptions", None)
        if opts is not None:  # python-hcl2 >= 7 keeps quotes and adds __is_block__ unless told otherwise
            return hcl2.load(f, serialization_options=opts(strip_string_quotes=True, explicit_blocks=False, with_comments=False))
        return hcl2.load(f)


OLD_SHAPE = getattr(hcl2, "SerializationOptions", None) is None


def normalize(schema, body):
    """infera change: the old python-hcl2 shape (also what checkov's bc-python-hcl2 0.4.3 installs
    under the same module name `hcl2`) wraps every attribute value in a one-element list. Unwrap
    attribute values (not blocks) so both shapes are checked the same way."""
    if not OLD_SHAPE or not isinstance(body, dict):
        return body
    args, blocks = schema.get("arguments", {}), schema.get("blocks", {})
    out = {}
    for k, v in body.items():
        if k in blocks:
            items = v if isinstance(v, list) else [v]
            out[k] = [normalize(blocks[k], i) for i in items]
        elif isinstance(v, list) and len(v) == 1 and (k in args or k in schema.get("exported_attributes", {}) or k in ("depends_on", "count", "for_each", "provider")):
            out[k] = v[0]
        else:
            out[k] = v
    return out


def strip(s):
    return s[1:-1] if isinstance(s, str) and len(s) >= 2 and s[0] == s[-1] == '"' else s


def is_expr(v):
    return isinstance(v, str) and "${" in v


class Checker:
    def __init__(self, schemas):
        self.res = schemas["resources"]
        self.errors, self.warnings = [], []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def check_value(self, where, name, spec, v):
        if is_expr(v) or v is None:
            return
        t = spec.get("type")
        if t == "bool" and not isinstance(v, bool):
            if not (isinstance(v, str) and v in ("true", "false")):
                self.err(where, f"{name} should be bool, got {v!r}")
            return
        if t == "number" and (isinstance(v, bool) or not isinstance(v, (int, float))):
            self.err(where, f"{name} should be a number, got {v!r}")
            return
        if t in ("list", "set") and isinstance(v, list):
            et = spec.get("element_type")
            for item in v:
                self.check_value(where, name + "[]", {"type": et} if isinstance(et, str) else {}, item)
                if "allowed_values" in spec and not is_expr(item) and item not in spec["allowed_values"]:
                    self.err(where, f"{name} item {item!r} not in {spec['allowed_values']}")
            return
        if "allowed_values" in spec and v not in spec["allowed_values"]:
            self.err(where, f"{name} = {v!r} not in {spec['allowed_values']} (enforced by {spec.get('enforced_by', '?')})")
        if "pattern" in spec and isinstance(v, str) and not re.search(spec["pattern"], v.lower() if spec.get("case_insensitive") else v):
            self.err(where, f"{name} = {v!r} does not match {spec['pattern']}")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "min" in spec and v < spec["min"]:
                self.err(where, f"{name} = {v} < min {spec['min']}")
            if "max" in spec and v > spec["max"]:
                self.err(where, f"{name} = {v} > max {spec['max']}")
        if isinstance(v, str):
            if "min_length" in spec and len(v) < spec["min_length"]:
                self.err(where, f"{name} shorter than {spec['min_length']}")
            if "max_length" in spec and len(v) > spec["max_length"]:
                self.err(where, f"{name} longer than {spec['max_length']}")

    def check_body(self, where, schema, body):
        args, blocks = schema.get("arguments", {}), schema.get("blocks", {})
        for k, v in body.items():
            if k.startswith("__") or k in ("depends_on", "count", "for_each", "provider", "lifecycle", "dynamic", "connection", "provisioner"):
                continue
            if k in blocks:
                spec = blocks[k]
                items = v if isinstance(v, list) else [v]
                if spec.get("max_items") and len(items) > spec["max_items"]:
                    self.err(where, f"block {k} appears {len(items)} times, max {spec['max_items']}")
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        self.check_body(f"{where}.{k}[{i}]", spec, item)
            elif k in args:
                self.check_value(where, k, args[k], v)
            elif k in schema.get("exported_attributes", {}):
                self.err(where, f"{k} is read-only (computed) and cannot be set")
            else:
                self.err(where, f"unknown argument or block {k!r}")
        for k, spec in args.items():
            if spec.get("required") and k not in body:
                self.err(where, f"missing required argument {k!r}")
        for k, spec in blocks.items():
            if spec.get("required") and k not in body:
                self.err(where, f"missing required block {k!r}")

    def check_constraints(self, where, rschema, body):
        lit = {k: v for k, v in body.items() if not is_expr(v)}
        for c in rschema.get("constraints", []):
            chk = c.get("check")
            if not chk:
                continue
            when = chk.get("when")
            if when and not all(k in lit and lit[k] == val for k, val in when.items()):
                continue
            if "when_set" in chk and chk["when_set"] not in body:
                continue
            bad = []
            if "arg" in chk and "allowed" in chk and chk["arg"] in lit and lit[chk["arg"]] not in chk["allowed"]:
                bad.append(f"{chk['arg']} = {lit[chk['arg']]!r} not in {chk['allowed']}")
            for a, (lo, hi) in chk.get("ranges", {}).items():
                if a in lit and isinstance(lit[a], (int, float)) and not lo <= lit[a] <= hi:
                    bad.append(f"{a} = {lit[a]} outside [{lo}, {hi}]")
            for a, val in chk.get("requires", {}).items():
                if a not in body or (a in lit and lit[a] != val):
                    bad.append(f"needs {a} = {val!r}")
            for pair in chk.get("conflicts", []):
                if all(p in body for p in pair):
                    bad.append(f"{' and '.join(pair)} conflict")
            if "exactly_one_of" in chk and sum(a in body for a in chk["exactly_one_of"]) != 1:
                bad.append(f"exactly one of {chk['exactly_one_of']} must be set")
            if "at_most_one_of" in chk and sum(a in body for a in chk["at_most_one_of"]) > 1:
                bad.append(f"at most one of {chk['at_most_one_of']}")
            for msg in bad:
                (self.errors if c["severity"] == "error" else self.warnings).append(f"{where}: [{c['id']}] {msg} -- {c['rule']}")

    def check_refs(self, where, obj):
        if isinstance(obj, dict):
            for v in obj.values():
                self.check_refs(where, v)
        elif isinstance(obj, list):
            for v in obj:
                self.check_refs(where, v)
        elif isinstance(obj, str):
            for rtype, _name, attr in REF_RE.findall(obj):
                rs = self.res.get(rtype)
                if rs and attr not in rs["arguments"] and attr not in rs["exported_attributes"] and attr not in rs["blocks"]:
                    self.err(where, f"reference {rtype}.{_name}.{attr}: {rtype} has no attribute {attr!r}")

    def check_file(self, path, doc):
        for rblock in doc.get("resource", []):
            for rtype, named in rblock.items():
                rtype = strip(rtype)
                for rname, body in named.items():
                    where = f"{os.path.basename(path)}:{rtype}.{strip(rname)}"
                    if rtype not in self.res:
                        continue
                    body = normalize(self.res[rtype], body)
                    self.check_body(where, self.res[rtype], body)
                    self.check_constraints(where, self.res[rtype], body)
        self.check_refs(os.path.basename(path), doc)


def main(argv):
    schemas_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "terraform-schemas.json")
    if len(argv) > 2 and argv[1] == "--schemas":
        schemas_path, argv = argv[2], [argv[0]] + argv[3:]
    files = []
    for a in argv[1:]:
        files += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith(".tf")) if os.path.isdir(a) else [a]
    ck = Checker(json.load(open(schemas_path)))
    rc = 0
    for f in files:
        try:
            ck.check_file(f, load_tf(f))
        except Exception as e:  # parse error
            print(f"PARSE ERROR {f}: {type(e).__name__}: {str(e).splitlines()[0]}")
            rc = 2
    for w in ck.warnings:
        print("WARNING", w)
    for e in ck.errors:
        print("ERROR", e)
    print(f"{len(files)} file(s), {len(ck.errors)} error(s), {len(ck.warnings)} warning(s)")
    return rc or (1 if ck.errors else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
