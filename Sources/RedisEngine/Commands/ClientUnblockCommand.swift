import NIOCore
import RESP

extension ClientCommands {
    /// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: replies 1 when the client was blocked in a blocking
    /// command and is now unblocked (with its command's timeout reply, or the UNBLOCKED error), else 0.
    static func unblock(_ ctx: inout CommandContext) {
        var asError = false
        if ctx.argc == 4 {
            if ctx.argIs(3, "TIMEOUT") {
                asError = false
            } else if ctx.argIs(3, "ERROR") {
                asError = true
            } else {
                ctx.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
                return
            }
        } else if ctx.argc != 3 {
            ctx.out.error("ERR unknown subcommand or wrong number of arguments for '\(ctx.args.string(1))'. Try CLIENT HELP.")
            return
        }
        guard let id = ctx.intOrReply(2) else { return }
        let done = SessionStateExtension.of(ctx.engine)?.unblockClient(id: Int64(id), asError: asError) ?? false
        ctx.out.integer(done ? 1 : 0)
    }
}

extension SessionStateExtension {
    /// Unblocks the client `id` if it waits in a blocking command (CLIENT UNBLOCK). The target gets the
    /// reply of a timeout (null array) or `-UNBLOCKED client unblocked via CLIENT UNBLOCK`.
    func unblockClient(id: Int64, asError: Bool) -> Bool {
        guard let c = blocking.bySession[id] else { return false }
        if asError {
            unblock(c, error: "UNBLOCKED client unblocked via CLIENT UNBLOCK")
        } else {
            unblock(c, reply: c.session.protocolVersion == .resp3 ? "_\r\n" : "*-1\r\n")
        }
        return true
    }
}
