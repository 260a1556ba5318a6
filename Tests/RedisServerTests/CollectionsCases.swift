// Differential cases for issue #6: lists, sets, sorted sets, transactions (single connection).
// Multi-connection behaviour (blocking, pub/sub, WATCH races) is in ConcurrencyTests.swift.

enum CollectionsCases {
    static let lists: [DiffCase] = [
        DiffCase("push-pop-range", """
        LPUSH l a b c
        RPUSH l d e
        LRANGE l 0 -1
        LRANGE l 1 2
        LRANGE l -2 -1
        LRANGE l 5 10
        LRANGE l 3 1
        LRANGE l -100 100
        LRANGE nokey 0 -1
        LLEN l
        LLEN nokey
        LPOP l
        RPOP l
        LPOP l 2
        RPOP l 0
        LPOP l 10
        LPOP l
        LPOP l 2
        RPOP nokey 1
        LPOP l -1
        LPOP l x
        EXISTS l
        LPUSHX l a
        RPUSHX l a
        RPUSH l x
        LPUSHX l w
        RPUSHX l y z
        LRANGE l 0 -1
        LPUSH l
        LRANGE l 0
        LRANGE l a b
        SET s v
        LPUSH s a
        LRANGE s 0 -1
        LPOP s
        """),
        DiffCase("index-set-insert", """
        RPUSH l a b c d
        LINDEX l 0
        LINDEX l -1
        LINDEX l 10
        LINDEX l x
        LINDEX nokey 0
        LSET l 1 B
        LSET l -1 D
        LSET l 10 x
        LSET nokey 0 x
        LRANGE l 0 -1
        LINSERT l BEFORE c X
        LINSERT l AFTER c Y
        LINSERT l AFTER nothere Z
        LINSERT nokey AFTER a b
        LINSERT l MIDDLE a b
        LRANGE l 0 -1
        """),
        DiffCase("lrem-ltrim-lpos", """
        RPUSH l a b a c a d
        LREM l 2 a
        LRANGE l 0 -1
        RPUSH l a a
        LREM l -1 a
        LRANGE l 0 -1
        LREM l 0 a
        LREM l 0 zz
        LREM l x a
        LTRIM l 1 -1
        LRANGE l 0 -1
        LTRIM l 5 10
        EXISTS l
        RPUSH p a b c 1 2 3 c c
        LPOS p c
        LPOS p c RANK 2
        LPOS p c RANK -1
        LPOS p c COUNT 0
        LPOS p c COUNT 2
        LPOS p c RANK -1 COUNT 2
        LPOS p c COUNT 0 MAXLEN 3
        LPOS p zz
        LPOS p zz COUNT 0
        LPOS p c RANK 0
        LPOS p c COUNT -1
        LPOS p c MAXLEN -1
        LPOS p c BADOPT 1
        """),
        DiffCase("lmove-lmpop", """
        RPUSH src a b c
        LMOVE src dst LEFT RIGHT
        LMOVE src dst RIGHT LEFT
        LRANGE src 0 -1
        LRANGE dst 0 -1
        LMOVE src src LEFT RIGHT
        LRANGE src 0 -1
        LMOVE nokey dst LEFT LEFT
        LMOVE src dst UP LEFT
        RPOPLPUSH dst src
        RPOPLPUSH nokey src
        LRANGE src 0 -1
        SET s v
        LMOVE src s LEFT LEFT
        RPUSH a 1 2 3
        RPUSH b 4 5
        LMPOP 2 nokey a LEFT
        LMPOP 2 a b RIGHT COUNT 5
        LMPOP 2 a b RIGHT COUNT 5
        LMPOP 1 nokey LEFT
        LMPOP 0 a LEFT
        LMPOP 2 a LEFT
        LMPOP 1 b MIDDLE
        LMPOP 1 b LEFT COUNT 0
        LMPOP 1 b LEFT COUNT x
        BLPOP b 0.01
        RPUSH b 9
        BLPOP nokey b 0
        BRPOP nokey 0.01
        BLPOP b -1
        BLPOP b abc
        BLMOVE src dst LEFT LEFT 0
        BRPOPLPUSH src dst 0
        BLMPOP 0.01 1 nokey LEFT
        """),
    ]

