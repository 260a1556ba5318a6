import RESP

/// Builds CommandSpecs from the Redis 7.0 command catalog (arity, flags, keys and ACL categories
/// exactly as redis-server reports them), so commands built with it cannot drift from Redis's table.
enum CatalogSpec {
    static let flagMap: [String: CommandFlags] = {
        var d: [String: CommandFlags] = [:]
        for (f, n) in CommandFlags.names { d[n] = f }
        return d
    }()

    static func make(_ name: String, group: String, since: String = "1.0.0", summary: String = "",
                     extraFlags: CommandFlags = [],
                     keyFinder: (@Sendable (Argv) -> [Int])? = nil,
                     subcommands: [CommandSpec] = [],
                     _ handler: @escaping CommandHandler) -> CommandSpec {
        let lname = name.lowercased()
        let info = ACLCommandCatalog.info(lname)
        var flags: CommandFlags = extraFlags
        var cats: [String] = []
        if let info {
            for (i, n) in ACLCommandFlags.names.enumerated() where info.flags.contains(ACLCommandFlags(rawValue: 1 << UInt32(i))) {
                if let f = flagMap[n] { flags.insert(f) }
            }
            for c in ACLCategory.allCases where info.categories & c.bit != 0 { cats.append(c.name) }
        }
        let short = lname.split(separator: "|").last.map(String.init) ?? lname
        return CommandSpec(short, arity: info?.arity ?? -1, flags: flags,
                           keys: (info?.firstKey ?? 0, info?.lastKey ?? 0, info?.keyStep ?? 0),
                           categories: cats, group: group, summary: summary, since: since,
                           keyFinder: keyFinder, subcommands: subcommands, handler: handler)
    }

    /// Key finder for `<cmd> numkeys key... ` layouts (`numkeysAt` = position of numkeys, `fixedKeys`
    /// = key positions before it such as ZUNIONSTORE's destination).
    static func numkeysFinder(at numkeysAt: Int, fixedKeys: [Int] = []) -> @Sendable (Argv) -> [Int] {
        return { argv in
            var out = fixedKeys.filter { $0 < argv.count }
            guard numkeysAt < argv.count,
                  let n = argv[numkeysAt].withUnsafeBytes({ parseStrictInt($0) }), n > 0 else { return out }
            var i = numkeysAt + 1
            var k = 0
            while k < n && i < argv.count { out.append(i); i += 1; k += 1 }
            return out
        }
    }
}
