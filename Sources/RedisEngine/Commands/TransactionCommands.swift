import RESP

/// MULTI / EXEC / DISCARD / WATCH / UNWATCH (multi.c).
public enum TransactionCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("multi", group: "transactions", summary: "Mark the start of a transaction block", multi),
            CatalogSpec.make("exec", group: "transactions", summary: "Execute all commands issued after MULTI", exec),
            CatalogSpec.make("discard", group: "transactions", since: "2.0.0", summary: "Discard all commands issued after MULTI", discard),
            CatalogSpec.make("watch", group: "transactions", since: "2.2.0", summary: "Watch the given keys to determine execution of the MULTI/EXEC block", watch),
            CatalogSpec.make("unwatch", group: "transactions", since: "2.2.0", summary: "Forget about all watched keys", unwatch),
        ]
    }

    static func multi(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { ctx.out.error("ERR transactions unavailable"); return }
        let m = ext.multiState(ctx.session)
        if m.inMulti { ctx.out.error("ERR MULTI calls can not be nested"); return }
        m.inMulti = true
        m.queued.removeAll()
        m.flagged = false
        ctx.out.ok()
    }

    static func discard(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine), let m = ctx.session.existingState(MultiState.self), m.inMulti else {
            ctx.out.error("ERR DISCARD without MULTI"); return
        }
        finish(ext, ctx.session, m)
        ctx.out.ok()
    }

    /// EXEC refused before it runs (a busy script): Redis's execCommandAbort.
    static func abort(_ ctx: inout CommandContext, because error: String) {
        if let ext = SessionStateExtension.of(ctx.engine), let m = ctx.session.existingState(MultiState.self), m.inMulti {
            finish(ext, ctx.session, m)
        }
        ctx.out.error("EXECABORT Transaction discarded because of: \(error)")
    }

    /// Leaves MULTI state and forgets watched keys (Redis's discardTransaction).
    static func finish(_ ext: SessionStateExtension, _ session: ClientSession, _ m: MultiState) {
        m.inMulti = false
        m.queued.removeAll()
        m.flagged = false
        m.dirty = false
        ext.unwatchAll(session, m)
    }

    static func exec(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine), let m = ctx.session.existingState(MultiState.self), m.inMulti else {
            ctx.out.error("ERR EXEC without MULTI"); return
        }
        if m.flagged {
            finish(ext, ctx.session, m)
            ctx.out.error("EXECABORT Transaction discarded because of previous errors.")
            return
        }
        if m.dirty || watchedKeyExpired(&ctx, m) {
            finish(ext, ctx.session, m)
            ctx.out.nullArray()
            return
        }
        let queued = m.queued
        finish(ext, ctx.session, m)
        let savedArgs = ctx.args
        let savedCommand = ctx.command
        ext.executingTransaction = true
        ctx.out.arrayHeader(queued.count)
        for (args, spec) in queued {
            ctx.args = args
            if ext.acl.restricted, !ext.checkACL(&ctx, spec, inExec: true) { continue }
            ctx.engine.call(&ctx, spec)
        }
        ext.executingTransaction = false
        ctx.args = savedArgs
        ctx.command = savedCommand
    }

    /// Redis 7.0 also aborts when a key that existed when watched has logically expired since.
    static func watchedKeyExpired(_ ctx: inout CommandContext, _ m: MultiState) -> Bool {
        for (dk, wasLive) in m.watched where wasLive {
            guard dk.db < ctx.engine.databases.count else { continue }
            let db = ctx.engine.databases[dk.db]
            if db.main.find(dk.key) != nil && ctx.engine.isExpired(db, dk.key, now: ctx.now) { return true }
        }
        return false
    }

    static func watch(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { ctx.out.error("ERR transactions unavailable"); return }
        let m = ext.multiState(ctx.session)
        if m.inMulti { ctx.out.error("ERR WATCH inside MULTI is not allowed"); return }
        for i in 1..<ctx.argc {
            let dk = DBKey(db: ctx.session.db, key: ctx.key(i))
            if m.watched.contains(where: { $0.0 == dk }) { continue }
            let db = ctx.db
            let live = db.main.find(dk.key) != nil && !ctx.engine.isExpired(db, dk.key, now: ctx.now)
            m.watched.append((dk, live))
            ext.watchers[dk, default: []].append(ctx.session)
        }
        ctx.out.ok()
    }

    static func unwatch(_ ctx: inout CommandContext) {
        if let ext = SessionStateExtension.of(ctx.engine), let m = ctx.session.existingState(MultiState.self) {
            ext.unwatchAll(ctx.session, m)
            m.dirty = false
        }
        ctx.out.ok()
    }
}
