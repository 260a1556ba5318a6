/// The arguments of one decoded command, stored contiguously and reused between commands.
///
/// `Argv` keeps every argument's bytes in one growing array plus an array of end offsets, so
/// decoding a command allocates nothing once the buffers have grown to the connection's usual
/// command size. Slices handed out by the subscript are only valid until the next `reset()`.
public struct Argv: Sendable {
    /// Every argument's bytes, back to back.
    public private(set) var storage: [UInt8]
    /// `ends[i]` is the offset just past argument `i` in `storage`.
    public private(set) var ends: [Int]

    /// An empty argument vector.
    public init() {
        storage = []
        storage.reserveCapacity(256)
        ends = []
        ends.reserveCapacity(16)
    }

    private init(storage: [UInt8], ends: [Int]) {
        self.storage = storage
        self.ends = ends
    }

    /// An empty argument vector that allocates nothing (a placeholder while the real one is borrowed).
    public static var empty: Argv { Argv(storage: [], ends: []) }

    /// An argument vector holding `args` (convenience for tests and internal calls).
    public init(_ args: [String]) {
        self.init()
        for a in args { append(Array(a.utf8)) }
    }

    /// An argument vector holding `args`.
    public init(bytes args: [[UInt8]]) {
        self.init()
        for a in args { append(a) }
    }

    /// Number of arguments.
    @inlinable public var count: Int { ends.count }
    /// True when there are no arguments.
    @inlinable public var isEmpty: Bool { ends.isEmpty }

    /// Bytes of argument `i`.
    @inlinable public subscript(i: Int) -> ArraySlice<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1]
        return storage[start..<ends[i]]
    }

    /// Start offset of argument `i` in `storage`.
    @inlinable public func start(_ i: Int) -> Int { i == 0 ? 0 : ends[i - 1] }

    /// Length in bytes of argument `i`.
    @inlinable public func length(_ i: Int) -> Int { ends[i] - start(i) }

    mutating func storageReserve(_ additional: Int) {
        storage.reserveCapacity(storage.count + additional)
    }

    /// Removes every argument, keeping capacity.
    public mutating func reset() {
        storage.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Appends one argument.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        storage.append(contentsOf: bytes)
        ends.append(storage.count)
    }

    /// Appends one argument from raw memory.
    public mutating func append(raw: UnsafeRawBufferPointer) {
        storage.append(contentsOf: raw)
        ends.append(storage.count)
    }

    /// Replaces argument `i` (used by commands that rewrite their argv, e.g. for propagation).
    public mutating func replace(_ i: Int, with bytes: [UInt8]) {
        var all = (0..<count).map { Array(self[$0]) }
        all[i] = bytes
        reset()
        for a in all { append(a) }
    }

    /// Removes the first `n` arguments (used to run a queued or nested command).
    public func dropping(first n: Int) -> Argv {
        var out = Argv()
        if n < count { for i in n..<count { out.append(self[i]) } }
        return out
    }

    /// Argument `i` as a String (lossy UTF-8), for messages and non-hot paths.
    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// Every argument as an array of byte arrays.
    public var arrays: [[UInt8]] { (0..<count).map { Array(self[$0]) } }

    /// True when argument `i` equals `upper` ignoring ASCII case. `upper` must be upper case ASCII.
    @inlinable public func equals(_ i: Int, _ upper: StaticString) -> Bool {
        let s = start(i), e = ends[i]
        if e - s != upper.utf8CodeUnitCount { return false }
        let p = upper.utf8Start
        return storage.withUnsafeBufferPointer { buf in
            var j = 0
            var k = s
            while k < e {
                var c = buf[k]
                if c >= 97 && c <= 122 { c -= 32 }
                if c != p[j] { return false }
                j += 1; k += 1
            }
            return true
        }
    }
}
