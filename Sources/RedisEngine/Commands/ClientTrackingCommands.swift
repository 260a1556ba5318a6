import NIOCore
import RESP

/// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (Redis 7.0's networking.c and tracking.c).
enum ClientTrackingCommands {
    static func subcommands(_ base: CommandFlags) -> [CommandSpec] {
        [
            ClientCommands.sub("tracking", -3, base, "Enable or disable server assisted client side caching support", "6.0.0", tracking),
            ClientCommands.sub("caching", 3, base, "Instruct the server about tracking or not keys in the next request", "6.0.0", caching),
            ClientCommands.sub("getredir", 2, base, "Get tracking notifications redirection client ID if any", "6.0.0") { ctx in
                let st = ctx.session.existingState(TrackingState.self)
                ctx.out.integer(Int(st.map { $0.on ? $0.redirect : -1 } ?? -1))
            },
            ClientCommands.sub("trackinginfo", 2, base, "Return information about server assisted client side caching for the current connection", "6.2.0", trackingInfo),
        ]
    }

    static func tracking(_ ctx: inout CommandContext) {
        var redirect: Int64 = 0
        var bcast = false, optin = false, optout = false, noloop = false
        var prefixes: [ByteString] = []
        var j = 3
        while j < ctx.argc {
            let more = ctx.argc - 1 - j
            if ctx.argIs(j, "REDIRECT") && more > 0 {
                j += 1
                if redirect != 0 {
                    ctx.out.error("ERR A client can only redirect to a single other client")
                    return
                }
                guard let id = ctx.int(j) else {
                    ctx.out.error(RedisError.notInteger)
                    return
                }
                guard ctx.engine.sessions[Int64(id)] != nil else {
                    ctx.out.error("ERR The client ID you want redirect to does not exist")
                    return
                }
                redirect = Int64(id)
            } else if ctx.argIs(j, "BCAST") {
                bcast = true
            } else if ctx.argIs(j, "OPTIN") {
                optin = true
            } else if ctx.argIs(j, "OPTOUT") {
                optout = true
            } else if ctx.argIs(j, "NOLOOP") {
                noloop = true
            } else if ctx.argIs(j, "PREFIX") && more > 0 {
                j += 1
                prefixes.append(ctx.key(j))
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 1
        }
        let session = ctx.session
        if ctx.argIs(2, "ON") {
            let current = session.existingState(TrackingState.self)
            let on = current?.on ?? false
            if !bcast && !prefixes.isEmpty {
                ctx.out.error("ERR PREFIX option requires BCAST mode to be enabled")
                return
            }
            if on && current?.bcast != bcast {
                ctx.out.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
                return
            }
            if bcast && (optin || optout) {
                ctx.out.error("ERR OPTIN and OPTOUT are not compatible with BCAST")
                return
            }
            if optin && optout {
                ctx.out.error("ERR You can't specify both OPTIN mode and OPTOUT mode")
                return
            }
            if on, let current, (optin && current.optout) || (optout && current.optin) {
                ctx.out.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
                return
            }
            if bcast, let message = prefixCollision(prefixes, existing: current?.prefixes ?? []) {
                ctx.out.error(message)
                return
            }
            let engine = ctx.engine
            let t = engine.tracking ?? ClientTracking(engine: engine)
            engine.tracking = t
            let st = session.state(TrackingState.self) { TrackingState() }
            t.enable(session, st, redirect: redirect, bcast: bcast, optin: optin, optout: optout, noloop: noloop, prefixes: prefixes)
        } else if ctx.argIs(2, "OFF") {
            ctx.engine.tracking?.disable(session)
        } else {
            ctx.out.error(RedisError.syntax)
            return
        }
        ctx.out.ok()
    }

    /// Redis's checkPrefixCollisionsOrReply: the error for the first prefix that overlaps one the
    /// client has or another one given, or nil.
    static func prefixCollision(_ prefixes: [ByteString], existing: [ByteString]) -> String? {
        for (i, p) in prefixes.enumerated() {
            for e in existing.sorted(by: ClientTracking.precedes) where ClientTracking.overlap(e, p) {
                return "ERR Prefix '\(p.string)' overlaps with an existing prefix '\(e.string)'. Prefixes for a single client must not overlap."
            }
            for q in prefixes[(i + 1)...] where ClientTracking.overlap(p, q) {
                return "ERR Prefix '\(p.string)' overlaps with another provided prefix '\(q.string)'. Prefixes for a single client must not overlap."
            }
        }
        return nil
    }

    static func caching(_ ctx: inout CommandContext) {
        guard let st = ctx.session.existingState(TrackingState.self), st.on else {
            ctx.out.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
            return
        }
        if ctx.argIs(2, "YES") {
            guard st.optin else {
                ctx.out.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
                return
            }
            st.caching = true
        } else if ctx.argIs(2, "NO") {
            guard st.optout else {
                ctx.out.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
                return
            }
            st.caching = true
        } else {
            ctx.out.error(RedisError.syntax)
            return
        }
        ctx.out.ok()
    }

    static func trackingInfo(_ ctx: inout CommandContext) {
        let st = ctx.session.existingState(TrackingState.self)
        let on = st?.on ?? false
        var flags = [on ? "on" : "off"]
        if let st {
            if st.bcast { flags.append("bcast") }
            if st.optin {
                flags.append("optin")
                if st.caching { flags.append("caching-yes") }
            }
            if st.optout {
                flags.append("optout")
                if st.caching { flags.append("caching-no") }
            }
            if st.noloop { flags.append("noloop") }
            if st.brokenRedirect { flags.append("broken_redirect") }
        }
        ctx.out.mapHeader(3)
        ctx.out.bulk("flags")
        ctx.out.setHeader(flags.count)
        for f in flags { ctx.out.bulk(f) }
        ctx.out.bulk("redirect")
        ctx.out.integer(on ? Int(st?.redirect ?? 0) : -1)
        ctx.out.bulk("prefixes")
        let prefixes = (st?.prefixes ?? []).sorted(by: ClientTracking.precedes)
        ctx.out.arrayHeader(prefixes.count)
        for p in prefixes { ctx.out.bulk(p) }
    }

    /// CLIENT LIST flags `t` (tracking), `R` (broken redirection), `B` (BCAST), and `redir=`.
    static func listFields(_ s: ClientSession) -> (flags: String, redirect: Int64) {
        guard let st = s.existingState(TrackingState.self), st.on else { return ("", -1) }
        var f = "t"
        if st.brokenRedirect { f += "R" }
        if st.bcast { f += "B" }
        return (f, st.redirect)
    }
}
