/// A fixed cluster layout: N primaries, each owning one contiguous slot range, as `redis-cli --cluster
/// create` assigns them. Immutable: `infera server --cluster-enabled yes` serves it as N listeners.
public struct ClusterTopology: Sendable {
    /// One primary.
    public struct Node: Sendable, Equatable {
        /// 40 hex characters, stable for the same host, port and shard.
        public var id: String
        public var host: String
        public var port: Int
        /// The cluster bus port shown in CLUSTER NODES (`port + 10000`, never listened on).
        public var busPort: Int { port + 10000 }
        /// First and last slot owned (inclusive).
        public var firstSlot: Int
        public var lastSlot: Int
        /// Config epoch (shard number + 1).
        public var epoch: Int
    }

    public let nodes: [Node]
    /// Owning node index of every slot.
    @usableFromInline let owners: [UInt8]

    /// A layout over `nodes` (their slot ranges must cover 0…16383 without overlap).
    public init(nodes: [Node]) {
        self.nodes = nodes
        var owners = [UInt8](repeating: 0, count: KeySlot.count)
        for (i, n) in nodes.enumerated() where n.firstSlot <= n.lastSlot {
            for s in n.firstSlot...n.lastSlot { owners[s] = UInt8(truncatingIfNeeded: i) }
        }
        self.owners = owners
    }

    /// The slot ranges `redis-cli --cluster create` gives `count` primaries (clusterManagerNodeAllocSlots).
    public static func slotRanges(count: Int) -> [ClosedRange<Int>] {
        let n = max(1, count)
        let per = Double(KeySlot.count) / Double(n)
        var out: [ClosedRange<Int>] = []
        var first = 0
        var cursor = 0.0
        for i in 0..<n {
            var last = Int((cursor + per - 1).rounded(.toNearestOrAwayFromZero))
            if last > KeySlot.count || i == n - 1 { last = KeySlot.count - 1 }
            if last < first { last = first }
            out.append(first...last)
            first = last + 1
            cursor += per
        }
        return out
    }

    /// `count` primaries on `host` at the given ports (one per shard), slots split evenly.
    public static func even(host: String, ports: [Int]) -> ClusterTopology {
        let ranges = slotRanges(count: ports.count)
        let nodes = ports.enumerated().map { i, p in
            Node(id: nodeID(host: host, port: p, shard: i), host: host, port: p,
                 firstSlot: ranges[i].lowerBound, lastSlot: ranges[i].upperBound, epoch: i + 1)
        }
        return ClusterTopology(nodes: nodes)
    }

    /// A stable node id: the first 40 hex digits of SHA-256 over the host, port and shard.
    public static func nodeID(host: String, port: Int, shard: Int) -> String {
        String(SHA256.hex(Array("infera-cluster-node \(host):\(port) shard \(shard)".utf8)).prefix(40))
    }

    /// Index of the node owning `slot`.
    @inlinable public func owner(of slot: Int) -> Int { Int(owners[slot]) }
}
