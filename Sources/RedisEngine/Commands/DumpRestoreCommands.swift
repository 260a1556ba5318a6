/// DUMP and RESTORE: values serialized with Redis 7.0's RDB encoding and DUMP footer, so payloads
/// move between infera and redis-server in both directions.
public enum DumpRestoreCommands {
    public static var all: [CommandSpec] {
        [
            CommandSpec("dump", arity: 2, flags: [.readonly], keys: (1, 1, 1), categories: ["keyspace", "read", "slow"], group: "generic",
                        summary: "Return a serialized version of the value stored at the specified key.", since: "2.6.0", handler: dump),
            CommandSpec("restore", arity: -4, flags: [.write, .denyOOM], keys: (1, 1, 1), categories: ["keyspace", "write", "slow", "dangerous"],
                        group: "generic", summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
                        since: "2.6.0", handler: restore),
        ]
    }

    static func dump(_ ctx: inout CommandContext) {
        guard let i = ctx.lookupRead(ctx.key(1)) else {
            ctx.out.null()
            return
        }
        ctx.out.bulk(RDB.dumpPayload(RDBValueCodec.serialize(ctx.value(at: i))))
    }

    static func restore(_ ctx: inout CommandContext) {
        var replace = false, absTTL = false
        var idle: Int? = nil, freq: Int? = nil
        var j = 4
        while j < ctx.argc {
            let more = ctx.argc - j - 1
            if ctx.argIs(j, "REPLACE") {
                replace = true
            } else if ctx.argIs(j, "ABSTTL") {
                absTTL = true
            } else if ctx.argIs(j, "IDLETIME") && more >= 1 && freq == nil {
                guard let v = ctx.intOrReply(j + 1) else { return }
                if v < 0 { ctx.out.error("ERR Invalid IDLETIME value, must be >= 0"); return }
                idle = v
                j += 1
            } else if ctx.argIs(j, "FREQ") && more >= 1 && idle == nil {
                guard let v = ctx.intOrReply(j + 1) else { return }
                if v < 0 || v > 255 { ctx.out.error("ERR Invalid FREQ value, must be >= 0 and <= 255"); return }
                freq = v
                j += 1
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 1
        }
        let key = ctx.key(1)
        if !replace && ctx.lookupWrite(key) != nil {
            ctx.out.error("BUSYKEY Target key name already exists.")
            return
        }
        guard var ttl = ctx.intOrReply(2) else { return }
        if ttl < 0 { ctx.out.error("ERR Invalid TTL value, must be >= 0"); return }
        guard let body = RDB.verifyDumpPayload(Array(ctx.args[3])) else {
            ctx.out.error("ERR DUMP payload version or checksum are wrong")
            return
        }
        var reader = RDBReader(body)
        let value: Value
        do {
            let type = try reader.byte()
            guard RDBValueCodec.isObjectType(type) else { throw RDBFormatError("not a value type") }
            value = try RDBValueCodec.read(type: type, from: &reader, config: ctx.engine.config)
        } catch {
            ctx.out.error("ERR Bad data format")
            return
        }
        var deleted = false
        if replace { deleted = ctx.deleteKeySilently(key) }
        if ttl > 0 && !absTTL { ttl = ttl &+ Int(ctx.now) }
        if ttl > 0 && Int64(ttl) <= ctx.now {
            // Already expired: the key is gone (and a replaced one deleted), like Redis.
            if deleted {
                ctx.engine.dirty += 1
                ctx.signalModified(key)
                ctx.engine.notifyKeyspaceEvent(.generic, "del", key: key, db: ctx.session.db)
            }
            ctx.out.ok()
            return
        }
        ctx.setKey(key, value)
        if ttl > 0 { ctx.setExpire(key, at: Int64(ttl)) }
        let db = ctx.db
        if let i = db.main.find(key), i < db.clocks.count {
            let policy = ctx.engine.config.evictionPolicy
            if policy.isLFU, let f = freq {
                db.clocks[i] = AccessClock.lfuMinutes(ctx.now) << 8 | UInt32(f)
            } else if !policy.isLFU, policy.kind == .lru, let s = idle {
                let clock = Int64(AccessClock.lru(ctx.now))
                var at = clock - Int64(s)
                if at < 0 { at += Int64(AccessClock.lruMax) }
                db.clocks[i] = UInt32(truncatingIfNeeded: at) & AccessClock.lruMax
            }
        }
        ctx.engine.notifyKeyspaceEvent(.generic, "restore", key: key, db: ctx.session.db)
        ctx.out.ok()
    }
}

extension CommandContext {
    /// Deletes `key` without counting or signalling it (the caller does); true when it existed.
    func deleteKeySilently(_ key: ByteString) -> Bool {
        if lookupWrite(key) == nil { return false }
        return engine.deleteKey(db, key)
    }
}
