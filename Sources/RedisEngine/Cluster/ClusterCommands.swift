import RESP

/// CLUSTER (the read-only subcommands clients and `redis-cli --cluster check` use), ASKING, READONLY
/// and READWRITE. Every engine has them (as redis-server has): without `ClusterNode.install` they
/// answer `This instance has cluster support disabled`. The topology is fixed at start, so the
/// subcommands that change it answer with an error that says so.
enum ClusterCommands {
    static let disabled = "ERR This instance has cluster support disabled"

    /// `handler`, run only on a cluster node; standalone engines reply `disabled`.
    static func clusterOnly(_ handler: @escaping CommandHandler) -> CommandHandler {
        { ctx in
            guard ctx.engine.clusterNode != nil else { ctx.out.error(disabled); return }
            handler(&ctx)
        }
    }

    static var all: [CommandSpec] {
        [
            CatalogSpec.make("cluster", group: "cluster", since: "3.0.0", summary: "A container for Redis Cluster commands",
                             subcommands: subcommands) { ctx in
                ctx.out.error(RedisError.unknownSubcommand(ctx.args.string(1), "cluster"))
            },
            CatalogSpec.make("asking", group: "cluster", since: "3.0.0", summary: "Sent by cluster clients after an -ASK redirect", clusterOnly { ctx in
                node(ctx)?.sessionState(ctx.session).asking = true
                ctx.out.ok()
            }),
            CatalogSpec.make("readonly", group: "cluster", since: "3.0.0", summary: "Enables read queries for a connection to a Redis Cluster replica node", clusterOnly { ctx in
                node(ctx)?.sessionState(ctx.session).readOnly = true
                ctx.out.ok()
            }),
            CatalogSpec.make("readwrite", group: "cluster", since: "3.0.0", summary: "Disables read queries for a connection to a Redis Cluster replica node", clusterOnly { ctx in
                node(ctx)?.sessionState(ctx.session).readOnly = false
                ctx.out.ok()
            }),
        ]
    }

    static func node(_ ctx: CommandContext) -> ClusterNode? { ctx.engine.clusterNode }

    static func sub(_ name: String, _ summary: String, _ handler: @escaping CommandHandler) -> CommandSpec {
        CatalogSpec.make("cluster|" + name, group: "cluster", since: "3.0.0", summary: summary, clusterOnly(handler))
    }

    static let fixedTopology = ["addslots", "addslotsrange", "bumpepoch", "delslots", "delslotsrange", "failover", "flushslots",
                                "forget", "meet", "replicate", "reset", "set-config-epoch", "setslot"]

