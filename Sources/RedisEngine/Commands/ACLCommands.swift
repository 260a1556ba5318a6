import RESP

/// ACL SETUSER / DELUSER / GETUSER / LIST / USERS / WHOAMI / CAT / DRYRUN / GENPASS / LOG (acl.c).
public enum ACLCommands {
    public static var all: [CommandSpec] {
        [
            CommandSpec.container("acl", arity: -2, group: "server", summary: "A container for Access List Control commands", since: "6.0.0", subcommands: [
                CatalogSpec.make("acl|setuser", group: "server", since: "6.0.0", summary: "Modify or create the rules for a specific ACL user", setuser),
                CatalogSpec.make("acl|deluser", group: "server", since: "6.0.0", summary: "Remove the specified ACL users and the associated rules", deluser),
                CatalogSpec.make("acl|getuser", group: "server", since: "6.0.0", summary: "Get the rules for a specific ACL user", getuser),
                CatalogSpec.make("acl|list", group: "server", since: "6.0.0", summary: "List the current ACL rules in ACL config file format", list),
                CatalogSpec.make("acl|users", group: "server", since: "6.0.0", summary: "List the username of all the configured ACL rules", users),
                CatalogSpec.make("acl|whoami", group: "server", since: "6.0.0", summary: "Return the name of the user associated to the current connection", whoami),
                CatalogSpec.make("acl|cat", group: "server", since: "6.0.0", summary: "List the ACL categories or the commands inside a category", cat),
                CatalogSpec.make("acl|dryrun", group: "server", since: "7.0.0", summary: "Returns whether the user can execute the given command without executing the command.", dryrun),
                CatalogSpec.make("acl|genpass", group: "server", since: "6.0.0", summary: "Generate a pseudorandom secure password to use for ACL users", genpass),
                CatalogSpec.make("acl|log", group: "server", since: "6.0.0", summary: "List latest events denied because of ACLs in place", log),
                CatalogSpec.make("acl|load", group: "server", since: "6.0.0", summary: "Reload the ACLs from the configured ACL file") { $0.out.error("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.") },
                CatalogSpec.make("acl|save", group: "server", since: "6.0.0", summary: "Save the current ACL rules in the configured ACL file") { $0.out.error("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.") },
                CatalogSpec.make("acl|help", group: "server", since: "6.0.0", summary: "Show helpful text about the different subcommands", help),
            ]),
        ]
    }

    /// Makes AUTH/HELLO go through the ACL users from now on.
    static func installAuthenticator(_ engine: Engine, _ ext: SessionStateExtension) {
        if engine.authenticator != nil { return }
        let acl = ext.acl
        engine.authenticator = { [unowned engine] user, pass in acl.authenticate(user, pass, engine: engine) }
    }

    /// Merges `(` … `)` selector arguments split by the client (Redis's ACLMergeSelectorArguments).
    static func mergeSelectors(_ ops: [String]) -> ([String], String?) {
        var out: [String] = []
        var current: String? = nil
        for op in ops {
            if var c = current {
                c += " " + op
                if op.hasSuffix(")") { out.append(c); current = nil } else { current = c }
            } else if op.hasPrefix("(") && !op.hasSuffix(")") {
                current = op
            } else {
                out.append(op)
            }
        }
        if let c = current { return (out, "ERR Unmatched parenthesis in acl selector starting at '\(c)'.") }
        return (out, nil)
    }

    /// The `requirePass` marker set when ACL SETUSER default takes the password from the default
    /// user (not a `requirepass` value: CONFIG REWRITE does not write it).
    static let requirePassFromACL = "\u{1}acl"

