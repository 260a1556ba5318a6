import RESP

/// Command permissions, key patterns and channel patterns (Redis 7.0's `aclSelector`).
struct ACLSelector: Equatable {
    static let commandCount = ACLCommandCatalog.all.count
    var bits = [UInt64](repeating: 0, count: (ACLSelector.commandCount + 63) / 64)
    /// `+@all` was applied and not undone by `-@all` (future commands allowed).
    var futureCommands = false
    /// `+@all`/`allcommands` was the last word on commands (any `-rule` clears it).
    var allCommands = false
    /// Allowed first arguments for commands whose bit is off (`+select|0`).
    var firstArgs: [Int: [String]] = [:]
    var allKeys = false
    /// Key patterns with read/write permission.
    var keyPatterns: [(pattern: [UInt8], read: Bool, write: Bool)] = []
    var allChannels = false
    var channels: [[UInt8]] = []

    static func == (a: ACLSelector, b: ACLSelector) -> Bool {
        a.bits == b.bits && a.futureCommands == b.futureCommands && a.allKeys == b.allKeys && a.allChannels == b.allChannels
            && a.channels == b.channels && a.keyPatterns.map { $0.pattern } == b.keyPatterns.map { $0.pattern }
    }

    @inline(__always) func bit(_ i: Int) -> Bool { bits[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    @inline(__always) mutating func setBit(_ i: Int, _ v: Bool) {
        if v { bits[i >> 6] |= 1 << UInt64(i & 63) } else { bits[i >> 6] &= ~(1 << UInt64(i & 63)) }
    }

    /// Subcommand indexes of container `i` (catalog is sorted, subcommands follow as `name|...`).
    static let subcommands: [Int: [Int]] = {
        var d: [Int: [Int]] = [:]
        for (i, c) in ACLCommandCatalog.all.enumerated() {
            if let bar = c.name.firstIndex(of: "|"), let parent = ACLCommandCatalog.index[String(c.name[..<bar])] {
                d[parent, default: []].append(i)
            }
        }
        return d
    }()

    static let topLevel: [Int] = ACLCommandCatalog.all.indices.filter { !ACLCommandCatalog.all[$0].name.contains("|") }

    /// Redis's `ACLChangeSelectorPerm`: a container carries its subcommands along.
    mutating func changePerm(_ i: Int, _ allow: Bool) {
        setBit(i, allow)
        firstArgs[i] = nil
        for s in ACLSelector.subcommands[i] ?? [] { setBit(s, allow) }
    }

    mutating func setCategory(_ cat: ACLCategory, _ allow: Bool) {
        for i in ACLSelector.topLevel {
            if ACLCommandCatalog.all[i].categories & cat.bit != 0 { changePerm(i, allow) }
            for s in ACLSelector.subcommands[i] ?? [] where ACLCommandCatalog.all[s].categories & cat.bit != 0 {
                changePerm(s, allow)
            }
        }
    }

    mutating func setAll(_ allow: Bool) {
        for i in bits.indices { bits[i] = allow ? ~0 : 0 }
        futureCommands = allow
        firstArgs.removeAll()
    }

    /// Applies one rule; returns an error message (without the SETUSER prefix) on failure.
    mutating func apply(_ op: String) -> String? {
        let lower = op.lowercased()
        switch lower {
        case "allkeys", "~*":
            allKeys = true; keyPatterns.removeAll(); return nil
        case "resetkeys":
            allKeys = false; keyPatterns.removeAll(); return nil
        case "allchannels", "&*":
            allChannels = true; channels.removeAll(); return nil
        case "resetchannels":
            allChannels = false; channels.removeAll(); return nil
        case "allcommands", "+@all":
            setAll(true); allCommands = true; return nil
        case "nocommands", "-@all":
            setAll(false); allCommands = false; return nil
        default: break
        }
        let bytes = Array(op.utf8)
        guard let first = bytes.first else { return "Syntax error" }
        if first == UInt8(ascii: "~") || first == UInt8(ascii: "%") {
            if allKeys {
                return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
            }
            var read = true, write = true
            var patStart = 1
            if first == UInt8(ascii: "%") {
                read = false; write = false
                var i = 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "~") {
                    switch bytes[i] {
                    case UInt8(ascii: "R"), UInt8(ascii: "r"): read = true
                    case UInt8(ascii: "W"), UInt8(ascii: "w"): write = true
                    default: return "Syntax error"
                    }
                    i += 1
                }
                if i >= bytes.count || (!read && !write) { return "Syntax error" }
                patStart = i + 1
            }
            let pat = Array(bytes[patStart...])
            if read && write && pat == [UInt8(ascii: "*")] { allKeys = true; keyPatterns.removeAll(); return nil }
            if let k = keyPatterns.firstIndex(where: { $0.pattern == pat }) {
                keyPatterns[k].read = keyPatterns[k].read || read
                keyPatterns[k].write = keyPatterns[k].write || write
            } else {
                keyPatterns.append((pat, read, write))
            }
            return nil
        }
        if first == UInt8(ascii: "&") {
            if allChannels {
                return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"
            }
            let pat = Array(bytes[1...])
            if !channels.contains(pat) { channels.append(pat) }
            return nil
        }
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            let allow = first == UInt8(ascii: "+")
            let body = String(lower.dropFirst())
            if !allow { allCommands = false }
            if body.hasPrefix("@") {
                guard let cat = ACLCategory.named(String(body.dropFirst())) else { return "Unknown command or category name in ACL" }
                setCategory(cat, allow)
                return nil
            }
            // acl.c: "-cmd" and "+cmd" without '|' name a command or a container|subcommand.
            guard allow, let bar = body.lastIndex(of: "|") else {
                guard let idx = ACLCommandCatalog.index[body] else { return "Unknown command or category name in ACL" }
                changePerm(idx, allow)
                return nil
            }
            // "+head|sub": head must be a top-level command; sub is a subcommand or a first-arg.
            let head = String(body[..<bar])
            let sub = String(body[body.index(after: bar)...])
            guard let parent = ACLCommandCatalog.index[head] else { return "Unknown command or category name in ACL" }
            if head.contains("|") { return "Allowing first-arg of a subcommand is not supported" }
            if sub.isEmpty { return "Syntax error" }
            if ACLSelector.subcommands[parent] != nil {
                guard let idx = ACLCommandCatalog.index[body] else { return "Unknown command or category name in ACL" }
                changePerm(idx, true)
                return nil
            }
            if !bit(parent) { firstArgs[parent, default: []].append(sub) }
            return nil
        }
        return "Syntax error"
    }

