import NIOCore
import RESP

/// Connection commands: PING, ECHO, AUTH, HELLO, SELECT, QUIT, RESET.
public enum ConnectionCommands {
    /// The version HELLO and INFO report.
    public static let redisVersion = "7.0.15"

    public static var all: [CommandSpec] {
        [
            CommandSpec("ping", arity: -1, flags: [.fast, .allowedInSubscribe], categories: ["fast", "connection"],
                        group: "connection", summary: "Ping the server", since: "1.0.0", handler: ping),
            CommandSpec("echo", arity: 2, flags: [.fast], categories: ["fast", "connection"],
                        group: "connection", summary: "Echo the given string", since: "1.0.0") { ctx in
                ctx.out.bulk(ctx.args[1])
            },
            CommandSpec("auth", arity: -2, flags: [.noscript, .loading, .stale, .fast, .noAuth, .allowBusy],
                        categories: ["fast", "connection"], group: "connection",
                        summary: "Authenticate to the server", since: "1.0.0", handler: auth),
            CommandSpec("hello", arity: -1, flags: [.noscript, .loading, .stale, .fast, .noAuth, .allowBusy],
                        categories: ["fast", "connection"], group: "connection",
                        summary: "Handshake with Redis", since: "6.0.0", handler: hello),
            CommandSpec("select", arity: 2, flags: [.loading, .stale, .fast], categories: ["fast", "connection"],
                        group: "connection", summary: "Change the selected database for the current connection",
                        since: "1.0.0", handler: select),
            CommandSpec("quit", arity: -1, flags: [.allowBusy, .noscript, .loading, .stale, .fast, .noAuth, .allowedInSubscribe],
                        categories: ["fast", "connection"], group: "connection", summary: "Close the connection",
                        since: "1.0.0") { ctx in
                ctx.out.ok()
                ctx.session.closeAfterReply = true
            },
            CommandSpec("reset", arity: 1, flags: [.noscript, .loading, .stale, .fast, .noAuth, .allowBusy, .allowedInSubscribe],
                        categories: ["fast", "connection"], group: "connection", summary: "Reset the connection",
                        since: "6.2.0", handler: reset),
        ]
    }

    static func ping(_ ctx: inout CommandContext) {
        if ctx.argc > 2 {
            ctx.replyArity()
            return
        }
        if ctx.argc == 1 { ctx.out.simple("PONG") } else { ctx.out.bulk(ctx.args[1]) }
    }

    static func auth(_ ctx: inout CommandContext) {
        if ctx.argc > 3 {
            ctx.out.error(RedisError.syntax)
            return
        }
        let user = ctx.argc == 3 ? ctx.args.string(1) : "default"
        let password = Array(ctx.args[ctx.argc - 1])
        if ctx.argc == 2 {
            // acl.c: AUTH <password> is an error while the default user is `nopass`.
            let noPass: Bool
            if ctx.engine.authenticator != nil, let acl = SessionStateExtension.of(ctx.engine)?.acl {
                noPass = acl.user("default", engine: ctx.engine)?.noPass ?? false
            } else {
                noPass = !ctx.engine.config.passwordRequired && ctx.engine.authenticator == nil
            }
            if noPass {
                ctx.out.error(RedisError.authNotConfigured)
                return
            }
        }
        if ctx.engine.authenticate(user: user, password: password, session: ctx.session) {
            ctx.out.ok()
        } else {
            SessionStateExtension.of(ctx.engine)?.logAuthFailure(&ctx, user: user)
            ctx.out.error(RedisError.wrongPass)
        }
    }

