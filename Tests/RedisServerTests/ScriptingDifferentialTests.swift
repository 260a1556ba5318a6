import Foundation
import InferaTestSupport
import Testing

/// EVAL / EVALSHA / SCRIPT / FUNCTION / FCALL against redis-server 7.0: replies and error texts byte
/// for byte, the scripts real libraries send (locks, rate limiters, job queues), RESP3 conversions and
/// FUNCTION DUMP payloads moving between the two servers.
@Suite("Differential: scripting and functions")
struct ScriptingDifferentialTests {
    @Test func evalConversionsAndErrors() throws { try runCases(ScriptingCases.eval) }
    @Test func scriptCache() throws { try runCases(ScriptingCases.scriptCache) }
    @Test func librariesScripts() throws { try runCases(ScriptingCases.libraryScripts) }
    @Test func functions() throws { try runCases(ScriptingCases.functions) }
    @Test func resp3() throws { try runCases(ScriptingCases.resp3) }

    /// A FUNCTION DUMP from redis-server (LZF-compressed) restores in infera and back again.
    @Test func functionDumpMovesBetweenServers() throws {
        try ServerPair.with { pair in
            let redis = try RedisTestClient(port: pair.reference.port)
            let infera = try RedisTestClient(port: pair.candidate.port)
            defer { redis.close(); infera.close() }
            let lib = "#!lua name=dumplib\nredis.register_function('echo_twice', function(keys, args) return args[1] .. args[1] end)\n"
                + "redis.register_function{function_name='ro_len', callback=function(keys, args) return #args end, flags={'no-writes'}}"
            #expect(try redis.command("FUNCTION", "LOAD", lib) == .bulk(Array("dumplib".utf8)))
            guard case .bulk(let payload?) = try redis.command("FUNCTION", "DUMP") else {
                Issue.record("FUNCTION DUMP gave no payload")
                return
            }
            #expect(try Self.run(infera, ["FUNCTION", "RESTORE"], payload) == .simple("OK"))
            #expect(try infera.command("FCALL", "echo_twice", "0", "ab") == .bulk(Array("abab".utf8)))
            #expect(try infera.command("FCALL_RO", "ro_len", "0", "a", "b", "c") == .integer(3))
            // And back: infera's dump (uncompressed strings) restores in redis-server.
            guard case .bulk(let ours?) = try infera.command("FUNCTION", "DUMP") else {
                Issue.record("infera FUNCTION DUMP gave no payload")
                return
            }
            _ = try redis.command("FUNCTION", "FLUSH")
            #expect(try Self.run(redis, ["FUNCTION", "RESTORE"], ours) == .simple("OK"))
            #expect(try redis.command("FCALL", "echo_twice", "0", "xy") == .bulk(Array("xyxy".utf8)))
            // A corrupted payload changes nothing on either server.
            var bad = ours
            bad[bad.count - 1] ^= 0xFF
            for c in [redis, infera] {
                #expect(try Self.run(c, ["FUNCTION", "RESTORE"], bad, "FLUSH") == .error("ERR DUMP payload version or checksum are wrong"))
                #expect(try c.command("FCALL", "echo_twice", "0", "q") == .bulk(Array("qq".utf8)))
            }
        }
    }

    static func run(_ c: RedisTestClient, _ words: [String], _ payload: [UInt8], _ tail: String? = nil) throws -> RESPReply {
        try c.send(bytes: words.map { Array($0.utf8) } + [payload] + (tail.map { [Array($0.utf8)] } ?? []))
        return try c.readReply()
    }

    /// Errors from scripts never take the server down: odd error objects, errors inside pcall,
    /// deep recursion, errors while converting replies.
    @Test func hostileScriptsLeaveTheServerServing() throws {
        try ServerPair.with { pair in
            let scripts = [
                "error(nil)", "error(setmetatable({}, {__tostring = function() return 'x' end}))",
                "local function f(n) return f(n + 1) + 1 end return f(1)",
                "return pcall(function() redis.call('nosuch') end)",
                "local t = {} t[1] = t return t",
                "local a = {}; setmetatable(a,{__index=function() foo() end}) return a",
                "local a = {}; setmetatable(a,{__index=function() redis.call('set', 'x', '1') end}) return a",
                "error(setmetatable({}, {__index=function() foo() end}))",
                "return redis.call('set', setmetatable({}, {__tostring=function() foo() end}), 'v')",
                "return redis.call(unpack({}))", "return redis.pcall()",
                "return string.rep('x', 1024 * 1024):len()",
                "redis.setresp(3) return redis.call('ping')",
                "return coroutine.wrap(function() redis.call('set', 'k', 'v') end)()",
            ]
            for s in scripts {
                // Some replies are deeper than the test client parses (the self-referencing table):
                // what matters is that the server answers and keeps serving everyone.
                let c = try RedisTestClient(port: pair.candidate.port)
                try c.send(["EVAL", s, "0"])
                _ = try? c.readReply()
                c.close()
                let other = try RedisTestClient(port: pair.candidate.port)
                #expect(try other.command("PING") == .simple("PONG"), "server still serves after: \(s)")
                other.close()
            }
        }
    }
}