    /// Redis 7.0's rendering of command rules (category counting, then single-command fixes).
    func describeCommands() -> String {
        var rules = futureCommands ? "+@all " : "-@all "
        var fake = ACLSelector()
        fake.setAll(futureCommands)
        let additive = !futureCommands
        // Counting runs on a copy where every category already emitted is applied inversely,
        // so later categories are judged on the commands not yet covered (Redis 7.0's temp selector).
        var temp = self
        for cat in ACLCategory.allCases {
            var on = 0, off = 0
            for (i, c) in ACLCommandCatalog.all.enumerated() where c.categories & cat.bit != 0 {
                if temp.bit(i) { on += 1 } else { off += 1 }
            }
            if (additive && on > off) || (!additive && off > on) {
                rules += (additive ? "+@" : "-@") + cat.name + " "
                fake.setCategory(cat, additive)
                temp.setCategory(cat, !additive)
            }
        }
        for i in ACLSelector.topLevel {
            describeSingle(i, &fake, &rules)
            for s in ACLSelector.subcommands[i] ?? [] { describeSingle(s, &fake, &rules) }
        }
        return String(rules.dropLast())
    }

    private func describeSingle(_ i: Int, _ fake: inout ACLSelector, _ rules: inout String) {
        let user = bit(i)
        if user != fake.bit(i) {
            rules += (user ? "+" : "-") + ACLCommandCatalog.all[i].name + " "
            fake.changePerm(i, user)
        }
        if !user, let args = firstArgs[i] {
            for a in args { rules += "+" + ACLCommandCatalog.all[i].name + "|" + a + " " }
        }
    }

