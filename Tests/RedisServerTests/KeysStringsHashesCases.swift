// Differential cases for issue #5: connection/server, keys, strings, bits, expiry, hashes.
// Every line is sent to redis-server 7.0 and to the engine; replies must match byte for byte
// (a trailing `~marker` names the normalisation where Redis leaves order or exact value open).

enum KeysStringsHashesCases {
    static let connection: [DiffCase] = [
        DiffCase("ping-echo", """
        PING
        PING hello
        PING "with space"
        PING a b
        ECHO "hi there"
        ECHO ""
        ECHO
        ECHO a b
        """),
        DiffCase("select", """
        SET k db0
        SELECT 1
        GET k
        SET k db1
        SELECT 0
        GET k
        SELECT 15
        SELECT 16
        SELECT -1
        SELECT abc
        SELECT
        SELECT 1 2
        """),
        DiffCase("unknown-and-arity", """
        NOSUCHCOMMAND
        NOSUCHCOMMAND a b c
        nosuch "x y"
        get
        GET a b
        SET a
        set a b c
        """),
        DiffCase("hello", """
        HELLO 4
        HELLO 0
        HELLO abc
        HELLO 2 SETNAME "bad name"
        HELLO 2 FOO
        HELLO 2 ~hello
        HELLO 2 SETNAME myname ~hello
        CLIENT GETNAME
        HELLO 3 ~hello
        GET nokey
        HSET h a 1
        HGETALL h
        HELLO 2 ~hello
        GET nokey
        """),
        DiffCase("client-name", """
        CLIENT GETNAME
        CLIENT SETNAME conn-1
        CLIENT GETNAME
        CLIENT SETNAME "has space"
        CLIENT SETNAME ""
        CLIENT GETNAME
        CLIENT ID ~shape
        CLIENT NOSUCH
        CLIENT
        """),
    ]

    /// Run with `--requirepass s3cret` on both servers.
    static let auth: [DiffCase] = [
        DiffCase("noauth-and-auth", """
        PING
        GET k
        SET k v
        AUTH
        AUTH wrong
        AUTH default wrong
        AUTH nouser s3cret
        AUTH a b c
        HELLO 3 AUTH default wrong
        HELLO 2 AUTH default
        GET k
        AUTH s3cret
        GET k
        AUTH default s3cret
        HELLO 2 AUTH default s3cret ~hello
        PING
        """),
    ]

    static let server: [DiffCase] = [
        DiffCase("dbsize-flush", """
        MSET a 1 b 2 c 3
        DBSIZE
        SELECT 1
        SET x 1
        DBSIZE
        FLUSHDB
        DBSIZE
        SELECT 0
        DBSIZE
        FLUSHDB ASYNC
        DBSIZE
        SET y 1
        FLUSHALL SYNC
        DBSIZE
        FLUSHDB x
        DBSIZE extra
        """),
        DiffCase("swapdb", """
        SET a 0
        SELECT 1
        SET b 1
        SWAPDB 0 1
        GET b
        GET a
        SELECT 0
        GET a
        GET b
        SWAPDB 0 99
        SWAPDB x 1
        SWAPDB 0
        """),
        DiffCase("config", """
        CONFIG GET maxmemory
        CONFIG SET maxmemory 104857600
        CONFIG GET maxmemory
        CONFIG SET maxmemory 100mb
        CONFIG GET maxmemory
        CONFIG SET maxmemory 0
        CONFIG GET maxmemory-policy
        CONFIG SET maxmemory-policy allkeys-lru
        CONFIG GET maxmemory-policy
        CONFIG SET maxmemory-policy nonsense
        CONFIG SET maxmemory-policy noeviction
        CONFIG GET databases
        CONFIG GET timeout
        CONFIG GET nosuchparam
        CONFIG SET nosuchparam 1
        CONFIG SET maxmemory abc
        CONFIG GET
        CONFIG NOSUCH
        CONFIG RESETSTAT
        """),
        DiffCase("time-info-shapes", """
        TIME ~shape
        DEBUG SLEEP 0
        SLOWLOG RESET
        COMMAND COUNT ~shape
        """),
        DiffCase("object", """
        SET n 12345
        SET s hello
        SET long "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        HSET h f v
        OBJECT ENCODING n
        OBJECT ENCODING s
        OBJECT ENCODING long
        OBJECT ENCODING h
        OBJECT ENCODING nokey
        OBJECT FREQ s
        OBJECT NOSUCH s
        OBJECT IDLETIME nokey
        """),
    ]

