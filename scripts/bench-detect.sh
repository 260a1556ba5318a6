#!/usr/bin/env bash
# Benchmark `infera detect` against ripgrep on a large synthetic tree.
#
#   scripts/bench-detect.sh            # 300k files (~2 GB) under /tmp/infera-bench-tree, 5 alternating runs
#   FILES=50000 RUNS=3 scripts/bench-detect.sh
#
# The tree is generated deterministically (fixed seed) and reused when its stamp matches.
# Both tools search the same tree for the same patterns (redis|valkey|sidekiq|upstash, case-insensitive,
# hidden files included, vendored directories excluded); runs alternate infera, rg, infera, rg, …
# Prints the median wall time of each, the ratio, and infera's peak RSS (/usr/bin/time -v).
set -euo pipefail

FILES="${FILES:-300000}"
RUNS="${RUNS:-5}"
TREE="${BENCH_TREE:-/tmp/infera-bench-tree}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SEED=20261128

command -v rg >/dev/null || { echo "ripgrep (rg) is required: apt-get install ripgrep" >&2; exit 1; }

echo "== building infera (release)"
(cd "$ROOT" && swift build -c release --product infera >/dev/null)
INFERA="$ROOT/.build/release/infera"

STAMP="$TREE/.bench-stamp"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$FILES-$SEED-v1" ]]; then
  echo "== generating $FILES files under $TREE (once; reused afterwards)"
  rm -rf "$TREE"
  mkdir -p "$TREE"
  python3 - "$TREE" "$FILES" "$SEED" <<'PY'
import os, random, sys
root, total, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
words = ("user order cart item price total session token request response handler service client server config value "
         "result error data list map index count start stop open close read write parse render query update delete "
         "create fetch load save cache queue event message stream buffer record field table column").split()
def ident(): return rnd.choice(words) + rnd.choice(words).capitalize() + str(rnd.randrange(100))
def js_chunk():
    a, b = ident(), ident()
    return (f"export async function {a}({b}, opts = {{}}) {{\n  const {b}List = await db.{a}.findMany({{ where: {{ id: {b}.id }} }});\n"
            f"  // iterate over {b} and compute totals\n  let sum = 0;\n  for (const x of {b}List) {{ sum += x.total * 1.2; }}\n"
            f"  return {{ sum, count: {b}List.length, label: '{a}-{b}' }};\n}}\n\n")
def py_chunk():
    a, b = ident(), ident()
    return (f"def {a}({b}, limit=100):\n    \"\"\"Return the {b} rows for {a}.\"\"\"\n    rows = session.query(Model).filter(Model.id == {b}).limit(limit).all()\n"
            f"    total = sum(r.amount for r in rows)\n    return {{'total': total, 'rows': len(rows), 'name': '{a}'}}\n\n\n")
def go_chunk():
    a, b = ident(), ident()
    return (f"func {a.capitalize()}(ctx context.Context, {b} string) (int, error) {{\n\tn, err := strconv.Atoi({b})\n\tif err != nil {{\n"
            f"\t\treturn 0, fmt.Errorf(\"{a}: %w\", err)\n\t}}\n\treturn n * 2, nil\n}}\n\n")
def md_chunk():
    return " ".join(rnd.choice(words) for _ in range(60)) + ".\n\n"
redis_js = ("const Redis = require('ioredis');\nconst redis = new Redis(process.env.REDIS_URL);\n"
            "async function cached(k, f) {\n  const hit = await redis.get(k);\n  if (hit) return JSON.parse(hit);\n  const v = await f();\n"
            "  await redis.set(k, JSON.stringify(v));\n  return v;\n}\n")
redis_py = ("import os\nimport redis\nr = redis.from_url(os.environ['REDIS_URL'])\n\ndef hits(key):\n    return r.incr('hits:' + key)\n")
kinds = [(".js", js_chunk, redis_js), (".ts", js_chunk, redis_js), (".py", py_chunk, redis_py), (".go", go_chunk, None), (".md", md_chunk, None)]
# A pool of bodies, reused, so generation is fast but content varies.
pool = {}
for ext, chunk, _ in kinds:
    bodies = []
    for _ in range(200):
        s = "".join(chunk() for _ in range(rnd.randrange(3, 60)))
        bodies.append(s)
    pool[ext] = bodies
per_dir = 250
written = 0
total_bytes = 0
d = 0
while written < total:
    top = f"pkg{d // 40:03d}"
    sub = os.path.join(root, top, f"mod{d % 40:02d}")
    if d % 97 == 5:
        sub = os.path.join(root, top, "node_modules", f"dep{d:04d}")
    os.makedirs(sub, exist_ok=True)
    for i in range(per_dir):
        if written >= total: break
        ext, chunk, redis_snippet = kinds[rnd.randrange(len(kinds))]
        body = rnd.choice(pool[ext])
        if redis_snippet and rnd.random() < 0.01:
            body = redis_snippet + body
        if rnd.random() < 0.002:
            # Occasional large generated file (still under 2 MB).
            body = body * max(1, 1_500_000 // max(1, len(body)))
            body = body[:1_900_000]
        with open(os.path.join(sub, f"f{i:03d}{ext}"), "w") as fh:
            fh.write(body)
        written += 1
        total_bytes += len(body)
    d += 1
with open(os.path.join(root, "package.json"), "w") as fh:
    fh.write('{"name": "bench", "dependencies": {"ioredis": "^5.3.2"}}\n')
print(f"   {written} files, {total_bytes / 1e9:.2f} GB")
PY
  echo "$FILES-$SEED-v1" > "$STAMP"
fi

echo "== tree: $(find "$TREE" -type f | wc -l) files, $(du -sh "$TREE" | cut -f1)"
RG=(rg --hidden --no-ignore -i --count-matches -g '!node_modules' -g '!.bench-stamp' -e redis -e valkey -e sidekiq -e upstash "$TREE")
INF=("$INFERA" detect "$TREE" --no-git --format json)

# Warm the page cache once for both.
"${RG[@]}" >/dev/null || true
"${INF[@]}" >/dev/null

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$TMP/inf.$i" "${INF[@]}" >/dev/null
  /usr/bin/time -f "%e %M" -o "$TMP/rg.$i" "${RG[@]}" >/dev/null || true
  echo "   run $i: infera $(cut -d' ' -f1 "$TMP/inf.$i")s  rg $(cut -d' ' -f1 "$TMP/rg.$i")s"
done
/usr/bin/time -v "${INF[@]}" 2> "$TMP/verbose" >/dev/null
PEAK_KB=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$TMP/verbose")

python3 - "$TMP" "$RUNS" "$PEAK_KB" <<'PY'
import statistics, sys
tmp, runs, peak = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
inf = [float(open(f"{tmp}/inf.{i}").read().split()[0]) for i in range(1, runs + 1)]
rg = [float(open(f"{tmp}/rg.{i}").read().split()[0]) for i in range(1, runs + 1)]
mi, mr = statistics.median(inf), statistics.median(rg)
print(f"median wall: infera {mi:.2f}s, rg {mr:.2f}s, ratio {mi / mr:.2f}x (target <= 2.0x)")
print(f"infera peak RSS: {peak / 1024:.1f} MB (target < 200 MB)")
PY
