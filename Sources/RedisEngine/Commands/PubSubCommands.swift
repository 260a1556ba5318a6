import NIOCore
import RESP

/// Channel and pattern subscriptions of every client (pubsub.c).
final class PubSubRegistry {
    var channels: [ByteString: [ClientSession]] = [:]
    var patterns: [ByteString: [ClientSession]] = [:]
    /// Pattern subscription order (for deterministic pmessage delivery).
    var patternOrder: [ByteString] = []
    var shardChannels: [ByteString: [ClientSession]] = [:]
    /// The client whose command emits keyspace events right now (its messages go inline, see `notifyDelivering`).
    var inlineSession: ClientSession?
    var inlinePending = ByteBuffer()

    func removeAll(_ session: ClientSession, _ st: SubscriberState) {
        for c in st.channels { remove(&channels, c, session) }
        for p in st.patterns {
            remove(&patterns, p, session)
            if patterns[p] == nil { patternOrder.removeAll { $0 == p } }
        }
        for c in st.shardChannels { remove(&shardChannels, c, session) }
        st.channels.removeAll(); st.channelSet.removeAll()
        st.patterns.removeAll(); st.patternSet.removeAll()
        st.shardChannels.removeAll(); st.shardSet.removeAll()
        st.syncCounts(session)
    }

    func remove(_ table: inout [ByteString: [ClientSession]], _ name: ByteString, _ session: ClientSession) {
        if var list = table[name] {
            list.removeAll { $0 === session }
            table[name] = list.isEmpty ? nil : list
        }
    }
}