    static let keys: [DiffCase] = [
        DiffCase("del-exists-type", """
        SET a 1
        SET b 2
        HSET h f v
        EXISTS a b h nokey a
        TYPE a
        TYPE h
        TYPE nokey
        DEL a nokey
        DEL a
        UNLINK b h
        EXISTS a b h
        DEL
        EXISTS
        TYPE
        """),
        DiffCase("rename", """
        SET a 1
        EXPIRE a 1000
        RENAME a b
        TTL b ~pttl
        EXISTS a
        RENAME nokey x
        RENAME b b
        GET b
        SET c 3
        RENAMENX b c
        RENAMENX b d
        RENAMENX nokey e
        RENAMENX d d
        RENAME d
        """),
        DiffCase("copy-move", """
        SET src v
        HSET hsrc f1 v1 f2 v2
        COPY src dst
        COPY src dst
        COPY src dst REPLACE
        GET dst
        COPY hsrc hdst
        HGETALL hdst ~pairs
        COPY src other DB 1
        COPY src src
        COPY nokey x
        COPY src x DB abc
        COPY src x DB 99
        COPY src x BADOPT
        MOVE src 1
        MOVE src 1
        MOVE dst 0
        MOVE dst 99
        MOVE dst abc
        SELECT 1
        GET src
        GET other
        MOVE src 0
        SELECT 0
        GET src
        """),
        DiffCase("keys-scan", """
        MSET user:1 a user:2 b user:10 c order:1 d
        HSET user:h f v
        KEYS * ~unordered
        KEYS user:? ~unordered
        KEYS user:[12] ~unordered
        KEYS *:1* ~unordered
        KEYS "user:\\\\*" ~unordered
        KEYS nomatch
        SCAN 0 COUNT 1000 ~scan
        SCAN 0 MATCH user:* COUNT 1000 ~scan
        SCAN 0 TYPE hash COUNT 1000 ~scan
        SCAN 0 TYPE string MATCH order* COUNT 1000 ~scan
        SCAN 0 COUNT 0
        SCAN abc
        SCAN 0 COUNT x
        SCAN 0 BADOPT 1
        TOUCH user:1 nokey user:2
        RANDOMKEY ~shape
        FLUSHDB
        RANDOMKEY
        SCAN 0
        """),
        DiffCase("sort", """
        RPUSH l 3 1 2 10 -5
        SORT l
        SORT l DESC
        SORT l ALPHA
        SORT l ALPHA DESC
        SORT l LIMIT 1 2
        SORT l LIMIT 0 -1
        SORT l LIMIT 10 5
        SORT l STORE dst
        LRANGE dst 0 -1
        SORT l BY nosort
        MSET w_3 30 w_1 10 w_2 20 w_10 5 w_-5 1
        SORT l BY w_*
        SORT l BY w_* GET # GET w_*
        HSET o_1 name one
        HSET o_2 name two
        SORT l BY nosort GET o_*->name
        SORT l GET nokey_*
        RPUSH bad a b 1
        SORT bad
        SORT bad ALPHA
        SORT nokey
        SORT_RO l ALPHA
        SORT_RO l STORE x
        SORT l LIMIT 0
        SORT l BADOPT
        SADD s 5 3 9
        SORT s
        ZADD z 1 c 2 b 3 a
        SORT z ALPHA
        SET str x
        SORT str
        """),
        DiffCase("sort-collection-types", """
        RPUSH l 3 1 2
        SORT l
        SORT_RO l DESC
        SADD s 3 1 2
        SORT s
        SORT s ALPHA STORE d
        TYPE d
        LRANGE d 0 -1
        ZADD z 1 c 2 b 3 a
        SORT z ALPHA
        SORT z BY nosort
        SORT z BY nosort DESC
        SORT z BY nosort DESC LIMIT 0 2
        SORT z BY nosort LIMIT 1 5
        SORT l STORE l
        LRANGE l 0 -1
        SORT nokey STORE d
        EXISTS d
        """),
    ]