enum ScriptingCases {
    static let eval: [DiffCase] = [
        DiffCase("conversions", """
        EVAL "return {1,2,{3,'x'},nil,5}" 0
        EVAL "return {ok='fine'}" 0
        EVAL "return {err='bad thing'}" 0
        EVAL "return 3.99" 0
        EVAL "return -3.99" 0
        EVAL "return true" 0
        EVAL "return false" 0
        EVAL "return" 0
        EVAL "return nil" 0
        EVAL "return print" 0
        EVAL "return getfenv" 0
        EVAL "return debug" 0
        EVAL "return type(loadstring)" 0
        EVAL "return type(collectgarbage)" 0
        EVAL "return {1, true, false, 'a'}" 0
        EVAL "return redis.status_reply('FOO')" 0
        EVAL "return redis.error_reply('My Err')" 0
        EVAL "return redis.error_reply('x')" 0
        EVAL "local t = redis.error_reply('x'); return t.err" 0
        EVAL "return redis.error_reply()" 0
        EVAL "return redis.status_reply(1)" 0
        EVAL "return {KEYS[1], ARGV[1], ARGV[2], #KEYS, #ARGV}" 1 k a1 a2
        EVAL "return redis.sha1hex('')" 0
        EVAL "return redis.sha1hex('abc')" 0
        EVAL "return redis.sha1hex()" 0
        EVAL "return cjson.encode({a=1})" 0
        EVAL "return cjson.decode('[1,2,{\\"a\\":3}]')[3].a" 0
        EVAL "return bit.band(7,3)" 0
        EVAL "return bit.tohex(65535)" 0
        EVAL "return cmsgpack.pack({1,2,3})" 0
        EVAL "return cmsgpack.pack({a=1})" 0
        EVAL "return cmsgpack.pack(1.5, -1, -200, 70000, 'hello', true, false, nil)" 0
        EVAL "return cmsgpack.pack(string.rep('x', 40), 3.14159, 2^40, -2^40)" 0
        EVAL "local t = cmsgpack.unpack(cmsgpack.pack({1,{a='b'},3})) return {t[1], t[2].a, t[3]}" 0
        EVAL "return {cmsgpack.unpack_one(cmsgpack.pack(1,2))}" 0
        EVAL "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)}" 0
        EVAL "return struct.pack('>I2', 258)" 0
        EVAL "return struct.pack('<i4', -2)" 0
        EVAL "return {struct.unpack('>I2', ARGV[1])}" 0 ab
        EVAL "return struct.size('>I2i4d')" 0
        EVAL "return struct.pack('s', 'ab')" 0
        EVAL "return struct.pack('bc0', 2, 'xy')" 0
        EVAL "return {struct.unpack('bc0', struct.pack('bc0', 2, 'xy'))}" 0
        EVAL "return struct.pack('q', 1)" 0
        EVAL "return redis.REDIS_VERSION" 0
        EVAL "return redis.replicate_commands()" 0
        EVAL "return redis.set_repl(redis.REPL_ALL)" 0
        EVAL "return redis.set_repl(9)" 0
        EVAL "return redis.setresp(4)" 0
        EVAL "return redis.log(redis.LOG_WARNING, 'from a script')" 0
        """),
        DiffCase("errors", """
        SET s abc
        EVAL "return redis.call('incr','s')" 0
        EVAL "return redis.pcall('incr','s')" 0
        EVAL "local t = redis.pcall('incr','s'); return t['err']" 0
        EVAL "return x.y" 0
        EVAL "x=1" 0
        EVAL "redis = nil" 0
        EVAL "return os" 0
        EVAL "return redis.call('nosuch')" 0
        EVAL "return redis.pcall('nosuch')" 0
        EVAL "return redis.call('get')" 0
        EVAL "return redis.call()" 0
        EVAL "return redis.call('multi')" 0
        EVAL "return redis.call('subscribe', 'x')" 0
        EVAL "return redis.call('set',{})" 0
        EVAL "return redis.call('set', 'k', 'v', 'px', 0)" 0
        EVAL "error('boom')" 0
        EVAL "error({err='X custom'})" 0
        EVAL "return 'x' .. " 0
        EVAL "return 1" -1
        EVAL "return 1" abc
        EVAL "return 1" 5 a
        EVAL
        EVAL_RO "return redis.call('set','a',1)" 0
        EVAL_RO "return redis.call('get','s')" 0
        EVAL "#!lua flags=no-writes\\nreturn redis.call('set','a','b')" 0
        EVAL "#!lua flags=bad\\nreturn 1" 0
        EVAL "#!luax\\nreturn 1" 0
        EVAL "#!lua name=x\\nreturn 1" 0
        EVAL "#!lua\\nreturn x" 0
        EVAL "#!lua flags=no-writes,allow-oom\\nreturn redis.call('get','s')" 0
        """),
        DiffCase("writes-and-numbers", """
        EVAL "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])" 1 k v
        EVAL "return redis.call('set','n',1.5)" 0
        EVAL "return redis.call('get','n')" 0
        EVAL "return redis.call('incrby','i', 10)" 0
        EVAL "return redis.call('select', 1)" 0
        EVAL "return redis.call('get','k')" 0
        GET k
        EVAL "return redis.call('lpush', 'l', 1, 2, 3)" 0
        EVAL "return redis.call('lrange', 'l', 0, -1)" 0
        EVAL "return redis.call('hset', 'h', 'a', 1, 'b', 2)" 0
        EVAL "return redis.call('hgetall', 'h')" 0 ~pairs
        EVAL "return redis.call('blpop', 'empty', 0)" 0
        EVAL "return redis.call('exists', 'k', 'nokey')" 0
        EVAL "return math.floor(3.7)" 0
        EVAL "return string.format('%d-%s', 5, 'x')" 0
        EVAL "return table.concat({'a','b'}, ',')" 0
        EVAL "return tonumber('12') + 1" 0
        """),
    ]