/// SUBSCRIBE … PUBSUB, SPUBLISH/SSUBSCRIBE/SUNSUBSCRIBE, and keyspace notification delivery.
public enum PubSubCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("subscribe", group: "pubsub", since: "2.0.0", summary: "Listen for messages published to the given channels") { subscribe(&$0, kind: .channel) },
            CatalogSpec.make("psubscribe", group: "pubsub", since: "2.0.0", summary: "Listen for messages published to channels matching the given patterns") { subscribe(&$0, kind: .pattern) },
            CatalogSpec.make("ssubscribe", group: "pubsub", since: "7.0.0", summary: "Listen for messages published to the given shard channels") { subscribe(&$0, kind: .shard) },
            CatalogSpec.make("unsubscribe", group: "pubsub", since: "2.0.0", summary: "Stop listening for messages posted to the given channels") { unsubscribe(&$0, kind: .channel) },
            CatalogSpec.make("punsubscribe", group: "pubsub", since: "2.0.0", summary: "Stop listening for messages posted to channels matching the given patterns") { unsubscribe(&$0, kind: .pattern) },
            CatalogSpec.make("sunsubscribe", group: "pubsub", since: "7.0.0", summary: "Stop listening for messages posted to the given shard channels") { unsubscribe(&$0, kind: .shard) },
            CatalogSpec.make("publish", group: "pubsub", since: "2.0.0", summary: "Post a message to a channel", extraFlags: [.mayReplicate]) { publish(&$0, shard: false) },
            CatalogSpec.make("spublish", group: "pubsub", since: "7.0.0", summary: "Post a message to a shard channel", extraFlags: [.mayReplicate]) { publish(&$0, shard: true) },
            CommandSpec.container("pubsub", group: "pubsub", summary: "A container for Pub/Sub commands", since: "2.8.0", subcommands: [
                CatalogSpec.make("pubsub|channels", group: "pubsub", since: "2.8.0", summary: "List active channels") { channels(&$0, shard: false) },
                CatalogSpec.make("pubsub|shardchannels", group: "pubsub", since: "7.0.0", summary: "List active shard channels") { channels(&$0, shard: true) },
                CatalogSpec.make("pubsub|numsub", group: "pubsub", since: "2.8.0", summary: "Get the count of subscribers for channels") { numsub(&$0, shard: false) },
                CatalogSpec.make("pubsub|shardnumsub", group: "pubsub", since: "7.0.0", summary: "Get the count of subscribers for shard channels") { numsub(&$0, shard: true) },
                CatalogSpec.make("pubsub|numpat", group: "pubsub", since: "2.8.0", summary: "Get the count of unique patterns pattern subscriptions", numpat),
                CatalogSpec.make("pubsub|help", group: "pubsub", since: "6.2.0", summary: "Show helpful text about the different subcommands", help),
            ]),
        ]
    }

    enum Kind { case channel, pattern, shard }

    static func names(_ kind: Kind, unsubscribe: Bool) -> StaticString {
        switch (kind, unsubscribe) {
        case (.channel, false): return "subscribe"
        case (.pattern, false): return "psubscribe"
        case (.shard, false): return "ssubscribe"
        case (.channel, true): return "unsubscribe"
        case (.pattern, true): return "punsubscribe"
        case (.shard, true): return "sunsubscribe"
        }
    }

    /// Writes `[kind, name, count]` as a push (RESP3) or array (RESP2).
    static func writeAck(_ out: inout ReplyWriter, _ kind: StaticString, _ name: ByteString?, _ count: Int) {
        out.pushHeader(3)
        out.bulk(kind.description)
        if let name { out.bulk(name) } else { out.null() }
        out.integer(count)
    }

    static func subscribe(_ ctx: inout CommandContext, kind: Kind) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return }
        let st = ext.subscriberState(ctx.session)
        let reg = ext.pubsub
        for i in 1..<ctx.argc {
            let name = ctx.arg(i)
            switch kind {
            case .channel:
                if st.channelSet.insert(name).inserted {
                    st.channels.append(name)
                    reg.channels[name, default: []].append(ctx.session)
                }
                writeAck(&ctx.out, "subscribe", name, st.count)
            case .pattern:
                if st.patternSet.insert(name).inserted {
                    st.patterns.append(name)
                    if reg.patterns[name] == nil { reg.patternOrder.append(name) }
                    reg.patterns[name, default: []].append(ctx.session)
                }
                writeAck(&ctx.out, "psubscribe", name, st.count)
            case .shard:
                if st.shardSet.insert(name).inserted {
                    st.shardChannels.append(name)
                    reg.shardChannels[name, default: []].append(ctx.session)
                }
                writeAck(&ctx.out, "ssubscribe", name, st.shardChannels.count)
            }
        }
        st.syncCounts(ctx.session)
    }

    static func unsubscribe(_ ctx: inout CommandContext, kind: Kind) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return }
        let st = ext.subscriberState(ctx.session)
        let reg = ext.pubsub
        let ackName = names(kind, unsubscribe: true)
        var targets: [ByteString] = []
        if ctx.argc > 1 {
            for i in 1..<ctx.argc { targets.append(ctx.arg(i)) }
        } else {
            switch kind {
            case .channel: targets = st.channels
            case .pattern: targets = st.patterns
            case .shard: targets = st.shardChannels
            }
            if targets.isEmpty {
                writeAck(&ctx.out, ackName, nil, kind == .shard ? st.shardChannels.count : st.count)
                return
            }
        }
        for name in targets {
            switch kind {
            case .channel:
                if st.channelSet.remove(name) != nil {
                    st.channels.removeAll { $0 == name }
                    reg.remove(&reg.channels, name, ctx.session)
                }
            case .pattern:
                if st.patternSet.remove(name) != nil {
                    st.patterns.removeAll { $0 == name }
                    reg.remove(&reg.patterns, name, ctx.session)
                    if reg.patterns[name] == nil { reg.patternOrder.removeAll { $0 == name } }
                }
            case .shard:
                if st.shardSet.remove(name) != nil {
                    st.shardChannels.removeAll { $0 == name }
                    reg.remove(&reg.shardChannels, name, ctx.session)
                }
            }
            writeAck(&ctx.out, ackName, name, kind == .shard ? st.shardChannels.count : st.count)
        }
        st.syncCounts(ctx.session)
    }

    /// Encodes a message push for `version`.
    static func message(_ version: RESPVersion, pattern: ByteString?, channel: ByteString, payload: ArraySlice<UInt8>, shard: Bool) -> ByteBuffer {
        var w = ReplyWriter(buffer: ByteBufferAllocator().buffer(capacity: 48 + channel.count + payload.count), version: version)
        if let pattern {
            w.pushHeader(4)
            w.buffer.writeStaticString("$8\r\npmessage\r\n")
            w.bulk(pattern)
        } else {
            w.pushHeader(3)
            if shard { w.buffer.writeStaticString("$8\r\nsmessage\r\n") } else { w.buffer.writeStaticString("$7\r\nmessage\r\n") }
        }
        w.bulk(channel)
        w.bulk(payload)
        return w.buffer
    }

    static func publish(_ ctx: inout CommandContext, shard: Bool) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { ctx.out.integer(0); return }
        let n = deliver(ext, channel: ctx.arg(1), payload: ctx.args[2], shard: shard, current: &ctx)
        ctx.out.integer(n)
    }

    /// Delivers a message to channel and pattern subscribers; returns the receiver count.
    @discardableResult
    static func deliver(_ ext: SessionStateExtension, channel: ByteString, payload: ArraySlice<UInt8>, shard: Bool,
                        current: inout CommandContext) -> Int {
        let reg = ext.pubsub
        var receivers = 0
        var resp2: ByteBuffer? = nil
        var resp3: ByteBuffer? = nil
        if let subs = shard ? reg.shardChannels[channel] : reg.channels[channel] {
            for s in subs {
                let buf: ByteBuffer
                if s.protocolVersion == .resp3 {
                    if resp3 == nil { resp3 = message(.resp3, pattern: nil, channel: channel, payload: payload, shard: shard) }
                    buf = resp3!
                } else {
                    if resp2 == nil { resp2 = message(.resp2, pattern: nil, channel: channel, payload: payload, shard: shard) }
                    buf = resp2!
                }
                current.deliver(buf, to: s)
                receivers += 1
            }
        }
        if shard || reg.patternOrder.isEmpty { return receivers }
        for p in reg.patternOrder {
            let matched = p.withBytes { pp in channel.withBytes { cc in
                RedisGlob.matches(pp.bindMemory(to: UInt8.self), cc.bindMemory(to: UInt8.self), noCase: false) } }
            guard matched, let subs = reg.patterns[p] else { continue }
            var pm2: ByteBuffer? = nil
            var pm3: ByteBuffer? = nil
            for s in subs {
                let buf: ByteBuffer
                if s.protocolVersion == .resp3 {
                    if pm3 == nil { pm3 = message(.resp3, pattern: p, channel: channel, payload: payload, shard: false) }
                    buf = pm3!
                } else {
                    if pm2 == nil { pm2 = message(.resp2, pattern: p, channel: channel, payload: payload, shard: false) }
                    buf = pm2!
                }
                current.deliver(buf, to: s)
                receivers += 1
            }
        }
        return receivers
    }

    static func channels(_ ctx: inout CommandContext, shard: Bool) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { ctx.out.emptyArray(); return }
        if ctx.argc > 3 { ctx.replyArity(); return }
        let pattern: [UInt8]? = ctx.argc == 3 ? Array(ctx.args[2]) : nil
        let table = shard ? ext.pubsub.shardChannels : ext.pubsub.channels
        var out: [ByteString] = []
        for name in table.keys {
            if let pattern, !RedisGlob.matches(pattern, name.array) { continue }
            out.append(name)
        }
        out.sort()
        ctx.out.arrayHeader(out.count)
        for n in out { ctx.out.bulk(n) }
    }

    static func numsub(_ ctx: inout CommandContext, shard: Bool) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { ctx.out.emptyArray(); return }
        let n = ctx.argc - 2
        ctx.out.mapHeader(n)
        for i in 2..<ctx.argc {
            let name = ctx.arg(i)
            ctx.out.bulk(name)
            ctx.out.integer((shard ? ext.pubsub.shardChannels[name] : ext.pubsub.channels[name])?.count ?? 0)
        }
    }

    static func numpat(_ ctx: inout CommandContext) {
        ctx.out.integer(SessionStateExtension.of(ctx.engine)?.pubsub.patterns.count ?? 0)
    }

    static func help(_ ctx: inout CommandContext) {
        let lines = [
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
            "HELP",
            "    Prints this help.",
        ]
        ctx.out.arrayHeader(lines.count)
        for l in lines { ctx.out.simple(l) }
    }
}