    static let sets: [DiffCase] = [
        DiffCase("sadd-srem-members", """
        SADD s a b c
        SADD s a d
        SCARD s
        SMEMBERS s ~unordered
        SISMEMBER s a
        SISMEMBER s z
        SMISMEMBER s a z b
        SREM s a z
        SREM s b c d
        EXISTS s
        SADD n 1 2 3 100
        SMEMBERS n ~unordered
        SADD n x
        SMEMBERS n ~unordered
        SCARD nokey
        SMEMBERS nokey
        SISMEMBER nokey a
        SADD s
        SREM s
        SET str v
        SADD str a
        SMEMBERS str
        """),
        DiffCase("smove-pop-rand", """
        SADD src a b c
        SMOVE src dst a
        SMOVE src dst a
        SMOVE nokey dst a
        SMEMBERS dst ~unordered
        SET str v
        SMOVE src str b
        SMOVE str src v
        SMOVE nosrc str x
        SETBIT bs 6 0
        SMOVE nosrc bs x
        SPOP nokey
        SPOP src 10 ~unordered
        EXISTS src
        SADD r 1 2 3 4 5
        SRANDMEMBER r ~shape
        SRANDMEMBER r 3 ~shape
        SRANDMEMBER r 10 ~unordered
        SRANDMEMBER r -8 ~shape
        SRANDMEMBER r 0
        SRANDMEMBER nokey
        SRANDMEMBER nokey 3
        SRANDMEMBER r x
        SPOP r 0
        SPOP r -1
        SPOP r x
        SCARD r
        """),
        DiffCase("algebra", """
        SADD a 1 2 3 4
        SADD b 3 4 5
        SADD c 4 5 6
        SINTER a b ~unordered
        SINTER a b c ~unordered
        SINTER a nokey
        SUNION a b c ~unordered
        SDIFF a b ~unordered
        SDIFF a b c ~unordered
        SDIFF nokey a
        SINTERSTORE d a b
        SMEMBERS d ~unordered
        SUNIONSTORE d a c
        SCARD d
        SDIFFSTORE d a b c
        SMEMBERS d ~unordered
        SINTERSTORE d a nokey
        EXISTS d
        SINTERCARD 2 a b
        SINTERCARD 3 a b c LIMIT 0
        SINTERCARD 2 a b LIMIT 1
        SINTERCARD 0 a
        SINTERCARD 3 a b
        SINTERCARD 2 a b LIMIT -1
        SET str v
        SINTER a str
        SUNIONSTORE str a
        TYPE str
        SSCAN a 0 ~scan
        SSCAN a 0 MATCH 1* ~scan
        SSCAN nokey 0
        SSCAN a x
        """),
    ]