    static var subcommands: [CommandSpec] {
        var out: [CommandSpec] = [
            sub("info", "Provides info about Redis Cluster node state") { ctx in
                guard let n = node(ctx) else { return }
                ctx.out.verbatim(n.infoText())
            },
            sub("myid", "Return the node id") { ctx in
                guard let n = node(ctx) else { return }
                ctx.out.bulk(n.myself.id)
            },
            sub("nodes", "Get Cluster config for the node") { ctx in
                guard let n = node(ctx) else { return }
                ctx.out.verbatim(n.nodesText(now: ctx.now))
            },
            sub("slots", "Get array of Cluster slot to node mappings") { ctx in
                guard let n = node(ctx) else { return }
                ctx.out.arrayHeader(n.topology.nodes.count)
                for node in n.topology.nodes {
                    ctx.out.arrayHeader(3)
                    ctx.out.integer(node.firstSlot)
                    ctx.out.integer(node.lastSlot)
                    ctx.out.arrayHeader(4)
                    ctx.out.bulk(node.host)
                    ctx.out.integer(node.port)
                    ctx.out.bulk(node.id)
                    ctx.out.mapHeader(0)
                }
            },
            sub("shards", "Get array of cluster slots to node mappings") { ctx in
                guard let n = node(ctx) else { return }
                ctx.out.arrayHeader(n.topology.nodes.count)
                for node in n.topology.nodes {
                    ctx.out.mapHeader(2)
                    ctx.out.bulk("slots")
                    ctx.out.arrayHeader(2)
                    ctx.out.integer(node.firstSlot)
                    ctx.out.integer(node.lastSlot)
                    ctx.out.bulk("nodes")
                    ctx.out.arrayHeader(1)
                    ctx.out.mapHeader(7)
                    ctx.out.bulk("id"); ctx.out.bulk(node.id)
                    ctx.out.bulk("port"); ctx.out.integer(node.port)
                    ctx.out.bulk("ip"); ctx.out.bulk(node.host)
                    ctx.out.bulk("endpoint"); ctx.out.bulk(node.host)
                    ctx.out.bulk("role"); ctx.out.bulk("master")
                    ctx.out.bulk("replication-offset"); ctx.out.integer(0)
                    ctx.out.bulk("health"); ctx.out.bulk("online")
                }
            },
            sub("keyslot", "Returns the hash slot of the specified key") { ctx in
                ctx.out.integer(KeySlot.slot(of: ctx.args[2]))
            },
            sub("countkeysinslot", "Return the number of local keys in the specified hash slot") { ctx in
                guard let n = node(ctx), let slot = ctx.intOrReply(2) else { return }
                guard slot >= 0 && slot < KeySlot.count else { ctx.out.error("ERR Invalid slot"); return }
                ctx.out.integer(n.countKeys(ctx.engine, slot: slot))
            },
            sub("getkeysinslot", "Return local key names in the specified hash slot") { ctx in
                guard let n = node(ctx), let slot = ctx.intOrReply(2), let limit = ctx.intOrReply(3) else { return }
                guard slot >= 0 && slot < KeySlot.count && limit >= 0 else {
                    ctx.out.error("ERR Invalid slot or number of keys"); return
                }
                let keys = n.keys(ctx.engine, slot: slot, limit: limit)
                ctx.out.arrayHeader(keys.count)
                for k in keys { k.withBytes { ctx.out.bulk(raw: $0) } }
            },
            sub("links", "Returns a list of all TCP links to and from peer nodes in cluster") { ctx in
                ctx.out.arrayHeader(0)   // one process: no cluster bus links
            },
            sub("count-failure-reports", "Return the number of failure reports active for a given node") { ctx in
                guard let n = node(ctx) else { return }
                let id = ctx.args.string(2)
                guard n.topology.nodes.contains(where: { $0.id == id }) else { ctx.out.error("ERR Unknown node \(id)"); return }
                ctx.out.integer(0)
            },
            sub("replicas", "List replica nodes of the specified master node") { ctx in replicas(&ctx) },
            sub("slaves", "List replica nodes of the specified master node") { ctx in replicas(&ctx) },
            sub("saveconfig", "Forces the node to save cluster state on disk") { ctx in ctx.out.ok() },
            sub("help", "Show helpful text about the different subcommands") { ctx in
                KeyCommands.replyHelp(&ctx, "CLUSTER", [
                    "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
                    "GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
                    "INFO", "    Return information about the cluster.",
                    "KEYSLOT <key>", "    Return the hash slot for <key>.",
                    "MYID", "    Return the node id.",
                    "NODES", "    Return cluster configuration seen by node. Output format:",
                    "    <id> <ip:port@bus-port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
                    "SHARDS", "    Return information about slot range mappings and the nodes associated with them.",
                    "SLOTS", "    Return information about slots range mappings. Each range is made of:",
                    "    start, end, master and replicas IP addresses, ports and ids",
                    "LINKS", "    Return information about all network links between this node and its peers.",
                ])
            },
        ]
        for name in fixedTopology {
            out.append(sub(name, "Not supported: the topology is fixed at start") { ctx in
                ctx.out.error("ERR CLUSTER \(name.uppercased()) is not supported by infera server: the layout is fixed at start (--cluster-shards N)")
            })
        }
        return out
    }

    static func replicas(_ ctx: inout CommandContext) {
        guard let n = node(ctx) else { return }
        let id = ctx.args.string(2)
        guard n.topology.nodes.contains(where: { $0.id == id }) else { ctx.out.error("ERR Unknown node \(id)"); return }
        ctx.out.arrayHeader(0)
    }
}

extension ClusterNode {
    func sessionState(_ s: ClientSession) -> ClusterSessionState {
        s.state(ClusterSessionState.self) { ClusterSessionState() }
    }

    /// CLUSTER INFO text.
    func infoText() -> String {
        let n = topology.nodes.count
        let lines = [
            "cluster_state:ok",
            "cluster_slots_assigned:\(KeySlot.count)",
            "cluster_slots_ok:\(KeySlot.count)",
            "cluster_slots_pfail:0",
            "cluster_slots_fail:0",
            "cluster_known_nodes:\(n)",
            "cluster_size:\(n)",
            "cluster_current_epoch:\(topology.nodes.map(\.epoch).max() ?? 0)",
            "cluster_my_epoch:\(myself.epoch)",
            "cluster_stats_messages_sent:0",
            "cluster_stats_messages_received:0",
            "total_cluster_links_buffer_limit_exceeded:0",
        ]
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// CLUSTER NODES text: one line per node, `myself` flagged.
    func nodesText(now: Int64) -> String {
        var s = ""
        for (i, node) in topology.nodes.enumerated() {
            let me = i == index
            s += "\(node.id) \(node.host):\(node.port)@\(node.busPort) \(me ? "myself,master" : "master") - 0 \(me ? 0 : now) \(node.epoch) connected"
            s += node.firstSlot == node.lastSlot ? " \(node.firstSlot)" : " \(node.firstSlot)-\(node.lastSlot)"
            s += "\n"
        }
        return s
    }
}
