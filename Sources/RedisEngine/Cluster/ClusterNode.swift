import NIOCore
import RESP

/// Something a sharded deployment refuses or treats differently, seen by a cluster node
/// (`infera verify` counts them for a cluster deployment).
public enum ClusterFinding: String, Sendable, CaseIterable {
    /// A multi-key command whose keys hash to different slots (CROSSSLOT).
    case crossSlot = "cross-slot"
    /// A MULTI … EXEC block whose commands touch different slots (CROSSSLOT at EXEC).
    case transactionCrossSlot = "multi-cross-slot"
    /// A script whose keys (declared, or accessed by redis.call) span slots.
    case scriptCrossSlot = "script-cross-slot"
    /// A script accessing a key it was not given in KEYS.
    case scriptUndeclaredKey = "script-undeclared-key"
    /// SELECT of a database other than 0.
    case selectNonZero = "select"
    /// KEYS or SCAN: each sees one node's keys only.
    case keysScan = "keys-scan"
    /// A key asked of a node that does not own its slot (MOVED: the client must follow redirects).
    case redirect = "redirect"
}

/// One finding with the command and the first key involved.
public struct ClusterEvent: Sendable {
    public var finding: ClusterFinding
    /// The command, upper case.
    public var command: String
    /// The first key involved (or SELECT's database, KEYS's pattern), if any.
    public var key: String?
}

/// Per-client cluster state: READONLY/ASKING, and the keys a running script was given.
final class ClusterSessionState {
    var readOnly = false
    var asking = false
    /// Slot of the keys the script in progress declared or touched first (-1: none yet).
    var scriptSlot = -1
    var declaredKeys: [ByteString] = []
    /// The script command in progress (`EVAL`, `FCALL`, …), named in findings about its `redis.call`s.
    var scriptCommand = "EVAL"
}

/// One node of a cluster: the engine extension that routes keys by slot (Redis's `getNodeByQuery`):
/// CROSSSLOT for commands, transactions and scripts whose keys span slots, `-MOVED slot host:port`
/// for keys this node does not own. Each node has its own engine, so its own keyspace.
public final class ClusterNode: EngineExtension, @unchecked Sendable {
    public var hooks: ExtensionHooks { [.beforeCommand, .afterCommand] }
    public let topology: ClusterTopology
    /// This node's index in `topology.nodes`.
    public let index: Int
    /// `infera verify`'s rehearsal: serve every slot here and report `.redirect` instead of MOVED,
    /// so an application's commands run while the cluster rules (CROSSSLOT, SELECT) still apply.
    public var serveAllSlots = false
    /// Called (engine lock held) with each finding; set by `infera verify`.
    public var observer: ((ClusterEvent) -> Void)?
    /// Carries PUBLISH to the other nodes (nil: a single node, nothing to propagate).
    public var bus: ClusterBus?
    /// PUBLISH as registered at install (compared by identity after each command).
    private var publishSpec: CommandSpec?

    static let crossSlotError = "CROSSSLOT Keys in request don't hash to the same slot"

    init(topology: ClusterTopology, index: Int) {
        self.topology = topology
        self.index = index
    }

    /// This node.
    public var myself: ClusterTopology.Node { topology.nodes[index] }

    /// Turns `engine` into node `index` of `topology`: routing before every other extension, the
    /// CLUSTER/ASKING/READONLY/READWRITE commands, `cluster-enabled yes`. Call before serving clients.
    @discardableResult
    public static func install(on engine: Engine, topology: ClusterTopology, index: Int) -> ClusterNode {
        let node = ClusterNode(topology: topology, index: index)
        node.publishSpec = engine.commandTable.lookup(ArraySlice("publish".utf8))
        engine.insertExtension(node, at: 0)
        engine.commandTable.register(ClusterCommands.all)
        engine.config.extra["cluster-enabled"] = "yes"
        return node
    }

    // MARK: routing

    public func beforeCommand(_ ctx: inout CommandContext, _ cmd: CommandSpec) -> Bool {
        if ctx.session.isInternal { return false }
        let args = ctx.args
        if cmd.firstKey == 0 && cmd.keyFinder == nil {
            if cmd.name == "exec" { return checkExec(&ctx) }
            if observer != nil { observeKeyless(ctx, cmd) }
            return false
        }
        var slot = -1
        var firstPos = 0
        if cmd.keyFinder == nil && cmd.lastKey == cmd.firstKey {
            // One key (GET, SET, HSET …): no position array. Scripts have key finders (numkeys).
            let p = cmd.firstKey
            if p >= args.count { return false }
            slot = KeySlot.slot(of: args[p])
            firstPos = p
        } else {
            let isScript = ClusterNode.scriptCommands.contains(cmd.fullName)
            let positions = cmd.keyPositions(args)
            for p in positions where p < args.count {
                let s = KeySlot.slot(of: args[p])
                if slot == -1 {
                    slot = s
                    firstPos = p
                } else if s != slot {
                    report(isScript ? .scriptCrossSlot : .crossSlot, ctx, args.string(firstPos))
                    return reject(&ctx, ClusterNode.crossSlotError)
                }
            }
            if isScript {
                let st = ctx.session.state(ClusterSessionState.self) { ClusterSessionState() }
                st.scriptSlot = slot
                st.scriptCommand = args.string(0).uppercased()
                st.declaredKeys = positions.filter { $0 < args.count }.map { ByteString(args[$0]) }
            }
        }
        if slot < 0 { return false }
        let owner = topology.owner(of: slot)
        if owner != index {
            if observer != nil { report(.redirect, ctx, args.string(firstPos)) }
            if serveAllSlots { return false }
            return reject(&ctx, moved(slot, owner))
        }
        return false
    }