    static let sortedSets: [DiffCase] = [
        DiffCase("zadd-flags", """
        ZADD z 1 a 2 b 3 c
        ZADD z NX 10 a 4 d
        ZADD z XX 10 a 5 e
        ZADD z XX CH 11 a 5 e
        ZADD z GT 5 a 20 b
        ZADD z LT CH 1 a 30 c
        ZADD z INCR 5 a
        ZADD z NX INCR 5 a
        ZADD z XX INCR 5 nope
        ZADD z GT CH INCR -1 a
        ZADD z NX XX 1 a
        ZADD z NX GT 1 a
        ZADD z INCR 1 a 2 b
        ZADD z 1
        ZADD z abc a
        ZADD z nan a
        ZADD z inf x -inf y +inf w
        ZADD z 0.1 f 3.0000000000000004 g 1e2 h -0 i
        ZRANGE z 0 -1 WITHSCORES
        ZCARD z
        ZCARD nokey
        SET str v
        ZADD str 1 a
        """),
        DiffCase("zscore-incr-rank", """
        ZADD z 1 a 2 b 3 c
        ZSCORE z a
        ZSCORE z nope
        ZSCORE nokey a
        ZMSCORE z a nope c
        ZMSCORE nokey a
        ZINCRBY z 2.5 a
        ZINCRBY z -10 new
        ZINCRBY z abc a
        ZINCRBY z inf a
        ZINCRBY z -inf a
        ZRANK z b
        ZREVRANK z b
        ZRANK z nope
        ZRANK nokey a
        ZREM z a nope
        ZREM z b c new
        EXISTS z
        ZMSCORE z
        ZREM z
        """),
        DiffCase("zrange-forms", """
        ZADD z 1 a 2 b 3 c 4 d 5 e 5 f
        ZRANGE z 0 -1
        ZRANGE z 0 -1 WITHSCORES
        ZRANGE z 1 3 REV
        ZRANGE z -2 -1
        ZRANGE z 10 20
        ZRANGE z -4 -2 LIMIT 2 -1 WITHSCORES
        ZRANGE z 0 -1 LIMIT 0 1
        ZRANGESTORE zd z 0 1 LIMIT 3 -1
        ZRANGE zd 0 -1
        SET z5 x
        ZRANGE z5 -1 -2 LIMIT 0 -1
        ZRANGE z (1 4 BYSCORE
        ZRANGE z -inf +inf BYSCORE LIMIT 1 2 WITHSCORES
        ZRANGE z +inf -inf BYSCORE REV LIMIT 0 3
        ZRANGE z 4 (1 BYSCORE REV WITHSCORES
        ZRANGE z [b (e BYLEX
        ZRANGE z - + BYLEX LIMIT 2 -1
        ZRANGE z + - BYLEX REV LIMIT 0 2
        ZRANGE z 0 -1 LIMIT 0 1
        ZRANGE z a b BYSCORE
        ZRANGE z a b BYLEX
        ZRANGE z 0 1 BYSCORE BYLEX
        ZRANGE z - + BYLEX WITHSCORES
        ZRANGEBYSCORE z 2 4
        ZRANGEBYSCORE z (2 +inf WITHSCORES LIMIT 1 1
        ZREVRANGEBYSCORE z 4 2
        ZREVRANGEBYSCORE z +inf -inf WITHSCORES
        ZRANGEBYLEX z [a [c
        ZREVRANGEBYLEX z + - LIMIT 1 2
        ZREVRANGE z 0 1 WITHSCORES
        ZRANGESTORE dst z 0 2
        ZRANGE dst 0 -1 WITHSCORES
        ZRANGESTORE dst z 2 4 BYSCORE REV
        ZRANGESTORE dst z 100 200
        EXISTS dst
        ZCOUNT z 2 4
        ZCOUNT z (2 (4
        ZCOUNT z -inf +inf
        ZCOUNT z x y
        ZLEXCOUNT z - +
        ZLEXCOUNT z [b (d
        ZLEXCOUNT z b d
        """),
        DiffCase("zremrange-pop", """
        ZADD z 1 a 2 b 3 c 4 d 5 e 6 f
        ZREMRANGEBYSCORE z 1 2
        ZREMRANGEBYSCORE z (10 +inf
        ZREMRANGEBYRANK z 0 0
        ZREMRANGEBYRANK z -1 -1
        ZREMRANGEBYLEX z [d [d
        ZRANGE z 0 -1 WITHSCORES
        ZADD p 1 a 2 b 3 c 4 d
        ZPOPMIN p
        ZPOPMAX p
        ZPOPMIN p 5
        ZPOPMIN p
        ZPOPMAX nokey 2
        ZPOPMIN p -1
        ZADD m1 1 a 2 b
        ZADD m2 5 x
        ZMPOP 2 nokey m1 MIN
        ZMPOP 2 m1 m2 MAX COUNT 10
        ZMPOP 1 m2 MIN COUNT 10
        ZMPOP 1 m2 MIN
        ZMPOP 1 m2 UP
        ZMPOP 0 m2 MIN
        ZMPOP 1 m2 MIN COUNT 0
        BZPOPMIN nokey 0.01
        ZADD b 1 a
        BZPOPMIN nokey b 0
        BZPOPMAX b 0.01
        BZMPOP 0.01 1 b MIN
        """),
        DiffCase("zunion-inter-diff", """
        ZADD a 1 x 2 y 3 z
        ZADD b 10 y 20 z 30 w
        ZUNION 2 a b WITHSCORES
        ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES
        ZUNION 2 a b AGGREGATE MAX WITHSCORES
        ZUNION 2 a b AGGREGATE MIN
        ZINTER 2 a b WITHSCORES
        ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES
        ZDIFF 2 a b WITHSCORES
        ZDIFF 2 b a
        ZUNIONSTORE dst 2 a b WEIGHTS 1 2
        ZRANGE dst 0 -1 WITHSCORES
        ZINTERSTORE dst 2 a b AGGREGATE MAX
        ZRANGE dst 0 -1 WITHSCORES
        ZDIFFSTORE dst 2 a b
        ZRANGE dst 0 -1 WITHSCORES
        ZINTERSTORE dst 2 a nokey
        EXISTS dst
        ZINTERCARD 2 a b
        ZINTERCARD 2 a b LIMIT 1
        ZINTERCARD 0 a
        ZUNION 0 a
        ZUNION 3 a b
        ZUNION 2 a b WEIGHTS 1
        ZUNION 2 a b WEIGHTS 1 x
        ZUNION 2 a b AGGREGATE AVG
        ZADD inf1 inf m
        ZADD inf2 -inf m
        ZUNION 2 inf1 inf2 WITHSCORES
        ZINTER 2 inf1 inf2 WEIGHTS 1 1 WITHSCORES
        SADD set x y
        ZUNION 2 a set WITHSCORES
        ZINTER 2 a set WITHSCORES
        SET str v
        ZUNION 2 a str
        """),
        DiffCase("zscan-zrandmember", """
        ZADD z 1 a 2 b 3 c
        ZSCAN z 0 ~hscan
        ZSCAN z 0 MATCH a* ~hscan
        ZSCAN nokey 0
        ZRANDMEMBER z ~shape
        ZRANDMEMBER z 10 ~unordered
        ZRANDMEMBER z 10 WITHSCORES ~pairs
        ZRANDMEMBER z -5 ~shape
        ZRANDMEMBER z 0
        ZRANDMEMBER nokey
        ZRANDMEMBER nokey 2
        ZRANDMEMBER z x
        """),
    ]

    static let transactions: [DiffCase] = [
        DiffCase("multi-exec", """
        MULTI
        SET a 1
        INCR a
        LPUSH l x
        GET a
        EXEC
        EXEC
        DISCARD
        MULTI
        MULTI
        DISCARD
        GET a
        """),
        DiffCase("multi-discard", """
        SET a 1
        MULTI
        SET a 2
        DISCARD
        GET a
        """),
        DiffCase("multi-execabort", """
        MULTI
        SET a 1
        NOSUCHCOMMAND
        GET a b c
        EXEC
        GET a
        """),
        DiffCase("multi-runtime-errors", """
        SET s v
        MULTI
        INCR s
        SET t 1
        LPUSH s x
        EXEC
        GET t
        """),
        DiffCase("watch-own-write", """
        SET w 1
        WATCH w
        SET w 2
        MULTI
        GET w
        EXEC
        WATCH w
        UNWATCH
        SET w 3
        MULTI
        GET w
        EXEC
        MULTI
        WATCH w
        DISCARD
        """),
        DiffCase("watch-expired-key", """
        SET w 1
        WATCH w
        EXPIRE w -1
        MULTI
        PING
        EXEC
        """),
    ]
}