    static let strings: [DiffCase] = [
        DiffCase("set-option-error-order", """
        SET k v EX abc XX KEEPTTL
        SET k v PX -5 XX NX
        SET k v EX abc FOO
        SET k v EX 10 PX 20
        SET k1 x
        SET k1 foo KEEPTTL NX KEEPTTL
        SET k1 foo KEEPTTL XX KEEPTTL GET
        SET k v EX 10 EX 20
        TTL k
        SET k v EX abc
        SET k v EX 0
        SET k v KEEPTTL EX 5
        GETEX k EX 5 EX 6
        TTL k
        GETEX k PERSIST PERSIST
        TTL k
        GETEX nokey EX abc
        GETEX k EX abc
        GETEX k EX 5 PERSIST
        """),
        DiffCase("set-options", """
        SET k v
        SET k v NX
        SET k v2 XX
        GET k
        SET k v3 XX GET
        SET nokey v XX GET
        SET nokey v NX GET
        SET k v EX 100
        TTL k
        SET k v PX 100000
        TTL k
        SET k v KEEPTTL
        TTL k
        SET k v
        TTL k
        SET k v EXAT 4102444800
        EXPIRETIME k
        SET k v PXAT 4102444800123
        PEXPIRETIME k
        SET k v EX 0
        SET k v EX -1
        SET k v PX 0
        SET k v EX abc
        SET k v EX 10 PX 10
        SET k v NX XX
        SET k v EX
        SET k v KEEPTTL EX 10
        SET k v FOO
        SET k v EX 9223372036854775807
        SET k v PX 9223372036854775807
        HSET h f v
        SET h v GET
        SET h v
        GET h
        """),
        DiffCase("setnx-setex-getset", """
        SETNX k v
        SETNX k v2
        GET k
        SETEX k 100 v3
        TTL k
        SETEX k 0 v
        SETEX k -5 v
        SETEX k abc v
        PSETEX k 100000 v4
        TTL k
        PSETEX k 0 v
        GETSET k v5
        GETSET nokey v
        GETDEL k
        GETDEL k
        HSET h f v
        GETSET h v
        GETDEL h
        SETNX k
        """),
        DiffCase("getex", """
        SET k v
        GETEX k
        GETEX k EX 100
        TTL k
        GETEX k PX 200000
        TTL k
        GETEX k EXAT 4102444800
        EXPIRETIME k
        GETEX k PERSIST
        TTL k
        GETEX k EX 0
        GETEX k EX -1
        GETEX k EX abc
        GETEX k PERSIST EX 10
        GETEX k FOO
        GETEX nokey EX 10
        HSET h f v
        GETEX h
        """),
        DiffCase("mget-mset", """
        MSET a 1 b 2 c 3
        MGET a b c nokey
        MSET a
        MSET a 1 b
        MSETNX a 1 x 2
        MSETNX x 1 y 2
        MGET x y
        MSETNX x 1 x 2
        HSET h f v
        MGET a h
        MGET
        """),
        DiffCase("append-strlen-ranges", """
        APPEND k hello
        APPEND k " world"
        STRLEN k
        STRLEN nokey
        GETRANGE k 0 4
        GETRANGE k -5 -1
        GETRANGE k 5 1
        GETRANGE k 0 100
        GETRANGE k -100 -50
        GETRANGE nokey 0 1
        GETRANGE k a b
        SUBSTR k 0 2
        SETRANGE k 6 WORLD
        GET k
        SETRANGE k 20 x
        GET k
        SETRANGE nokey2 0 ""
        EXISTS nokey2
        SETRANGE nokey3 3 ab
        GET nokey3
        SETRANGE k -1 x
        SETRANGE k 536870912 x
        SET n 123
        APPEND n 4
        GET n
        HSET h f v
        APPEND h x
        STRLEN h
        """),
        DiffCase("incr-decr", """
        INCR c
        INCR c
        INCRBY c 10
        DECR c
        DECRBY c 5
        INCRBY c -3
        GET c
        SET c 9223372036854775806
        INCR c
        INCR c
        SET c -9223372036854775808
        DECR c
        DECRBY c -9223372036854775808
        SET c " 1"
        INCR c
        SET c 1.5
        INCR c
        SET c abc
        INCR c
        SET c 00
        INCR c
        INCRBY c x
        INCRBY c 99999999999999999999
        DECRBY nokey2 9223372036854775807
        HSET h f v
        INCR h
        INCR
        INCRBY c
        """),
        DiffCase("incrbyfloat", """
        INCRBYFLOAT f 0.1
        INCRBYFLOAT f 0.2
        SET f 10.50
        INCRBYFLOAT f 0.1
        INCRBYFLOAT f -5
        INCRBYFLOAT f 5.0e3
        SET f 3.0e3
        INCRBYFLOAT f 200
        SET f 5
        INCRBYFLOAT f 1e2
        INCRBYFLOAT f 1.5e-3
        INCRBYFLOAT f abc
        INCRBYFLOAT f inf
        INCRBYFLOAT f -inf
        INCRBYFLOAT f nan
        SET f abc
        INCRBYFLOAT f 1
        SET f 1.7976931348623157e308
        INCRBYFLOAT f 1.7976931348623157e308
        SET f 0
        INCRBYFLOAT f 3.0000000000000004
        INCRBYFLOAT f -3.0000000000000004
        INCRBYFLOAT f 123456789012345678901234567890
        """),
        DiffCase("lcs", """
        MSET key1 ohmytext key2 mynewtext
        LCS key1 key2
        LCS key1 key2 LEN
        LCS key1 key2 IDX
        LCS key1 key2 IDX MINMATCHLEN 4
        LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN
        LCS key1 nokey
        LCS key1 key2 LEN IDX
        LCS key1 key2 BADOPT
        HSET h f v
        LCS key1 h
        """),
    ]