    static func setuser(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return }
        let name = ctx.args.string(2)
        // acl.c ACLStringHasSpaces: isspace() or NUL anywhere in the name.
        if ctx.args[2].contains(where: { $0 == 0 || $0 == 0x20 || (0x09...0x0d).contains($0) }) {
            ctx.out.error("ERR Usernames can't contain spaces or null characters")
            return
        }
        let (ops, err) = mergeSelectors((3..<ctx.argc).map { ctx.args.string($0) })
        if let err { ctx.out.error(err); return }
        let acl = ext.acl
        var user = acl.user(name, engine: ctx.engine) ?? ACLUser(name: name)
        for op in ops {
            if let e = user.apply(op) {
                ctx.out.error("ERR Error in ACL SETUSER modifier '\(op)': \(e)")
                return
            }
        }
        if name == "default" {
            acl.defaultFollowsRequirePass = false
            // New connections start authenticated only while the default user is `on` and `nopass`.
            ctx.engine.config.requirePass = user.noPass && user.enabled ? nil : RedactedSecret(requirePassFromACL)
        }
        acl.users[name] = user
        acl.recomputeRestricted()
        installAuthenticator(ctx.engine, ext)
        ctx.out.ok()
    }

    static func deluser(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return }
        var deleted = 0
        for i in 2..<ctx.argc {
            let name = ctx.args.string(i)
            if name == "default" { ctx.out.error("ERR The 'default' user cannot be removed"); return }
        }
        for i in 2..<ctx.argc {
            let name = ctx.args.string(i)
            if ext.acl.users.removeValue(forKey: name) != nil {
                deleted += 1
                for s in ctx.engine.sessions.values where s.user == name && s !== ctx.session { s.kill?() }
                if ctx.session.user == name { ctx.session.closeAfterReply = true }
            }
        }
        ext.acl.recomputeRestricted()
        installAuthenticator(ctx.engine, ext)
        ctx.out.integer(deleted)
    }

    static func getuser(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine), let u = ext.acl.user(ctx.args.string(2), engine: ctx.engine) else {
            ctx.out.null(); return
        }
        ctx.out.mapHeader(6)
        ctx.out.bulk("flags")
        var flags = [u.enabled ? "on" : "off"]
        if u.noPass { flags.append("nopass") }
        if u.sanitizePayload == false { flags.append("skip-sanitize-payload") } else if u.sanitizePayload == true { flags.append("sanitize-payload") }
        ctx.out.setHeader(flags.count)
        for f in flags { ctx.out.bulk(f) }
        ctx.out.bulk("passwords")
        ctx.out.arrayHeader(u.passwords.count)
        for p in u.passwords { ctx.out.bulk(p) }
        writeSelector(&ctx.out, u.root)
        ctx.out.bulk("selectors")
        ctx.out.arrayHeader(u.selectors.count)
        for s in u.selectors {
            ctx.out.mapHeader(3)
            writeSelector(&ctx.out, s)
        }
    }

    static func writeSelector(_ out: inout ReplyWriter, _ s: ACLSelector) {
        out.bulk("commands"); out.bulk(s.describeCommands())
        out.bulk("keys"); out.bulk(s.describeKeys())
        out.bulk("channels"); out.bulk(s.describeChannels())
    }

    static func sortedUsers(_ ctx: CommandContext) -> [ACLUser] {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return [] }
        return ext.acl.users.keys.sorted().compactMap { ext.acl.user($0, engine: ctx.engine) }
    }

    static func list(_ ctx: inout CommandContext) {
        let us = sortedUsers(ctx)
        ctx.out.arrayHeader(us.count)
        for u in us { ctx.out.bulk(u.describe()) }
    }

    static func users(_ ctx: inout CommandContext) {
        let us = sortedUsers(ctx)
        ctx.out.arrayHeader(us.count)
        for u in us { ctx.out.bulk(u.name) }
    }

    static func whoami(_ ctx: inout CommandContext) {
        ctx.out.bulk(ctx.session.user)
    }

    static func cat(_ ctx: inout CommandContext) {
        if ctx.argc > 3 {
            ctx.out.error("ERR unknown subcommand or wrong number of arguments for '\(ctx.args.string(1))'. Try ACL HELP.")
            return
        }
        if ctx.argc == 2 {
            ctx.out.arrayHeader(ACLCategory.allCases.count)
            for c in ACLCategory.allCases { ctx.out.bulk(c.name) }
            return
        }
        let name = ctx.args.string(2)
        guard let c = ACLCategory.named(name) else { ctx.out.error("ERR Unknown category '\(name)'"); return }
        let cmds = ACLCommandCatalog.all.filter { $0.categories & c.bit != 0 }.map { $0.name }
        ctx.out.arrayHeader(cmds.count)
        for n in cmds { ctx.out.bulk(n) }
    }

    static func dryrun(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return }
        let name = ctx.args.string(2)
        guard let u = ext.acl.user(name, engine: ctx.engine) else { ctx.out.error("ERR User '\(name)' not found"); return }
        guard var cmd = ctx.engine.commandTable.lookup(ctx.args[3]) else {
            ctx.out.error("ERR Command '\(ctx.args.string(3))' not found"); return
        }
        let sub = ctx.args.dropping(first: 3)
        if cmd.isContainer, sub.count > 1, let s = ctx.engine.findSubcommand(cmd, sub[1]) { cmd = s }
        if (cmd.arity > 0 && sub.count != cmd.arity) || sub.count < -cmd.arity {
            ctx.out.error(RedisError.arity(cmd.fullName)); return
        }
        switch ext.aclDenial(u, cmd, sub) {
        case nil: ctx.out.ok()
        case .command(let n)?: ctx.out.bulk("This user has no permissions to run the '\(n)' command")
        case .key(let k)?: ctx.out.bulk("This user has no permissions to access the '\(k)' key")
        case .channel(let c)?: ctx.out.bulk("This user has no permissions to access the '\(c)' channel")
        }
    }

    static func genpass(_ ctx: inout CommandContext) {
        var bits = 256
        if ctx.argc > 2 {
            guard let b = ctx.int(2), b > 0, b <= 4096 else {
                ctx.out.error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
                return
            }
            bits = b
        }
        let chars = (bits + 3) / 4
        let digits = Array("0123456789abcdef".utf8)
        var g = SystemRandomNumberGenerator()
        var s: [UInt8] = []
        for _ in 0..<chars { s.append(digits[Int(g.next() & 15)]) }
        ctx.out.bulk(s)
    }

    static func log(_ ctx: inout CommandContext) { logCommand(&ctx) }

    static func help(_ ctx: inout CommandContext) {
        let lines = [
            "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CAT [<category>]", "    List all commands that belong to <category>, or all command categories", "    when no category is specified.",
            "DELUSER <username> [<username> ...]", "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]", "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>", "    Get the user's details.",
            "GENPASS [<bits>]", "    Generate a secure 256-bit user password. The optional `bits` argument can", "    be used to specify a different size.",
            "LIST", "    Show users details in config file format.",
            "LOAD", "    Reload users from the ACL file.",
            "LOG [<count> | RESET]", "    Show the ACL log entries.",
            "SAVE", "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]", "    Create or modify a user with the specified attributes.",
            "USERS", "    List all the registered usernames.",
            "WHOAMI", "    Return the current connection username.",
            "HELP", "    Print this help.",
        ]
        ctx.out.arrayHeader(lines.count)
        for l in lines { ctx.out.simple(l) }
    }
}

