import Testing
@testable import RedisEngine

/// Random (valid and invalid) part 2 command sequences: the engine must always answer with one
/// well-formed reply and never trap.
@Suite struct RandomCollectionCommandTests {
    struct Gen {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
    }

    static let commands = [
        "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "linsert", "lrem",
        "ltrim", "lpos", "lmove", "rpoplpush", "lmpop", "sadd", "srem", "smembers", "sismember", "smismember", "scard",
        "spop", "srandmember", "smove", "sinter", "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore",
        "sintercard", "sscan", "zadd", "zincrby", "zrem", "zscore", "zmscore", "zcard", "zcount", "zlexcount", "zrange",
        "zrangestore", "zrangebyscore", "zrevrangebyscore", "zrevrange", "zrangebylex", "zrevrangebylex", "zrank",
        "zrevrank", "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zpopmin", "zpopmax", "zmpop", "zunion",
        "zunionstore", "zinter", "zinterstore", "zdiff", "zdiffstore", "zintercard", "zrandmember", "zscan",
        "multi", "exec", "discard", "watch", "unwatch", "publish", "pubsub", "set", "del", "blpop", "bzpopmin",
    ]
    static let words = [
        "k1", "k2", "k3", "0", "1", "-1", "2", "10", "-100", "1.5", "(1", "[a", "(b", "-", "+", "-inf", "+inf", "inf",
        "nan", "x", "a", "b", "c", "LEFT", "RIGHT", "BEFORE", "AFTER", "COUNT", "LIMIT", "WITHSCORES", "BYSCORE", "BYLEX",
        "REV", "NX", "XX", "GT", "LT", "CH", "INCR", "WEIGHTS", "AGGREGATE", "SUM", "MIN", "MAX", "MATCH", "*",
        "RANK", "MAXLEN", "9223372036854775807", "-9223372036854775808", "", "0.01",
    ]

    @Test(arguments: [1, 2, 3])
    func randomSequencesNeverTrap(seed: UInt64) {
        let t = ManualClockEngine()
        let c = t.client()
        var g = Gen(state: seed)
        for _ in 0..<2500 {
            var args = [g.pick(Self.commands)]
            let n = Int(g.next() % 7)
            for _ in 0..<n { args.append(g.pick(Self.words)) }
            let reply = c.sendArgs(args)
            if c.session.isBlocked {
                t.advance(ms: 20_000)
                #expect(!c.session.isBlocked)
                _ = c.delivered()
                continue
            }
            #expect(!reply.isEmpty, "\(args)")
            #expect(reply.hasSuffix("\r\n"), "\(args)")
        }
    }
}