    static let scriptCache: [DiffCase] = [
        DiffCase("load-exists-evalsha-flush", """
        SCRIPT LOAD "return 1"
        SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0000
        EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0
        EVALSHA E0E1F9FABFC9D4800C877A703B823AC0578FF8DB 0
        EVALSHA abc 0
        EVALSHA_RO e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0
        EVAL "return 2" 0
        SCRIPT EXISTS 7f923f79fe76194c868d7e1d0820de36700eb649
        SCRIPT LOAD "return +"
        SCRIPT FLUSH
        SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db
        EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0
        SCRIPT FLUSH ASYNC
        SCRIPT FLUSH bogus
        SCRIPT KILL
        SCRIPT bogus
        SCRIPT HELP
        FUNCTION KILL
        """),
    ]

    /// Scripts as libraries send them: the seed's lock release, a sliding-window rate limiter, a
    /// Sidekiq-style scheduled-job mover and a BullMQ-style job add with a counter and a list.
    static let libraryScripts: [DiffCase] = [
        DiffCase("lock-release", """
        SET lock:order:42 token-a NX PX 30000
        EVAL "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end" 1 lock:order:42 token-b
        EXISTS lock:order:42
        EVAL "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end" 1 lock:order:42 token-a
        EXISTS lock:order:42
        EVAL "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end" 1 lock:x t 1000
        """),
        DiffCase("sliding-window-rate-limiter", """
        EVAL "local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]) redis.call('zremrangebyscore', key, 0, now - window) local count = redis.call('zcard', key) if count < limit then redis.call('zadd', key, now, ARGV[4]) redis.call('pexpire', key, window) return {1, limit - count - 1} end return {0, 0}" 1 rl:user:1 1000 60000 2 r1
        EVAL "local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]) redis.call('zremrangebyscore', key, 0, now - window) local count = redis.call('zcard', key) if count < limit then redis.call('zadd', key, now, ARGV[4]) redis.call('pexpire', key, window) return {1, limit - count - 1} end return {0, 0}" 1 rl:user:1 1001 60000 2 r2
        EVAL "local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]) redis.call('zremrangebyscore', key, 0, now - window) local count = redis.call('zcard', key) if count < limit then redis.call('zadd', key, now, ARGV[4]) redis.call('pexpire', key, window) return {1, limit - count - 1} end return {0, 0}" 1 rl:user:1 1002 60000 2 r3
        ZRANGE rl:user:1 0 -1 WITHSCORES
        """),
        DiffCase("scheduled-jobs-mover", """
        ZADD schedule 10 job-a 20 job-b 30 job-c
        EVAL "local moved = 0 local jobs = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100) for _, job in ipairs(jobs) do if redis.call('zrem', KEYS[1], job) == 1 then redis.call('lpush', KEYS[2], job) moved = moved + 1 end end return moved" 2 schedule queue:default 25
        LRANGE queue:default 0 -1
        ZRANGE schedule 0 -1
        """),
        DiffCase("job-add", """
        EVAL "local id = redis.call('incr', KEYS[1]) local jobKey = KEYS[2] .. id redis.call('hset', jobKey, 'name', ARGV[1], 'data', ARGV[2], 'timestamp', ARGV[3]) redis.call('lpush', KEYS[3], id) redis.call('xadd', KEYS[4], '*', 'event', 'added', 'jobId', id) return id" 4 bull:q:id bull:q: bull:q:wait bull:q:events email "{\\"to\\":\\"a@b\\"}" 1700000000
        HGETALL bull:q:1 ~pairs
        LRANGE bull:q:wait 0 -1
        XLEN bull:q:events
        """),
    ]

