import RESP

/// What the scripting module (EVAL, FCALL) needs from the engine when a script calls a command:
/// the checks `execute` makes for a client, answered for the script's caller.
extension Engine {
    /// nil when `cmd` is enabled; otherwise the error text it answers with (`.some(nil)`: Redis's
    /// unknown-command error), as configured by `infera-disable-command` or a provider profile.
    public func disabledCommandReply(_ cmd: CommandSpec) -> String?? {
        config.disabledCommands.isEmpty ? nil : disabledEntry(cmd)
    }

    /// A command a script called was refused before it ran (OOM, read-only script, arity, ACL ...):
    /// counts the error reply by its code and, when the command is known, its rejected call, as
    /// Redis's scriptCall does.
    public func countScriptRejection(_ cmd: CommandSpec?, error message: String) {
        stats.errorReplies += 1
        latency.countError(Array(message.utf8))
        if let cmd { countRejectedCall(cmd) }
    }

    /// Counts a refused call of `cmd` (INFO commandstats `rejected_calls`).
    public func countRejectedCall(_ cmd: CommandSpec) {
        let sid = cmd.statID
        if sid >= commandStats.count {
            commandStats.append(contentsOf: repeatElement(CommandStat(), count: max(commandTable.statNames.count, sid + 1) - commandStats.count))
        }
        commandStats[sid].rejectedCalls += 1
    }

    /// True when memory stays above `maxmemory` after evicting what the policy allows.
    public func isOverMaxMemory() -> Bool {
        config.maxMemory > 0 && !evictUntilUnderLimit()
    }

    /// Whether ACL user `userName` may run every command on every key and channel.
    public func aclUnrestricted(user userName: String) -> Bool {
        guard let ext = extensionOf(SessionStateExtension.self), ext.acl.restricted else { return true }
        return ext.acl.users[userName]?.unrestricted ?? false
    }

    /// Whether ACL user `userName` may run `cmd` with `args` (keys and channels included).
    public func aclPermits(user userName: String, _ cmd: CommandSpec, _ args: Argv) -> Bool {
        guard let ext = extensionOf(SessionStateExtension.self) else { return true }
        guard let user = ext.acl.users[userName] else { return false }
        if user.unrestricted { return true }
        return ext.aclDenial(user, cmd, args) == nil
    }
}
