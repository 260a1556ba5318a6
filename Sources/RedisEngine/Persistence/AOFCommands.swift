/// BGREWRITEAOF, DEBUG LOADAOF and the INFO persistence fields of the AOF.
public enum AOFCommands {
    static func bgrewriteaof(_ ctx: inout CommandContext) {
        let e = ctx.engine
        if e.aof.rewriteInProgress {
            ctx.out.error("ERR Background append only file rewriting already in progress")
            return
        }
        if e.aof.status == .off {
            // Redis rewrites a one-off AOF even with appendonly no; we need a directory for it.
            if let err = e.aofEnableForOneRewrite() { ctx.out.error("ERR \(err)"); return }
        } else if let err = e.aofStartRewrite() {
            ctx.out.error("ERR \(err)")
            return
        }
        ctx.out.simple("Background append only file rewriting started")
    }

    /// DEBUG LOADAOF: flush the AOF, empty the dataset and load it back from the AOF files.
    static func debugLoadAOF(_ ctx: inout CommandContext) {
        let e = ctx.engine
        guard e.aof.status != .off else { ctx.out.error("ERR AOF is not enabled"); return }
        e.aofCommitPending()
        e.aofFlush()
        e.flushAll()
        e.signalDatabaseChanged(db: nil)
        do {
            _ = try e.loadAOF()
            ctx.out.ok()
        } catch {
            e.scriptLog?(3, "\(error)")
            ctx.out.error("ERR Error trying to load the AOF files, check server logs.")
        }
    }

    /// INFO persistence lines after the RDB ones (Redis 7.0's names and order).
    static func infoLines(_ e: Engine) -> [String] {
        let a = e.aof
        let now = e.clock.nowMilliseconds()
        var lines = [
            "aof_enabled:\(a.status == .off ? 0 : 1)",
            "aof_rewrite_in_progress:\(a.rewriteInProgress ? 1 : 0)",
            "aof_rewrite_scheduled:\(a.rewriteScheduled ? 1 : 0)",
            "aof_last_rewrite_time_sec:\(a.lastRewriteSeconds)",
            "aof_current_rewrite_time_sec:\(a.rewriteInProgress ? (now - a.rewriteStartedMs) / 1000 : -1)",
            "aof_last_bgrewrite_status:\(a.lastRewriteOK ? "ok" : "err")",
            "aof_rewrites:\(a.rewrites)",
            "aof_rewrites_consecutive_failures:\(a.consecutiveFailures)",
            "aof_last_write_status:\(a.lastWriteOK ? "ok" : "err")",
            "aof_last_cow_size:0",
            "module_fork_in_progress:0",
            "module_fork_last_cow_size:0",
        ]
        if a.status != .off {
            lines += [
                "aof_current_size:\(a.currentSize + a.buffer.count)",
                "aof_base_size:\(a.baseSize)",
                "aof_pending_rewrite:\(a.rewriteScheduled ? 1 : 0)",
                "aof_buffer_length:\(a.buffer.count)",
                "aof_pending_bio_fsync:\(a.fsyncInFlight ? 1 : 0)",
                "aof_delayed_fsync:\(a.delayedFsyncs)",
            ]
        }
        return lines
    }
}

extension Engine {
    /// BGREWRITEAOF with appendonly no: write a base + empty incr + manifest once, without feeding commands.
    func aofEnableForOneRewrite() -> String? {
        if let err = aofEnable() { return err }
        // Stop feeding once the base is in place, like Redis's one-off rewrite with the AOF off.
        let previous = aof.rewriteFinished
        aof.rewriteFinished = { [self] err in
            lock.withLock {
                aof.rewriteFinished = previous
                if config.extra["appendonly"]?.lowercased() != "yes" { aofDisable() }
            }
            previous?(err)
        }
        return nil
    }
}