    static let functions: [DiffCase] = [
        DiffCase("load-call-list", """
        FUNCTION LOAD "#!lua name=mylib\\nredis.register_function('myfunc', function(keys, args) return args[1] end)"
        FUNCTION LOAD "#!lua name=mylib\\nredis.register_function('myfunc', function(keys, args) return args[1] end)"
        FUNCTION LOAD REPLACE "#!lua name=mylib\\nredis.register_function('myfunc', function(keys, args) return #keys .. ':' .. args[1] end)"
        FCALL myfunc 1 k hello
        FCALL nosuch 0
        FCALL myfunc -1
        FUNCTION LOAD "return 1"
        FUNCTION LOAD "#!lua name=lib2\\nreturn 1"
        FUNCTION LOAD "#!lua name=lib2\\nredis.call('set','a','b')"
        FUNCTION LOAD "#!lua name=lib3\\nredis.register_function{function_name='ro', callback=function(k,a) return redis.call('set',k[1],'x') end, flags={'no-writes'}, description='d'}"
        FCALL ro 1 kk
        FCALL_RO myfunc 0 a
        FCALL_RO ro 1 kk
        FUNCTION LIST ~unordered
        FUNCTION LIST WITHCODE LIBRARYNAME mylib
        FUNCTION LIST LIBRARYNAME lib*
        FUNCTION LIST bogus
        FUNCTION STATS
        FUNCTION DELETE nosuch
        FUNCTION LOAD "#!lua name=lib4\\nredis.register_function('myfunc', function() return 1 end)"
        FUNCTION LOAD "#!lua name=lib5\\nredis.register_function('bad name!', function() return 1 end)"
        FUNCTION LOAD "#!lua name=lib6\\nlocal x = \\n"
        FUNCTION LOAD "#!lua name=bad-name\\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!js name=x\\nfoo"
        FUNCTION DELETE lib3
        FCALL ro 1 kk
        FUNCTION RESTORE garbage
        FUNCTION RESTORE garbage bogus
        FUNCTION FLUSH
        FUNCTION LIST
        FUNCTION HELP
        """),
    ]

    static let resp3: [DiffCase] = [
        DiffCase("resp3-conversions", """
        HELLO 3 ~hello
        HSET h a 1
        EVAL "return redis.call('hgetall', KEYS[1])" 1 h
        EVAL "redis.setresp(3); return redis.call('hgetall', KEYS[1])" 1 h
        EVAL "redis.setresp(3); return {double=3.5}" 0
        EVAL "redis.setresp(3); return true" 0
        EVAL "return false" 0
        EVAL "return {map={a=1}}" 0
        EVAL "return {set={a=true}}" 0
        EVAL "return {big_number='123456789012345678901234567890'}" 0
        EVAL "redis.setresp(3); return redis.call('get', 'nokey')" 0
        EVAL "return redis.call('get', 'nokey')" 0
        """),
    ]
}
