import NIOCore
import RESP

/// CLIENT subcommands.
public enum ClientCommands {
    static func sub(_ name: String, _ arity: Int, _ flags: CommandFlags, _ summary: String, _ since: String,
                    _ h: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, categories: ["slow", "connection"], group: "connection",
                    summary: summary, since: since, handler: h)
    }

    public static var all: [CommandSpec] {
        let base: CommandFlags = [.noscript, .loading, .stale]
        return [
            CommandSpec.container("client", group: "connection", summary: "A container for client connection commands", since: "2.4.0", subcommands: [
                sub("id", 2, base, "Returns the client ID for the current connection", "5.0.0") { ctx in
                    ctx.out.integer(Int(ctx.session.id))
                },
                sub("setname", 3, base, "Set the current connection name", "2.6.9") { ctx in
                    if ConnectionCommands.setClientName(&ctx, Array(ctx.args[2])) { ctx.out.ok() }
                },
                sub("getname", 2, base, "Get the current connection name", "2.6.9") { ctx in
                    if let n = ctx.session.name { ctx.out.bulk(n) } else { ctx.out.null() }
                },
                sub("list", -2, base.union(.admin), "Get the list of client connections", "2.4.0", list),
                sub("info", 2, base, "Returns information about the current client connection.", "6.2.0") { ctx in
                    ctx.out.verbatim(describe(ctx.engine, ctx.session, now: ctx.now, current: ctx) + "\n")
                },
                sub("kill", -3, base.union(.admin), "Kill the connection of a client", "2.4.0", kill),
                sub("pause", -3, base.union(.admin), "Stop processing commands from clients for some time", "2.9.50", pause),
                sub("unpause", 2, base.union(.admin), "Resume processing of clients that were paused", "6.2.0") { ctx in
                    ctx.engine.pauseUntil = 0
                    for s in ctx.engine.sessions.values { s.resume?() }
                    ctx.out.ok()
                },
                sub("reply", 3, base, "Instruct the server whether to reply to commands", "3.2.0") { ctx in
                    if ctx.argIs(2, "ON") {
                        ctx.session.replyMode = .on
                        ctx.out.ok()
                    } else if ctx.argIs(2, "OFF") {
                        ctx.session.replyMode = .off
                    } else if ctx.argIs(2, "SKIP") {
                        if ctx.session.replyMode != .off { ctx.session.replyMode = .skipNext }
                    } else {
                        ctx.out.error(RedisError.syntax)
                    }
                },
                sub("no-evict", 3, base.union(.admin), "Set client eviction mode for the current connection", "7.0.0") { ctx in
                    if ctx.argIs(2, "ON") { ctx.session.noEvict = true; ctx.out.ok() } else if ctx.argIs(2, "OFF") { ctx.session.noEvict = false; ctx.out.ok() } else {
                        ctx.out.error(RedisError.syntax)
                    }
                },
                sub("unblock", -3, base.union(.admin), "Unblock a client blocked in a blocking command from a different connection", "5.0.0", unblock),
            ] + ClientTrackingCommands.subcommands(base) + [
                sub("help", 2, [.loading, .stale], "Show helpful text about the different subcommands", "5.0.0") { ctx in
                    KeyCommands.replyHelp(&ctx, "CLIENT", [
                        "CACHING (YES|NO)",
                        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                        "GETREDIR",
                        "    Return the client ID we are redirecting to when tracking is enabled.",
                        "GETNAME",
                        "    Return the name of the current connection.",
                        "ID",
                        "    Return the ID of the current connection.",
                        "INFO",
                        "    Return information about the current client connection.",
                        "KILL <ip:port>",
                        "    Kill connection made from <ip:port>.",
                        "KILL <option> <value> [<option> <value> [...]]",
                        "    Kill connections. Options are:",
                        "    * ADDR (<ip:port>|<unixsocket>:0)",
                        "      Kill connections made from the specified address",
                        "    * LADDR (<ip:port>|<unixsocket>:0)",
                        "      Kill connections made to specified local address",
                        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                        "      Kill connections by type.",
                        "    * USER <username>",
                        "      Kill connections authenticated by <username>.",
                        "    * SKIPME (YES|NO)",
                        "      Skip killing current connection (default: yes).",
                        "LIST [options ...]",
                        "    Return information about client connections. Options:",
                        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                        "      Return clients of specified type.",
                        "UNPAUSE",
                        "    Stop the current client pause, resuming traffic.",
                        "PAUSE <timeout> [WRITE|ALL]",
                        "    Suspend all, or just write, clients for <timeout> milliseconds.",
                        "REPLY (ON|OFF|SKIP)",
                        "    Control the replies sent to the current connection.",
                        "SETNAME <name>",
                        "    Assign the name <name> to the current connection.",
                        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                        "    Unblock the specified blocked client.",
                        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                        "         [OPTIN] [OPTOUT] [NOLOOP]",
                        "    Control server assisted client side caching.",
                        "TRACKINGINFO",
                        "    Report tracking status for the current connection.",
                        "NO-EVICT (ON|OFF)",
                        "    Protect current client connection from eviction.",
                    ])
                },
            ]),
        ]
    }

    /// One CLIENT LIST line (without the trailing newline).
    static func describe(_ e: Engine, _ s: ClientSession, now: Int64, current: CommandContext) -> String {
        var flags = ""
        if s.isMonitor { flags += "O" }
        if s.subscriptionCount + s.patternSubscriptionCount > 0 { flags += "P" }
        let multi = s.existingState(MultiState.self).map { $0.inMulti ? $0.queued.count : -1 } ?? s.multiCount
        if multi >= 0 { flags += "x" }
        if s.isBlocked { flags += "b" }
        let tracking = ClientTrackingCommands.listFields(s)
        flags += tracking.flags
        flags += s.extraFlags
        if s.closeAfterReply { flags += "c" }
        if s.noEvict { flags += "e" }
        if flags.isEmpty { flags = "N" }
        let age = (now - s.createdAt) / 1000
        let idle = (now - s.lastInteraction) / 1000
        let cmd = s === current.session ? (current.command?.fullName ?? s.lastCommand) : s.lastCommand
        // Redis trims the query buffer after the command ran: the caller's own line still counts it.
        let qbuf = s === current.session ? s.queryBufferLength + requestLength(current.args) : s.queryBufferLength
        // The caller's earlier replies were sent before it read this command; replies of this batch
        // sit in Redis's 16 KB static buffer (c->buf) first, which omem (the reply list) leaves out.
        let omem = s === current.session ? max(0, current.out.buffer.readableBytes - 16384) : s.outputBufferLength
        return "id=\(s.id) addr=\(s.remoteAddress) laddr=\(s.localAddress) fd=\(s.fd) name=\(s.name?.string ?? "") age=\(age) idle=\(idle) flags=\(flags) db=\(s.db) sub=\(s.subscriptionCount) psub=\(s.patternSubscriptionCount) ssub=0 multi=\(multi) qbuf=\(qbuf) qbuf-free=\(max(0, 20474 - qbuf)) argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=\(omem) tot-mem=\(16384 + qbuf + s.outputBufferLength) events=r cmd=\(cmd) user=\(s.user) redir=\(tracking.redirect) resp=\(s.protocolVersion.rawValue)"
    }

    /// Bytes of `args` as a RESP multibulk request.
    static func requestLength(_ args: Argv) -> Int {
        var n = 3 + String(args.count).utf8.count
        for i in 0..<args.count {
            let len = args[i].count
            n += 5 + String(len).utf8.count + len
        }
        return n
    }

    static func list(_ ctx: inout CommandContext) {
        var typeFilter: String?
        var ids: Set<Int64>?
        var j = 2
        while j < ctx.argc {
            if ctx.argIs(j, "TYPE") && j + 1 < ctx.argc {
                let t = ctx.args.string(j + 1).lowercased()
                guard ["normal", "master", "replica", "slave", "pubsub"].contains(t) else {
                    ctx.out.error("ERR Unknown client type '\(ctx.args.string(j + 1))'")
                    return
                }
                typeFilter = t
                j += 2
            } else if ctx.argIs(j, "ID") && j + 1 < ctx.argc {
                var set = Set<Int64>()
                j += 1
                while j < ctx.argc {
                    guard let id = ctx.int(j), id > 0 else {
                        ctx.out.error("ERR Invalid client ID")
                        return
                    }
                    set.insert(Int64(id))
                    j += 1
                }
                ids = set
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
        }
        var text = ""
        for s in ctx.engine.sessions.values.sorted(by: { $0.id < $1.id }) {
            if let ids, !ids.contains(s.id) { continue }
            if let t = typeFilter {
                let isPubSub = s.subscriptionCount + s.patternSubscriptionCount > 0
                if t == "pubsub" && !isPubSub { continue }
                if t == "normal" && isPubSub { continue }
                if t == "master" || t == "replica" || t == "slave" { continue }
            }
            text += describe(ctx.engine, s, now: ctx.now, current: ctx) + "\n"
        }
        ctx.out.verbatim(text)
    }

    static func kill(_ ctx: inout CommandContext) {
        if ctx.argc == 3 {
            let addr = ctx.args.string(2)
            guard let s = ctx.engine.sessions.values.first(where: { $0.remoteAddress == addr }) else {
                ctx.out.error("ERR No such client")
                return
            }
            killSession(&ctx, s)
            ctx.out.ok()
            return
        }
        var id: Int64?, addr: String?, laddr: String?, user: String?, type: String?
        var skipMe = true
        var j = 2
        while j < ctx.argc {
            guard j + 1 < ctx.argc else {
                ctx.out.error(RedisError.syntax)
                return
            }
            if ctx.argIs(j, "ID") {
                guard let v = ctx.int(j + 1), v > 0 else {
                    ctx.out.error("ERR client-id should be greater than 0")
                    return
                }
                id = Int64(v)
            } else if ctx.argIs(j, "ADDR") {
                addr = ctx.args.string(j + 1)
            } else if ctx.argIs(j, "LADDR") {
                laddr = ctx.args.string(j + 1)
            } else if ctx.argIs(j, "USER") {
                let name = ctx.args.string(j + 1)
                if let acl = ctx.engine.extensionOf(SessionStateExtension.self)?.acl, acl.users[name] == nil {
                    ctx.out.error("ERR No such user '\(name)'")
                    return
                }
                user = name
            } else if ctx.argIs(j, "TYPE") {
                let t = ctx.args.string(j + 1).lowercased()
                guard ["normal", "master", "replica", "slave", "pubsub"].contains(t) else {
                    ctx.out.error("ERR Unknown client type '\(ctx.args.string(j + 1))'")
                    return
                }
                type = t
            } else if ctx.argIs(j, "SKIPME") {
                if ctx.argIs(j + 1, "YES") { skipMe = true } else if ctx.argIs(j + 1, "NO") { skipMe = false } else {
                    ctx.out.error(RedisError.syntax)
                    return
                }
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 2
        }
        var killed = 0
        for s in ctx.engine.sessions.values.sorted(by: { $0.id < $1.id }) {
            if let id, s.id != id { continue }
            if let addr, s.remoteAddress != addr { continue }
            if let laddr, s.localAddress != laddr { continue }
            if let user, s.user != user { continue }
            if let t = type {
                let isPubSub = s.subscriptionCount + s.patternSubscriptionCount > 0
                if t == "pubsub" && !isPubSub { continue }
                if t == "normal" && isPubSub { continue }
                if t == "master" || t == "replica" || t == "slave" { continue }
            }
            if skipMe && s === ctx.session { continue }
            killSession(&ctx, s)
            killed += 1
        }
        ctx.out.integer(killed)
    }

    static func killSession(_ ctx: inout CommandContext, _ s: ClientSession) {
        if s === ctx.session {
            s.closeAfterReply = true
        } else {
            s.kill?()
        }
    }

    static func pause(_ ctx: inout CommandContext) {
        guard let ms = ctx.int(2) else {
            ctx.out.error("ERR timeout is not an integer or out of range")
            return
        }
        if ms < 0 {
            ctx.out.error("ERR timeout is negative")
            return
        }
        var writesOnly = false
        if ctx.argc == 4 {
            if ctx.argIs(3, "WRITE") { writesOnly = true } else if !ctx.argIs(3, "ALL") {
                ctx.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL")
                return
            }
        } else if ctx.argc > 4 {
            ctx.out.error(RedisError.syntax)
            return
        }
        // Redis's getTimeoutFromObjectOrReply: a deadline past LLONG_MAX is refused (found by FuzzCommands).
        if Int64(ms) > Int64.max - ctx.now {
            ctx.out.error("ERR timeout is out of range")
            return
        }
        let until = ctx.now + Int64(ms)
        if until > ctx.engine.pauseUntil || ctx.engine.pauseUntil == 0 {
            ctx.engine.pauseUntil = until
        }
        if ctx.engine.pauseUntil == until || !writesOnly { ctx.engine.pauseWritesOnly = writesOnly && (ctx.engine.pauseWritesOnly || ctx.engine.pauseUntil == until) }
        ctx.out.ok()
    }
}
