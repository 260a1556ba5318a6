#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import RESP

/// One client's CLIENT TRACKING settings (Redis's CLIENT_TRACKING* flags).
final class TrackingState {
    var on = false
    var bcast = false
    var optin = false
    var optout = false
    var noloop = false
    /// CLIENT CACHING yes/no was given for the next command.
    var caching = false
    var brokenRedirect = false
    /// Client id invalidations go to (0 = this connection).
    var redirect: Int64 = 0
    /// BCAST prefixes of this client.
    var prefixes: [ByteString] = []
}

/// Server-assisted client-side caching (Redis 7.0's tracking.c): the table of keys each client
/// read, BCAST prefixes, and the invalidation messages — RESP3 `invalidate` pushes, or
/// `__redis__:invalidate` messages to a RESP2 connection subscribed to anything (REDIRECT).
///
/// Like Redis, keys are tracked by name across databases; a client that turns tracking off stays
/// in the table (its entries are skipped and dropped when the key changes); invalidations meant for
/// the client whose command is running are sent after that command's reply; BCAST invalidations
/// are collected per prefix and sent once the command (or the cron's expiry cycle) is over, keys
/// sorted, one message per prefix.
@usableFromInline
final class ClientTracking {
    unowned let engine: Engine
    /// Clients with tracking on (INFO `tracking_clients`).
    var clients = 0
    /// Key → ids of the clients that read it (in the order they did).
    var table: [ByteString: [Int64]] = [:]
    /// Sum of the id lists (INFO `tracking_total_items`).
    var totalItems = 0
    /// BCAST prefix → keys modified since the last broadcast (with the modifying client id, 0 = the
    /// server: expiry, eviction) and the subscribed clients.
    var prefixTable: [ByteString: BroadcastState] = [:]
    var broadcastPending = false
    /// Invalidations for a client whose command is running (nil key = flush), sent after its reply.
    var pending: [(ClientSession, ByteString?)] = []
    /// Nesting depth of `Engine.call`, and the session of the innermost call (a script's own client).
    var callDepth = 0
    /// While the engine evicts before running a command (outside any call), the running client's reply
    /// buffer: its invalidations go there, before the reply, as in Redis (delivering them through the
    /// transport would touch the buffer the command is about to write to).
    var inlineOutput: UnsafeMutablePointer<ByteBuffer>?
    var callSession: ClientSession?
    /// Set while expiry or eviction deletes keys: BCAST NOLOOP does not filter them.
    var serverModification = false
    /// The script command (EVAL, FCALL...) running now: its keys are tracked when it reads.
    var scriptCall: (Argv, CommandSpec)?

    final class BroadcastState {
        var keys: [ByteString: Int64] = [:]
        var clients: [ClientSession] = []
    }

    init(engine: Engine) { self.engine = engine }

