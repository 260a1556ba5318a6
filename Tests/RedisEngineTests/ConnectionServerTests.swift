import Testing
import RESP
@testable import RedisEngine

@Suite("Engine connection and server")
struct ConnectionServerTests {
    @Test func pingEchoUnknown() {
        let c = TestClient()
        #expect(c.run("PING") == "+PONG\r\n")
        #expect(c.run("ping", "hi") == bulk("hi"))
        #expect(c.run("PING", "a", "b") == err("ERR wrong number of arguments for 'ping' command"))
        #expect(c.run("ECHO", "x") == bulk("x"))
        #expect(c.run("FOO", "a", "b") == err("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "))
        #expect(c.run("FOO") == err("ERR unknown command 'FOO', with args beginning with: "))
    }

    @Test func authFlow() {
        var cfg = EngineConfig()
        cfg.requirePass = RedactedSecret("secret")
        let c = TestClient(config: cfg)
        #expect(c.run("GET", "k") == err("NOAUTH Authentication required."))
        #expect(c.run("AUTH", "wrong") == err("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(c.run("HELLO", "3") == err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"))
        #expect(c.run("AUTH", "secret") == OK)
        #expect(c.run("GET", "k") == NIL)
        #expect(c.run("AUTH", "a", "b", "c") == err("ERR syntax error"))
        let d = TestClient()
        #expect(d.run("AUTH", "x") == err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"))
        #expect("\(RedactedSecret("secret"))" == "<redacted>")
    }

    @Test func helloAndResp3() {
        let c = TestClient()
        let r = c.run("HELLO", "3", "SETNAME", "app")
        #expect(r.hasPrefix("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"))
        #expect(c.run("GET", "nokey") == "_\r\n")
        #expect(c.run("CLIENT", "GETNAME") == bulk("app"))
        #expect(c.run("HELLO", "4") == err("NOPROTO unsupported protocol version"))
        #expect(c.run("HELLO", "x") == err("ERR Protocol version is not an integer or out of range"))
        #expect(c.run("HELLO", "3", "FOO") == err("ERR Syntax error in HELLO option 'FOO'"))
        c.run("HSET", "h", "a", "1")
        #expect(c.run("HGETALL", "h") == "%1\r\n$1\r\na\r\n$1\r\n1\r\n")
        #expect(c.run("RESET") == "+RESET\r\n")
        #expect(c.run("GET", "nokey") == NIL)
    }

    @Test func selectAndClient() {
        let c = TestClient()
        #expect(c.run("SELECT", "16") == err("ERR DB index is out of range"))
        #expect(c.run("SELECT", "x") == err("ERR value is not an integer or out of range"))
        #expect(c.run("CLIENT", "SETNAME", "a b") == err("ERR Client names cannot contain spaces, newlines or special characters."))
        #expect(c.run("CLIENT", "ID") == int(Int(c.session.id)))
        #expect(c.run("CLIENT", "FOO") == err("ERR unknown subcommand 'FOO'. Try CLIENT HELP."))
        #expect(c.run("CLIENT") == err("ERR wrong number of arguments for 'client' command"))
        #expect(c.run("CLIENT", "LIST").contains("cmd=client|list user=default redir=-1 resp=2"))
        #expect(c.run("CLIENT", "REPLY", "OFF") == "")
        #expect(c.run("PING") == "")
        #expect(c.run("CLIENT", "REPLY", "ON") == OK)
        #expect(c.run("CLIENT", "REPLY", "SKIP") == "")
        #expect(c.run("PING") == "")
        #expect(c.run("PING") == "+PONG\r\n")
    }

    @Test func configAndInfo() {
        let c = TestClient()
        #expect(c.run("CONFIG", "GET", "maxmemory") == arr(bulk("maxmemory"), bulk("0")))
        #expect(c.run("CONFIG", "SET", "maxmemory", "1mb") == OK)
        #expect(c.run("CONFIG", "GET", "maxmemory") == arr(bulk("maxmemory"), bulk("1048576")))
        #expect(c.run("CONFIG", "SET", "maxmemory-policy", "bogus").hasPrefix("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following:"))
        #expect(c.run("CONFIG", "SET", "nosuch", "1") == err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"))
        #expect(c.run("CONFIG", "SET", "databases", "4") == err("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"))
        // The engine's accounting (not the process RSS) is compared with maxmemory: 1 MB is plenty here.
        #expect(c.run("SET", "small", "v") == OK)
        #expect(c.run("CONFIG", "SET", "maxmemory", "1") == OK)
        #expect(c.run("SET", "big", "v") == err("OOM command not allowed when used memory > 'maxmemory'."))
        #expect(c.run("CONFIG", "SET", "maxmemory", "0") == OK)
        c.run("SET", "k", "v", "EX", "100")
        let info = c.run("INFO", "keyspace")
        #expect(info.contains("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl="))
        #expect(c.run("INFO").contains("redis_version:7.0.15"))
        #expect(c.run("INFO", "commandstats").contains("cmdstat_set:calls=2"))
    }

    @Test func commandIntrospection() {
        let c = TestClient()
        guard case .integer(let n)? = c.value("COMMAND", "COUNT") else { Issue.record("count"); return }
        #expect(n == c.engine.commandTable.commands.count)
        let info = c.run("COMMAND", "INFO", "get")
        #expect(info.hasPrefix("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"))
        #expect(c.run("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == arr(bulk("a"), bulk("b")))
        #expect(c.run("COMMAND", "GETKEYS", "PING") == err("ERR The command has no key arguments"))
        #expect(c.run("COMMAND", "GETKEYS", "NOPE") == err("ERR Invalid command specified"))
        #expect(c.run("COMMAND", "GETKEYS", "GET") == err("ERR Invalid number of arguments specified for command"))
        #expect(c.run("COMMAND", "DOCS", "get").contains("Get the value of a key"))
    }

    @Test func disabledAndRenamed() {
        var cfg = EngineConfig()
        cfg.disabledCommands["config"] = .some("NOPERM this command is disabled on Memorystore")
        cfg.disabledCommands["keys"] = .some(nil)
        cfg.renamedCommands["flushall"] = "secret-flush"
        let c = TestClient(config: cfg)
        #expect(c.run("CONFIG", "GET", "x") == err("NOPERM this command is disabled on Memorystore"))
        #expect(c.run("KEYS", "*") == err("ERR unknown command 'KEYS', with args beginning with: '*' "))
        #expect(c.run("FLUSHALL") == err("ERR unknown command 'FLUSHALL', with args beginning with: "))
        #expect(c.run("secret-flush") == OK)
    }

    @Test func flushAndTime() {
        let c = TestClient()
        c.run("SET", "a", "1")
        #expect(c.run("FLUSHALL", "BAD") == err("ERR syntax error"))
        #expect(c.run("FLUSHALL", "ASYNC") == OK)
        #expect(c.run("DBSIZE") == int(0))
        #expect(c.run("TIME") == arr(bulk("1700000000"), bulk("0")))
        #expect(c.run("DEBUG", "SLEEP", "0") == err("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."))
    }
}