    static func hello(_ ctx: inout CommandContext) {
        var version: Int?
        var next = 1
        if ctx.argc >= 2 {
            guard let v = ctx.int(1) else {
                ctx.out.error("ERR Protocol version is not an integer or out of range")
                return
            }
            if v < 2 || v > 3 {
                ctx.out.error(RedisError.noProto)
                return
            }
            version = v
            next = 2
        }
        var user: String?
        var password: [UInt8]?
        var clientName: [UInt8]?
        var j = next
        while j < ctx.argc {
            let more = ctx.argc - 1 - j
            if ctx.argIs(j, "AUTH") && more >= 2 {
                user = ctx.args.string(j + 1)
                password = Array(ctx.args[j + 2])
                j += 3
            } else if ctx.argIs(j, "SETNAME") && more >= 1 {
                clientName = Array(ctx.args[j + 1])
                j += 2
            } else {
                ctx.out.error("ERR Syntax error in HELLO option '\(ctx.args.string(j))'")
                return
            }
        }
        if let u = user, let p = password {
            if !ctx.engine.authenticate(user: u, password: p, session: ctx.session) {
                SessionStateExtension.of(ctx.engine)?.logAuthFailure(&ctx, user: u)
                ctx.out.error(RedisError.wrongPass)
                return
            }
        }
        if !ctx.session.authenticated {
            ctx.out.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
            return
        }
        if let n = clientName {
            guard setClientName(&ctx, n) else { return }
        }
        if let v = version {
            ctx.session.protocolVersion = v == 3 ? .resp3 : .resp2
            ctx.out.version = ctx.session.protocolVersion
        }
        ctx.out.mapHeader(7)
        ctx.out.bulk("server"); ctx.out.bulk("redis")
        ctx.out.bulk("version"); ctx.out.bulk(redisVersion)
        ctx.out.bulk("proto"); ctx.out.integer(ctx.session.protocolVersion.rawValue)
        ctx.out.bulk("id"); ctx.out.integer(Int(ctx.session.id))
        ctx.out.bulk("mode"); ctx.out.bulk(ctx.engine.clusterNode != nil ? "cluster" : "standalone")
        ctx.out.bulk("role"); ctx.out.bulk("master")
        ctx.out.bulk("modules"); ctx.out.arrayHeader(0)
    }

    /// Validates and sets a client name (CLIENT SETNAME, HELLO SETNAME); replies with the error when invalid.
    static func setClientName(_ ctx: inout CommandContext, _ name: [UInt8]) -> Bool {
        for c in name where c < 33 || c > 126 {
            ctx.out.error("ERR Client names cannot contain spaces, newlines or special characters.")
            return false
        }
        ctx.session.name = name.isEmpty ? nil : ByteString(name)
        return true
    }

    static func select(_ ctx: inout CommandContext) {
        guard let n = ctx.rangeIntOrReply(1, Int(Int32.min), Int(Int32.max)) else { return }
        if n != 0 && ctx.engine.clusterNode != nil {
            ctx.out.error(RedisError.selectNotAllowed)
            return
        }
        if n < 0 || n >= ctx.engine.databases.count {
            ctx.out.error(RedisError.dbIndexOutOfRange)
            return
        }
        ctx.session.db = n
        ctx.out.ok()
    }

    static func reset(_ ctx: inout CommandContext) {
        let s = ctx.session
        for e in ctx.engine.extensions { e.sessionReset(s) }
        if s.isMonitor {
            s.isMonitor = false
            ctx.engine.monitors.removeAll { $0 === s }
        }
        s.db = 0
        s.protocolVersion = .resp2
        ctx.out.version = .resp2
        s.name = nil
        s.replyMode = .on
        s.user = "default"
        s.authenticated = !ctx.engine.config.passwordRequired
        ctx.out.simple("RESET")
    }
}

extension Engine {
    /// Checks a user name and password, marking the session authenticated on success.
    /// Uses `authenticator` when set (ACL), otherwise the default user with `requirepass`.
    public func authenticate(user: String, password: [UInt8], session: ClientSession) -> Bool {
        if let a = authenticator {
            if a(user, password) {
                session.authenticated = true
                session.user = user
                return true
            }
            return false
        }
        guard user == "default" else { return false }
        if !config.passwordRequired {
            session.authenticated = true
            return true
        }
        let expected = Array((config.requirePass?.value ?? "").utf8)
        if constantTimeEquals(expected, password) {
            session.authenticated = true
            session.user = "default"
            return true
        }
        return false
    }
}

/// Compares two byte strings in time independent of where they differ.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var diff = UInt8(a.count == b.count ? 0 : 1)
    let n = max(a.count, b.count)
    for i in 0..<n {
        let x = i < a.count ? a[i] : 0
        let y = i < b.count ? b[i] : 0
        diff |= x ^ y
    }
    return diff == 0
}