    static let scriptCommands: Set<String> = ["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]

    // MARK: CLIENT TRACKING / CACHING

    func enable(_ s: ClientSession, _ st: TrackingState, redirect: Int64, bcast: Bool, optin: Bool, optout: Bool,
                noloop: Bool, prefixes: [ByteString]) {
        if !st.on { clients += 1 }
        st.on = true
        st.brokenRedirect = false
        st.bcast = false
        st.optin = false
        st.optout = false
        st.noloop = false
        st.redirect = redirect
        if bcast {
            st.bcast = true
            for p in prefixes.isEmpty ? [ByteString.empty] : prefixes where !st.prefixes.contains(p) {
                st.prefixes.append(p)
                let bs = prefixTable[p] ?? BroadcastState()
                prefixTable[p] = bs
                if !bs.clients.contains(where: { $0 === s }) { bs.clients.append(s) }
            }
        }
        st.optin = optin
        st.optout = optout
        st.noloop = noloop
    }

    func disable(_ s: ClientSession) {
        guard let st = s.existingState(TrackingState.self), st.on else { return }
        if st.bcast {
            for p in st.prefixes {
                guard let bs = prefixTable[p] else { continue }
                bs.clients.removeAll { $0 === s }
                if bs.clients.isEmpty { prefixTable[p] = nil }
            }
            st.prefixes.removeAll()
        }
        clients -= 1
        st.on = false
        st.brokenRedirect = false
        st.bcast = false
        st.optin = false
        st.optout = false
        st.caching = false
        st.noloop = false
    }

    /// The client disconnected or sent RESET.
    func sessionGone(_ s: ClientSession) {
        disable(s)
        pending.removeAll { $0.0 === s }
    }

    // MARK: remembering keys

    /// After `Engine.call` ran `cmd` for `ctx.session`: read-only commands remember their keys for
    /// the client; inside a script, the script's own keys are remembered for its caller.
    func afterCall(_ ctx: inout CommandContext, _ cmd: CommandSpec) {
        if clients == 0 || !cmd.flags.contains(.readonly) { return }
        if ctx.session.isInternal {
            if let caller = engine.currentClient, let (args, spec) = scriptCall { remember(caller, args, spec) }
            return
        }
        if Self.scriptCommands.contains(cmd.name) { return }   // EVAL_RO & co: only what the script reads
        remember(ctx.session, ctx.args, cmd)
    }

    func remember(_ s: ClientSession, _ args: Argv, _ cmd: CommandSpec) {
        guard let st = s.existingState(TrackingState.self), st.on, !st.bcast else { return }
        if (st.optin && !st.caching) || (st.optout && st.caching) { return }
        if cmd.flags.contains(.pubsub) { return }
        guard let refs = KeySpecs.keys(cmd.fullName, args), !refs.isEmpty else { return }
        for r in refs where r.pos < args.count {
            let key = ByteString(args[r.pos])
            if var ids = table[key] {
                if !ids.contains(s.id) {
                    ids.append(s.id)
                    table[key] = ids
                    totalItems += 1
                }
            } else {
                table[key] = [s.id]
                totalItems += 1
            }
        }
    }

    // MARK: invalidation

    /// Redis's trackingInvalidateKey: `key` was modified, deleted, expired or evicted.
    @usableFromInline func keyModified(_ key: ByteString) {
        if !prefixTable.isEmpty { rememberForBroadcast(key) }
        guard let ids = table.removeValue(forKey: key) else { return }
        totalItems -= ids.count
        invalidate(key, ids)
    }

    private func invalidate(_ key: ByteString, _ ids: [Int64]) {
        let current = engine.currentClient
        for id in ids {
            guard let target = engine.sessions[id], let st = target.existingState(TrackingState.self),
                  st.on, !st.bcast else { continue }
            if st.noloop && target === current { continue }
            if target === current && callDepth > 0 {
                pending.append((target, key))
            } else {
                send(target, st, keys: [key], inline: inlineOutput)
            }
        }
    }

    private func rememberForBroadcast(_ key: ByteString) {
        let modifier = serverModification ? 0 : (callSession?.id ?? 0)
        for (prefix, bs) in prefixTable where hasPrefix(key, prefix) {
            bs.keys[key] = modifier
            broadcastPending = true
        }
    }

    /// FLUSHALL / FLUSHDB: every tracking client gets a null invalidation; the table is emptied.
    func flushed() {
        if clients > 0 {
            let current = engine.currentClient
            for s in engine.sessions.values.sorted(by: { $0.id < $1.id }) {
                guard let st = s.existingState(TrackingState.self), st.on else { continue }
                if s === current { pending.append((s, nil)) } else { send(s, st, keys: nil) }
            }
        }
        table.removeAll()
        totalItems = 0
    }

    // MARK: sending

    /// Sends an invalidation for `keys` (nil = flush: a null) to `s` or its redirection target.
    /// `inline` receives what goes to the client whose command just ended (after its reply).
    private func send(_ s: ClientSession, _ st: TrackingState, keys: [ByteString]?, inline: UnsafeMutablePointer<ByteBuffer>? = nil) {
        var dest = s
        var redirected = false
        if st.redirect != 0 {
            guard let r = engine.sessions[st.redirect] else {
                st.brokenRedirect = true
                if s.protocolVersion == .resp3 {
                    var b = ByteBufferAllocator().buffer(capacity: 48)
                    b.writeString(">2\r\n$21\r\ntracking-redir-broken\r\n:\(st.redirect)\r\n")
                    write(b, to: s, inline: inline)
                }
                return
            }
            dest = r
            redirected = true
        }
        var b = ByteBufferAllocator().buffer(capacity: 64)
        if dest.protocolVersion == .resp3 {
            b.writeString(">2\r\n$10\r\ninvalidate\r\n")
        } else if redirected, (dest.existingState(SubscriberState.self)?.total ?? 0) > 0 {
            b.writeString("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n")
        } else {
            return   // RESP2 without redirection: nowhere to send it
        }
        if let keys {
            b.writeString("*\(keys.count)\r\n")
            for k in keys {
                b.writeString("$\(k.count)\r\n")
                _ = k.withBytes { b.writeBytes($0) }
                b.writeString("\r\n")
            }
        } else {
            b.writeString(s.protocolVersion == .resp3 ? "_\r\n" : "$-1\r\n")   // the tracking client's null
        }
        write(b, to: dest, inline: inline)
    }

    private func write(_ b: ByteBuffer, to dest: ClientSession, inline: UnsafeMutablePointer<ByteBuffer>?) {
        if let inline, dest === engine.currentClient {
            var b = b
            inline.pointee.writeBuffer(&b)
        } else {
            dest.deliver?(b)
        }
    }

    // MARK: after a command, cron

    /// After a top-level command: its pending invalidations (after the reply, into `out`), the
    /// BCAST messages, the tracking-table-max-keys limit, and the one-command CLIENT CACHING flag.
    func afterTopLevel(_ session: ClientSession, _ out: inout ByteBuffer, commandName: ArraySlice<UInt8>) {
        withUnsafeMutablePointer(to: &out) { p in
            flushPending(for: session, inline: p)
            if broadcastPending { broadcast(inline: p) }
        }
        limitTableSize()
        if let st = session.existingState(TrackingState.self), st.caching,
           !(session.existingState(MultiState.self)?.inMulti ?? false),
           !(commandName.count == 6 && String(decoding: commandName, as: UTF8.self).lowercased() == "client") {
            st.caching = false
        }
    }

    /// Sends what is pending for `session` (after its reply): into `inline`, or delivered.
    func flushPending(for session: ClientSession, inline: UnsafeMutablePointer<ByteBuffer>? = nil) {
        if pending.isEmpty { return }
        var rest: [(ClientSession, ByteString?)] = []
        let mine = pending.filter { entry in
            if entry.0 === session { return true }
            rest.append(entry)
            return false
        }
        pending = rest
        guard let st = session.existingState(TrackingState.self) else { return }
        for (_, key) in mine { send(session, st, keys: key.map { [$0] }, inline: inline) }
    }

    /// Redis's trackingBroadcastInvalidationMessages.
    func broadcast(inline: UnsafeMutablePointer<ByteBuffer>? = nil) {
        broadcastPending = false
        for prefix in prefixTable.keys.sorted(by: Self.precedes) {   // Redis walks its prefix radix tree
            guard let bs = prefixTable[prefix], !bs.keys.isEmpty else { continue }
            let sorted = bs.keys.keys.sorted(by: Self.precedes)
            for c in bs.clients {
                guard let st = c.existingState(TrackingState.self), st.on else { continue }
                if st.noloop {
                    let mine = sorted.filter { bs.keys[$0] != c.id }
                    if !mine.isEmpty { send(c, st, keys: mine, inline: inline) }
                } else {
                    send(c, st, keys: sorted, inline: inline)
                }
            }
            bs.keys.removeAll()
        }
    }

    /// tracking-table-max-keys: invalidates keys until the table is back under the limit.
    func limitTableSize() {
        guard !table.isEmpty, let max = Int(engine.config.extra["tracking-table-max-keys"] ?? "1000000"),
              max > 0, table.count > max else { return }
        // Like Redis's beforeSleep: no client is running, so NOLOOP does not hold these back.
        let outer = engine.currentClient
        engine.currentClient = nil
        defer { engine.currentClient = outer }
        var rounds = 0
        while table.count > max && rounds < 10_000_000 {
            rounds += 1
            guard let key = table.keys.first, let ids = table.removeValue(forKey: key) else { break }
            totalItems -= ids.count
            invalidate(key, ids)
        }
    }

    /// After the cron's expiry cycle.
    func cron() {
        if broadcastPending { broadcast() }
        limitTableSize()
    }

    // MARK: helpers

    private func hasPrefix(_ key: ByteString, _ prefix: ByteString) -> Bool {
        let n = prefix.count
        if n == 0 { return true }
        if n > key.count { return false }
        return key.withBytes { k in prefix.withBytes { p in memcmp(k.baseAddress!, p.baseAddress!, n) == 0 } }
    }

    static func precedes(_ a: ByteString, _ b: ByteString) -> Bool {
        a.withBytes { pa in b.withBytes { pb in pa.lexicographicallyPrecedes(pb) } }
    }

    /// Redis's stringCheckPrefix: one is a prefix of the other.
    static func overlap(_ a: ByteString, _ b: ByteString) -> Bool {
        let n = min(a.count, b.count)
        if n == 0 { return true }
        return a.withBytes { pa in b.withBytes { pb in memcmp(pa.baseAddress!, pb.baseAddress!, n) == 0 } }
    }
}