    static let bits: [DiffCase] = [
        DiffCase("bitcount-missing-key-first", """
        BITCOUNT nokey 0
        BITCOUNT nokey BIT
        BITCOUNT nokey abc 1 FOO
        SET k v
        BITCOUNT k 0
        BITCOUNT k abc 1 FOO
        BITCOUNT k 0 -1 FOO
        RPUSH l a
        BITCOUNT l 0
        """),
        DiffCase("setbit-getbit-bitcount", """
        SETBIT b 7 1
        SETBIT b 7 1
        SETBIT b 0 1
        GETBIT b 0
        GETBIT b 1
        GETBIT b 1000
        GET b
        SETBIT b 100 1
        STRLEN b
        BITCOUNT b
        BITCOUNT b 0 0
        BITCOUNT b 1 -1
        BITCOUNT b 0 7 BIT
        BITCOUNT b 0 -1 BYTE
        BITCOUNT b 0
        BITCOUNT nokey
        SETBIT b 1 2
        SETBIT b -1 1
        SETBIT b 4294967296 1
        GETBIT b x
        SET s foobar
        BITCOUNT s
        BITCOUNT s 1 1
        BITCOUNT s 5 30 BIT
        """),
        DiffCase("bitpos-bitop", """
        SET s "\\xff\\xf0\\x00"
        BITPOS s 0
        BITPOS s 1
        BITPOS s 0 1
        BITPOS s 1 2
        BITPOS s 1 2 -1 BYTE
        BITPOS s 0 8 15 BIT
        BITPOS nokey 0
        BITPOS nokey 1
        BITPOS s 2
        SET a "\\x0f"
        SET b "\\xf0\\x01"
        BITOP AND dest a b
        GET dest
        BITOP OR dest a b
        GET dest
        BITOP XOR dest a b nokey
        GET dest
        BITOP NOT dest a
        GET dest
        BITOP NOT dest a b
        BITOP NAND dest a b
        BITOP AND dest nokey
        EXISTS dest
        """),
        DiffCase("bitfield", """
        BITFIELD bf SET i8 0 100 GET i8 0
        BITFIELD bf INCRBY i8 0 100
        BITFIELD bf OVERFLOW SAT INCRBY i8 0 100
        BITFIELD bf OVERFLOW FAIL INCRBY i8 0 100
        BITFIELD bf OVERFLOW WRAP INCRBY u4 100 20
        BITFIELD bf GET u8 #1 SET u8 #1 255 GET u8 #1
        BITFIELD bf GET u64 0
        BITFIELD bf GET i64 0
        BITFIELD bf GET u63 0
        BITFIELD bf GET i0 0
        BITFIELD bf GET x8 0
        BITFIELD bf SET i8 0 abc
        BITFIELD bf GET u8 -1
        BITFIELD bf OVERFLOW NOPE
        BITFIELD_RO bf GET u8 0
        BITFIELD_RO bf SET u8 0 1
        BITFIELD nokey GET u16 0
        BITFIELD bf
        """),
    ]

    static let expiry: [DiffCase] = [
        DiffCase("expire-ttl", """
        SET k v
        TTL k
        PTTL k
        TTL nokey
        PTTL nokey
        EXPIRE k 100
        TTL k
        PTTL k ~pttl
        PEXPIRE k 200000
        TTL k
        PERSIST k
        PERSIST k
        PERSIST nokey
        TTL k
        EXPIRE nokey 100
        EXPIRE k abc
        EXPIRE k 9223372036854775807
        PEXPIRE k 9223372036854775807
        EXPIRE k -1
        EXISTS k
        SET k v
        PEXPIRE k 0
        EXISTS k
        EXPIRE
        TTL
        """),
        DiffCase("expire-options", """
        SET k v
        EXPIRE k 100 XX
        EXPIRE k 100 NX
        EXPIRE k 200 NX
        TTL k
        EXPIRE k 50 GT
        EXPIRE k 300 GT
        TTL k
        EXPIRE k 400 LT
        EXPIRE k 10 LT
        TTL k
        EXPIRE k 100 XX
        TTL k
        PERSIST k
        EXPIRE k 100 GT
        EXPIRE k 100 LT
        TTL k
        EXPIRE k 10 NX XX
        EXPIRE k 10 GT LT
        EXPIRE k 10 NX GT
        EXPIRE k 10 BADOPT
        EXPIRE k 10 XX GT
        """),
        DiffCase("expireat-expiretime", """
        SET k v
        EXPIREAT k 4102444800
        EXPIRETIME k
        PEXPIRETIME k
        PEXPIREAT k 4102444800999
        EXPIRETIME k
        PEXPIRETIME k
        PEXPIREAT k 4102444800499
        EXPIRETIME k
        PEXPIREAT k 4102444800500
        EXPIRETIME k
        EXPIRETIME nokey
        SET p v
        EXPIRETIME p
        PEXPIRETIME p
        EXPIREAT k 4102444800 GT
        EXPIREAT k 4102444801 GT
        EXPIRETIME k
        EXPIREAT k 1
        EXISTS k
        SET k v
        PEXPIREAT k 100
        EXISTS k
        EXPIREAT k abc
        """),
    ]