    func describeKeys() -> String {
        if allKeys { return "~*" }
        return keyPatterns.map { p -> String in
            let prefix = p.read && p.write ? "~" : p.read ? "%R~" : "%W~"
            return prefix + String(decoding: p.pattern, as: UTF8.self)
        }.joined(separator: " ")
    }

    func describeChannels() -> String {
        if allChannels { return "&*" }
        return channels.map { "&" + String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    /// The selector as ACL LIST prints it.
    func describe() -> String {
        var s = ""
        let k = describeKeys()
        if !k.isEmpty { s += k + " " }
        if allChannels { s += "&* " } else {
            s += "resetchannels "
            for c in channels { s += "&" + String(decoding: c, as: UTF8.self) + " " }
        }
        return s + describeCommands()
    }

    // MARK: checks

    func allowsCommand(_ index: Int?, firstArg: ArraySlice<UInt8>?) -> Bool {
        if allCommands { return true }
        guard let i = index else { return futureCommands }
        if bit(i) { return true }
        if let args = firstArgs[i], let a = firstArg {
            let s = String(decoding: a, as: UTF8.self).lowercased()
            return args.contains(s)
        }
        return false
    }

    func allowsKey(_ key: ArraySlice<UInt8>, read: Bool, write: Bool) -> Bool {
        if allKeys { return true }
        let k = Array(key)
        for p in keyPatterns {
            if (read && !p.read) || (write && !p.write) { continue }
            if RedisGlob.matches(p.pattern, k) { return true }
        }
        return false
    }

    func allowsChannel(_ channel: ArraySlice<UInt8>, isPattern: Bool) -> Bool {
        if allChannels { return true }
        let c = Array(channel)
        for p in channels {
            if isPattern ? p == c : RedisGlob.matches(p, c) { return true }
        }
        return false
    }
}

/// One ACL user.
struct ACLUser {
    var name: String
    var enabled = false
    var noPass = false
    /// SHA-256 hex digests, in insertion order.
    var passwords: [String] = []
    var root = ACLSelector()
    var selectors: [ACLSelector] = []
    var sanitizePayload: Bool? = nil

    init(name: String) {
        self.name = name
    }

    /// The default user: on, nopass, all keys, channels and commands.
    static func defaultUser() -> ACLUser {
        var u = ACLUser(name: "default")
        u.enabled = true
        u.noPass = true
        u.root.allKeys = true
        u.root.allChannels = true
        u.root.setAll(true)
        u.root.allCommands = true
        return u
    }

    /// True when the user can do everything (no checks needed).
    var unrestricted: Bool { root.allCommands && root.allKeys && root.allChannels }

    mutating func apply(_ op: String) -> String? {
        let lower = op.lowercased()
        switch lower {
        case "on": enabled = true; return nil
        case "off": enabled = false; return nil
        case "nopass": noPass = true; passwords.removeAll(); return nil
        case "resetpass": noPass = false; passwords.removeAll(); return nil
        case "skip-sanitize-payload": sanitizePayload = false; return nil
        case "sanitize-payload": sanitizePayload = true; return nil
        case "clearselectors": selectors.removeAll(); return nil
        case "reset":
            noPass = false; passwords.removeAll(); enabled = false; selectors.removeAll()
            root = ACLSelector()
            sanitizePayload = true   // acl.c: reset includes sanitize-payload
            return nil
        default: break
        }
        if let f = op.first {
            switch f {
            case ">":
                let h = SHA256.hex(Array(op.utf8.dropFirst()))
                if !passwords.contains(h) { passwords.append(h) }
                noPass = false
                return nil
            case "<":
                let h = SHA256.hex(Array(op.utf8.dropFirst()))
                guard let i = passwords.firstIndex(of: h) else { return "The password you are trying to remove from the user does not exist" }
                passwords.remove(at: i)
                return nil
            case "#", "!":
                let h = String(op.dropFirst())
                let valid = h.utf8.count == 64 && h.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
                if !valid { return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters" }
                if f == "#" {
                    if !passwords.contains(h) { passwords.append(h) }
                    noPass = false
                } else {
                    guard let i = passwords.firstIndex(of: h) else { return "The password you are trying to remove from the user does not exist" }
                    passwords.remove(at: i)
                }
                return nil
            case "(":
                guard op.hasSuffix(")") else { return "Syntax error" }
                var sel = ACLSelector()
                let inner = op.dropFirst().dropLast()
                for part in inner.split(separator: " ") where !part.isEmpty {
                    if let e = sel.apply(String(part)) { return e }
                }
                selectors.append(sel)
                return nil
            default: break
            }
        }
        return root.apply(op)
    }

    /// The ACL LIST line.
    func describe() -> String {
        var s = "user \(name) " + (enabled ? "on" : "off")
        if noPass { s += " nopass" }
        if sanitizePayload == false { s += " skip-sanitize-payload" } else if sanitizePayload == true { s += " sanitize-payload" }
        for p in passwords { s += " #" + p }
        s += " " + root.describe()
        for sel in selectors { s += " (" + sel.describe() + ")" }
        return s
    }
}

/// The ACL users of an engine and the permission checks of the dispatcher.
public final class ACLStore: @unchecked Sendable {
    var users: [String: ACLUser] = ["default": ACLUser.defaultUser()]
    /// True when some user has restrictions (checks needed).
    var restricted = false
    /// Until ACL changes the default user's passwords, they follow `requirepass`.
    var defaultFollowsRequirePass = true
    /// ACL LOG entries (ACLLog.swift).
    let log = ACLLogStore()

    public init() {}

    func recomputeRestricted() {
        restricted = users.values.contains { !$0.unrestricted }
    }

    /// The default user as currently configured (reflecting `requirepass`).
    func user(_ name: String, engine: Engine) -> ACLUser? {
        guard var u = users[name] else { return nil }
        if name == "default" && defaultFollowsRequirePass, let pass = engine.config.requirePass?.value, !pass.isEmpty {
            u.noPass = false
            u.passwords = [SHA256.hex(Array(pass.utf8))]
        }
        return u
    }

    /// AUTH / HELLO AUTH check.
    func authenticate(_ name: String, _ password: [UInt8], engine: Engine) -> Bool {
        guard let u = user(name, engine: engine), u.enabled else { return false }
        if u.noPass { return true }
        let h = SHA256.hex(password)
        return u.passwords.contains { constantTimeEquals(Array($0.utf8), Array(h.utf8)) }
    }
}

extension SessionStateExtension {
    enum ACLDenial {
        case command(String)
        case key(String)
        case channel(String)
    }

    /// Checks a command for `user` (Redis's `ACLCheckAllUserCommandPerm`); nil when allowed.
    func aclDenial(_ user: ACLUser, _ command: CommandSpec, _ args: Argv) -> ACLDenial? {
        if command.flags.contains(.noAuth) { return nil }
        let idx = ACLCommandCatalog.index[command.fullName]
        // acl.c: when no selector allows the command, report the most relevant denial: channel over
        // key over command, and among equal kinds the one at the highest argument position.
        var relevant: (denial: ACLDenial, rank: Int, pos: Int)? = nil
        for sel in [user.root] + user.selectors {
            guard let d = check(sel, idx, command, args) else { return nil }
            let rank: Int
            switch d.denial {
            case .command: rank = 1
            case .key: rank = 2
            case .channel: rank = 4
            }
            if let r = relevant, !(rank > r.rank || (rank == r.rank && d.pos > r.pos)) { continue }
            relevant = (d.denial, rank, d.pos)
        }
        return relevant?.denial
    }

    fileprivate func check(_ sel: ACLSelector, _ idx: Int?, _ command: CommandSpec, _ args: Argv) -> (denial: ACLDenial, pos: Int)? {
        let firstArg: ArraySlice<UInt8>? = args.count > 1 ? args[1] : nil
        if !sel.allowsCommand(idx, firstArg: firstArg) { return (.command(command.fullName), 0) }
        if !sel.allKeys {
            if let refs = KeySpecs.keys(command.fullName, args) {
                // Redis 7's per-key-spec permissions: access needs %R, insert/update/delete need %W.
                for r in refs where r.pos < args.count {
                    if !sel.allowsKey(args[r.pos], read: r.flags.needsRead, write: r.flags.needsWrite) { return (.key(args.string(r.pos)), r.pos) }
                }
            } else {
                let write = command.categories.contains("write")
                let read = command.categories.contains("read") || !write
                for p in command.keyPositions(args) where p < args.count {
                    if !sel.allowsKey(args[p], read: read, write: write) { return (.key(args.string(p)), p) }
                }
            }
        }
        if !sel.allChannels {
            switch command.fullName {
            case "publish", "spublish":
                if !sel.allowsChannel(args[1], isPattern: false) { return (.channel(args.string(1)), 1) }
            case "subscribe", "ssubscribe", "psubscribe":
                let isPattern = command.fullName == "psubscribe"
                for i in 1..<args.count where !sel.allowsChannel(args[i], isPattern: isPattern) { return (.channel(args.string(i)), i) }
            default: break
            }
        }
        return nil
    }

    /// Checks the running command against the client's ACL user; replies NOPERM when denied.
    func checkACL(_ ctx: inout CommandContext, _ command: CommandSpec, inExec: Bool = false) -> Bool {
        if ctx.session.isInternal { return true }
        guard let user = acl.users[ctx.session.user] else {
            reject(&ctx, "NOPERM this user has no permissions to run the '\(command.fullName)' command")
            return false
        }
        if user.unrestricted { return true }
        guard let d = aclDenial(user, command, ctx.args) else { return true }
        let msg: String
        switch d {
        case .command(let name): msg = "NOPERM this user has no permissions to run the '\(name)' command"
        case .key: msg = "NOPERM this user has no permissions to access one of the keys used as arguments"
        case .channel: msg = "NOPERM this user has no permissions to access one of the channels used as arguments"
        }
        logDenial(&ctx, command, d, inExec: inExec)
        if inExec { ctx.out.error(msg) } else { reject(&ctx, msg) }
        return false
    }
}

extension SessionStateExtension {
    /// acl.c `ACLUserCheckCmdWithUnrestrictedKeyAccess` (read access): true when one of the client's
    /// selectors allows the running command and can read every key (`allkeys` or a `%R~*` pattern).
    /// SORT's BY and GET options need it, since their patterns name keys the key specs cannot see.
    static func hasUnrestrictedKeyRead(_ ctx: CommandContext) -> Bool {
        guard let ext = SessionStateExtension.of(ctx.engine), ext.acl.restricted, !ctx.session.isInternal else { return true }
        guard let user = ext.acl.users[ctx.session.user] else { return false }
        if user.unrestricted { return true }
        let star: [UInt8] = [UInt8(ascii: "*")]
        for sel in [user.root] + user.selectors {
            if let command = ctx.command, ext.check(sel, ACLCommandCatalog.index[command.fullName], command, ctx.args) != nil { continue }
            if sel.allKeys || sel.keyPatterns.contains(where: { $0.read && $0.pattern == star }) { return true }
        }
        return false
    }
}
