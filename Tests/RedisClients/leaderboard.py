"""A game leaderboard on a sorted set: scores, increments, top-N, rank around a player."""
from common import connect, emit, port_from_argv

r = connect(port_from_argv())
r.flushdb()
board = "leaderboard:season1"
emit("zadd", r.zadd(board, {"alice": 1200, "bob": 950, "carol": 1430, "dave": 950, "erin": 1100.5}))
emit("zadd_nx", r.zadd(board, {"alice": 1, "frank": 700}, nx=True))
emit("zadd_gt", r.zadd(board, {"bob": 900, "dave": 1000}, gt=True, ch=True))
emit("zincrby", r.zincrby(board, 250, "bob"), r.zincrby(board, -0.5, "erin"))
emit("top3", r.zrevrange(board, 0, 2, withscores=True))
emit("ranks", {p: (r.zrevrank(board, p), r.zrank(board, p)) for p in ("alice", "bob", "carol", "zed")})
emit("score", r.zscore(board, "carol"), r.zmscore(board, ["alice", "nobody"]))
emit("card_count", r.zcard(board), r.zcount(board, 1000, "+inf"), r.zcount(board, "(1000", 1200))
rank = r.zrevrank(board, "erin")
emit("around_erin", r.zrevrange(board, max(0, rank - 1), rank + 1, withscores=True))
emit("byscore", r.zrangebyscore(board, 900, 1250, withscores=True, start=0, num=3))
emit("zrange_rev_byscore", r.zrange(board, "+inf", 1000, byscore=True, desc=True, withscores=True))
emit("pop_max", r.zpopmax(board), r.zpopmin(board, 2))
r.zadd("leaderboard:week1", {"alice": 10, "bob": 20, "gina": 5})
emit("union", r.zunionstore("leaderboard:all", {board: 1, "leaderboard:week1": 100}),
     r.zrevrange("leaderboard:all", 0, -1, withscores=True))
emit("inter", r.zinterstore("leaderboard:both", [board, "leaderboard:week1"], aggregate="MAX"),
     r.zrange("leaderboard:both", 0, -1, withscores=True))
emit("remrange", r.zremrangebyrank(board, 0, 0), r.zrange(board, 0, -1))
emit("lex", r.zadd("names", {"ann": 0, "bea": 0, "cid": 0, "dan": 0}), r.zrangebylex("names", "[b", "(d"))