extension SessionStateExtension {
    /// Publishes `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` as configured.
    func publishKeyspaceEvent(_ engine: Engine, event: String, key: ByteString, db: Int) {
        let flags = engine.config.notifyKeyspaceEvents
        if pubsub.channels.isEmpty && pubsub.patternOrder.isEmpty { return }
        if flags.contains(.keyspace) {
            var ch = Array("__keyspace@\(db)__:".utf8)
            key.withBytes { ch.append(contentsOf: $0) }
            deliverDetached(channel: ByteString(ch), payload: Array(event.utf8)[...])
        }
        if flags.contains(.keyevent) {
            let ch = ByteString("__keyevent@\(db)__:\(event)")
            deliverDetached(channel: ch, payload: key.array[...])
        }
    }

    private func deliverDetached(channel: ByteString, payload: ArraySlice<UInt8>) {
        // Deliver through each subscriber's connection (never inline into an unrelated reply).
        let reg = pubsub
        var targets: [(ClientSession, ByteString?)] = []
        for s in reg.channels[channel] ?? [] { targets.append((s, nil)) }
        for p in reg.patternOrder where RedisGlob.matches(p.array, channel.array) {
            for s in reg.patterns[p] ?? [] { targets.append((s, p)) }
        }
        for (s, p) in targets {
            var msg = PubSubCommands.message(s.protocolVersion, pattern: p, channel: channel, payload: payload, shard: false)
            if s === reg.inlineSession {
                reg.inlinePending.writeBuffer(&msg)
            } else {
                s.deliver?(msg)
            }
        }
    }
}

extension CommandContext {
    /// `notify` when notifications are enabled: publishes the event; messages for the running client are
    /// written into `out` before the command's reply (Redis pushes them during the command).
    @usableFromInline mutating func notifyDelivering(_ type: KeyspaceEventType, _ event: StaticString, _ key: ByteString, db: Int) {
        guard let ext = SessionStateExtension.of(engine) else {
            engine.notifyKeyspaceEvent(type, event, key: key, db: db)
            return
        }
        let reg = ext.pubsub
        let saved = reg.inlineSession
        reg.inlineSession = session
        engine.notifyKeyspaceEvent(type, event, key: key, db: db)
        reg.inlineSession = saved
        if reg.inlinePending.readableBytes > 0 {
            out.buffer.writeBuffer(&reg.inlinePending)
            reg.inlinePending.clear()
        }
    }
}