    static let hashes: [DiffCase] = [
        DiffCase("hset-hget", """
        HSET h f1 v1
        HSET h f1 v1b f2 v2 f3 v3
        HGET h f1
        HGET h nofield
        HGET nokey f
        HMSET h f4 v4 f5 v5
        HMGET h f1 nofield f5
        HMGET nokey a b
        HLEN h
        HLEN nokey
        HEXISTS h f2
        HEXISTS h nofield
        HSTRLEN h f2
        HSTRLEN h nofield
        HDEL h f1 f2 nofield
        HDEL h f1
        HGETALL h ~pairs
        HKEYS h ~unordered
        HVALS h ~unordered
        HGETALL nokey
        HKEYS nokey
        HDEL h f3 f4 f5
        EXISTS h
        HSET h
        HSET h f
        HSET h f v g
        HMSET h f
        HGET h
        HMGET h
        HDEL h
        SET s v
        HSET s f v
        HGET s f
        HGETALL s
        """),
        DiffCase("hsetnx-hincr", """
        HSETNX h f v
        HSETNX h f v2
        HGET h f
        HINCRBY h n 5
        HINCRBY h n -7
        HINCRBY h f 1
        HINCRBY h n abc
        HINCRBY h n 9223372036854775807
        HSET h big 9223372036854775807
        HINCRBY h big 1
        HINCRBYFLOAT h x 0.1
        HINCRBYFLOAT h x 0.2
        HINCRBYFLOAT h x 1e2
        HINCRBYFLOAT h f 1
        HINCRBYFLOAT h x abc
        HINCRBYFLOAT h x inf
        HINCRBYFLOAT h x -inf
        HINCRBYFLOAT nohash x +inf
        EXISTS nohash
        SET strkey v
        HINCRBYFLOAT strkey x inf
        HINCRBYFLOAT strkey x 1
        INCRBYFLOAT strkey inf
        SET fk 1
        INCRBYFLOAT fk inf
        INCRBYFLOAT nofk -inf
        HSET h e 5.0e3
        HINCRBYFLOAT h e 1
        HINCRBYFLOAT h n 1.5
        HGETALL h ~pairs
        """),
        DiffCase("hrandfield-hscan", """
        HSET h a 1 b 2 c 3 d 4
        HRANDFIELD h ~shape
        HRANDFIELD h 2 ~shape
        HRANDFIELD h 10 ~unordered
        HRANDFIELD h 10 WITHVALUES ~pairs
        HRANDFIELD h -6 ~shape
        HRANDFIELD h -2 WITHVALUES ~shape
        HRANDFIELD h 0
        HRANDFIELD nokey
        HRANDFIELD nokey 3
        HRANDFIELD h x
        HRANDFIELD h 1 BADOPT
        HSCAN h 0 ~hscan
        HSCAN h 0 MATCH a* ~hscan
        HSCAN h 0 COUNT 1000 ~hscan
        HSCAN nokey 0
        HSCAN h x
        HSCAN h 0 COUNT 0
        """),
        DiffCase("hash-large", """
        HSET big f0 0 f1 1 f2 2 f3 3 f4 4 f5 5 f6 6 f7 7 f8 8 f9 9 f10 10 f11 11 f12 12 f13 13 f14 14 f15 15 f16 16 f17 17 f18 18 f19 19
        HSET big long "this value is longer than sixty-four bytes so redis converts the hash to a hashtable encoding"
        HLEN big
        HGET big long
        HGETALL big ~pairs
        HSCAN big 0 COUNT 1000 ~hscan
        HDEL big f0 f1 long
        HLEN big
        """),
    ]
}