    /// PUBLISH reaches subscribers on every node, as Redis Cluster propagates it over the bus.
    public func afterCommand(_ ctx: inout CommandContext, _ cmd: CommandSpec) {
        guard cmd === publishSpec, let bus, !ctx.session.isInternal, ctx.args.count == 3 else { return }
        bus.broadcastPublish(from: index, channel: Array(ctx.args[1]), message: Array(ctx.args[2]))
    }

    static let scriptCommands: Set<String> = ["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]

    func moved(_ slot: Int, _ owner: Int) -> String {
        let n = topology.nodes[owner]
        return "MOVED \(slot) \(n.host):\(n.port)"
    }

    private func reject(_ ctx: inout CommandContext, _ message: String) -> Bool {
        ctx.engine.stats.rejectedCalls += 1   // MULTI flags the transaction (EXECABORT), as Redis's flagTransaction
        ctx.out.error(message)
        return true
    }

    /// EXEC: every queued command's keys must be in one slot this node owns; otherwise the
    /// transaction is discarded with CROSSSLOT (or MOVED).
    private func checkExec(_ ctx: inout CommandContext) -> Bool {
        guard let m = ctx.session.existingState(MultiState.self), m.inMulti, !m.flagged else { return false }
        var slot = -1
        var firstKey = ""
        var error: String?
        scan: for (argv, spec) in m.queued {
            for p in spec.keyPositions(argv) where p < argv.count {
                let s = KeySlot.slot(of: argv[p])
                if slot == -1 {
                    slot = s
                    firstKey = argv.string(p)
                } else if s != slot {
                    report(.transactionCrossSlot, ctx, firstKey)
                    error = ClusterNode.crossSlotError
                    break scan
                }
            }
        }
        if error == nil, slot >= 0, topology.owner(of: slot) != index, !serveAllSlots {
            error = moved(slot, topology.owner(of: slot))
        }
        guard let error else { return false }
        if let ext = SessionStateExtension.of(ctx.engine) { TransactionCommands.finish(ext, ctx.session, m) }
        return reject(&ctx, error)
    }

    private func observeKeyless(_ ctx: CommandContext, _ cmd: CommandSpec) {
        switch cmd.fullName {
        case "select":
            if ctx.args.count == 2, let n = Int(ctx.args.string(1)), n != 0 { report(.selectNonZero, ctx, String(n)) }
        case "keys":
            report(.keysScan, ctx, ctx.args.count > 1 ? ctx.args.string(1) : nil)
        case "scan":
            report(.keysScan, ctx, nil)
        default:
            break
        }
    }

    private func report(_ finding: ClusterFinding, _ ctx: CommandContext, _ key: String?) {
        guard let observer else { return }
        var name = ctx.args.string(0).uppercased()
        if let c = ctx.command ?? ctx.engine.commandTable.lookup(ctx.args[0]), c.isContainer, ctx.args.count > 1 {
            name += " " + ctx.args.string(1).uppercased()
        }
        observer(ClusterEvent(finding: finding, command: name, key: key))
    }

    // MARK: scripts

    /// Checks a command a script runs (`redis.call`) for `caller`: its keys must be local
    /// (Redis 7.0's scriptVerifyClusterState); a slot other than the script's first is reported. Returns the error text or nil.
    public func scriptAccess(_ cmd: CommandSpec, _ argv: Argv, caller: ClientSession) -> String? {
        if cmd.firstKey == 0 && cmd.keyFinder == nil { return nil }
        let positions = cmd.keyPositions(argv)
        if positions.isEmpty { return nil }
        let st = caller.state(ClusterSessionState.self) { ClusterSessionState() }
        var cmdSlot = -1
        for p in positions where p < argv.count {
            let key = argv[p]
            let s = KeySlot.slot(of: key)
            if observer != nil && !st.declaredKeys.contains(ByteString(key)) {
                observer?(ClusterEvent(finding: .scriptUndeclaredKey, command: st.scriptCommand, key: argv.string(p)))
            }
            if cmdSlot == -1 { cmdSlot = s } else if s != cmdSlot {
                return "ERR Script attempted to access a non local key in a cluster node"
            }
            if topology.owner(of: s) != index && !serveAllSlots {
                return "ERR Script attempted to access a non local key in a cluster node"
            }
            // Redis 7.0 lets a script reach other local slots than its first one; the keys can land on
            // different nodes of the managed cluster (and Redis 7.2 refuses it), so it is reported.
            if st.scriptSlot == -1 {
                st.scriptSlot = s
            } else if st.scriptSlot != s {
                observer?(ClusterEvent(finding: .scriptCrossSlot, command: st.scriptCommand, key: argv.string(p)))
            }
        }
        return nil
    }

    // MARK: keys of a slot

    /// Number of keys of this node's database 0 in `slot`.
    func countKeys(_ engine: Engine, slot: Int) -> Int {
        var n = 0
        let db = engine.databases[0]
        db.main.forEachIndex { i in
            if db.main.key(at: i).withBytes({ KeySlot.slot($0) }) == slot { n += 1 }
        }
        return n
    }

    /// Up to `limit` keys of `slot`.
    func keys(_ engine: Engine, slot: Int, limit: Int) -> [ByteString] {
        var out: [ByteString] = []
        let db = engine.databases[0]
        db.main.forEachIndex { i in
            if out.count < limit {
                let k = db.main.key(at: i)
                if k.withBytes({ KeySlot.slot($0) }) == slot { out.append(k) }
            }
        }
        return out
    }
}

