"""Regenerates Tests/RedisEngineTests/StreamRecordedRepliesTests.swift from a redis-server 7.0
running on port 7777: python3 docs/engine2-probes/gen-streams.py stream1.txt stream2-recorded.txt
(files without time-dependent replies: idle times, `*` IDs)."""
import sys, os
sys.argv, files = sys.argv[:1], sys.argv[1:]
here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "gen.py")).read().split("out=[")[0]   # enc/run/sw helpers
exec(src)
out = ["import Testing", "@testable import RedisEngine", "",
       "/// Stream replies recorded from redis-server 7.0.15 by docs/engine2-probes/gen-streams.py; the engine must match byte for byte.",
       "@Suite struct StreamRecordedRepliesTests {"]
for name in files:
    lines = [l.strip() for l in open(os.path.join(here, name)) if l.strip() and not l.startswith('#')]
    res = run(lines)
    tname = name.split('/')[-1].split('.')[0].replace('-', '')
    out.append(f"    static let {tname}: [([String], String)] = [")
    for args, r in res:
        out.append("        ([" + ", ".join(sw(a.encode()) for a in args) + "], " + sw(r) + "),")
    out.append("    ]")
    out.append("")
    out.append(f"    @Test func {tname}MatchesRedis() {{ RecordedRedisRepliesTests.check(Self.{tname}) }}")
    out.append("")
out.append("}")
open(os.path.join(here, "../../Tests/RedisEngineTests/StreamRecordedRepliesTests.swift"), "w").write("\n".join(out) + "\n")