// MARK: - `user` lines of a config file

extension ACLCommands {
    /// Checks one config-file `user <name> <rules…>` line (`args` without the directive) as Redis's
    /// ACLAppendUserForLoading does; nil when valid, else the FATAL CONFIG FILE ERROR reason.
    public static func checkUserDirective(_ args: [String], previous: [[String]]) -> String? {
        guard let name = args.first else { return "wrong number of arguments" }
        if name.utf8.contains(where: { $0 == 0 || $0 == 0x20 || (0x09...0x0d).contains($0) }) {
            return "Error in user declaration '\(name)': Usernames can't contain spaces or null characters"
        }
        if previous.contains(where: { $0.first == name }) { return "Duplicate user '\(name)' found" }
        let (ops, err) = mergeSelectors(Array(args.dropFirst()))
        if let err { return err.hasPrefix("ERR ") ? String(err.dropFirst(4)) : err }
        var scratch = ACLUser(name: name)
        for op in ops {
            if let e = scratch.apply(op) {
                let shown = op.hasPrefix(">") || op.hasPrefix("<") ? String(op.prefix(1)) + "<redacted>" : op
                return "Error in user declaration '\(shown)': \(e)"
            }
        }
        return nil
    }

    /// Creates the users a config file declares (after `requirepass`, like Redis's
    /// ACLLoadUsersAtStartup): each line starts from `reset`. A `default` line whose password is the
    /// one `requirepass` gives keeps the default user following `requirepass`.
    public static func loadConfiguredUsers(_ engine: Engine) {
        engine.lock.withLock {
            guard let ext = SessionStateExtension.of(engine), !engine.config.aclUsers.isEmpty else { return }
            let acl = ext.acl
            for line in engine.config.aclUsers {
                guard let name = line.first else { continue }
                var user = ACLUser(name: name)
                // The default user exists already: Redis resets it before applying the line.
                if name == "default" { _ = user.apply("reset") }
                for op in mergeSelectors(Array(line.dropFirst())).0 { _ = user.apply(op) }
                if name == "default" {
                    let pass = engine.config.requirePass?.value ?? ""
                    let followsRequirePass = user.enabled && !pass.isEmpty && !user.noPass
                        && user.passwords == [SHA256.hex(Array(pass.utf8))]
                    if !followsRequirePass {
                        acl.defaultFollowsRequirePass = false
                        engine.config.requirePass = user.noPass && user.enabled ? nil : RedactedSecret(requirePassFromACL)
                    }
                }
                acl.users[name] = user
            }
            engine.config.aclUsers = []
            acl.recomputeRestricted()
            installAuthenticator(engine, ext)
        }
    }
}
