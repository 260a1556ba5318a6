/// A Redis list: a growable ring buffer of byte strings with O(1) push/pop at both ends
/// and O(1) indexing (Redis's quicklist gives the same complexities for the common operations).
public struct RedisList: Sendable {
    @usableFromInline var buffer: ContiguousArray<ByteString>
    @usableFromInline var head: Int = 0
    /// Number of elements.
    public private(set) var count: Int = 0
    /// Sum of the elements' lengths, kept up to date by every mutation (memory accounting).
    public private(set) var byteCount: Int = 0

    /// An empty list.
    public init() { buffer = ContiguousArray(repeating: ByteString.empty, count: 4) }

    /// A list holding `elements` in order.
    public init<S: Sequence>(_ elements: S) where S.Element == ByteString {
        self.init()
        for e in elements { pushBack(e) }
    }

    public var isEmpty: Bool { count == 0 }

    @inline(__always) private func slot(_ i: Int) -> Int { (head + i) & (buffer.count - 1) }

    private mutating func grow() {
        let cap = buffer.count
        var nb = ContiguousArray<ByteString>(repeating: .empty, count: cap * 2)
        for i in 0..<count { nb[i] = buffer[slot(i)] }
        buffer = nb
        head = 0
    }

    /// Shrinks storage when the list got much smaller than its buffer.
    private mutating func maybeShrink() {
        let cap = buffer.count
        if cap > 64 && count * 8 < cap {
            var nc = cap
            while nc > 4 && count * 4 < nc { nc /= 2 }
            var nb = ContiguousArray<ByteString>(repeating: .empty, count: nc)
            for i in 0..<count { nb[i] = buffer[slot(i)] }
            buffer = nb
            head = 0
        }
    }

    /// Inserts at the head (LPUSH).
    public mutating func pushFront(_ e: ByteString) {
        if count == buffer.count { grow() }
        head = (head - 1) & (buffer.count - 1)
        buffer[head] = e
        count += 1
        byteCount += e.count
    }

    /// Appends at the tail (RPUSH).
    public mutating func pushBack(_ e: ByteString) {
        if count == buffer.count { grow() }
        buffer[slot(count)] = e
        count += 1
        byteCount += e.count
    }

    /// Removes and returns the head element.
    public mutating func popFront() -> ByteString? {
        guard count > 0 else { return nil }
        let e = buffer[head]
        byteCount -= e.count
        buffer[head] = .empty
        head = (head + 1) & (buffer.count - 1)
        count -= 1
        if count == 0 { head = 0 }
        maybeShrink()
        return e
    }

    /// Removes and returns the tail element.
    public mutating func popBack() -> ByteString? {
        guard count > 0 else { return nil }
        let s = slot(count - 1)
        let e = buffer[s]
        byteCount -= e.count
        buffer[s] = .empty
        count -= 1
        if count == 0 { head = 0 }
        maybeShrink()
        return e
    }

    /// Element at 0-based position `i` (must be in range).
    public subscript(i: Int) -> ByteString {
        get { buffer[slot(i)] }
        set {
            let s = slot(i)
            byteCount += newValue.count - buffer[s].count
            buffer[s] = newValue
        }
    }

    /// First element, if any.
    public var first: ByteString? { count > 0 ? self[0] : nil }
    /// Last element, if any.
    public var last: ByteString? { count > 0 ? self[count - 1] : nil }

    /// Inserts `e` before position `i` (0...count).
    public mutating func insert(_ e: ByteString, at i: Int) {
        if i == 0 { pushFront(e); return }
        if i == count { pushBack(e); return }
        if count == buffer.count { grow() }
        if i < count / 2 {
            // shift the first i elements one to the left
            head = (head - 1) & (buffer.count - 1)
            for k in 0..<i { buffer[slot(k)] = buffer[slot(k + 1)] }
        } else {
            var k = count
            while k > i { buffer[slot(k)] = buffer[slot(k - 1)]; k -= 1 }
        }
        buffer[slot(i)] = e
        count += 1
        byteCount += e.count
    }

    /// Removes the element at position `i`.
    public mutating func remove(at i: Int) {
        byteCount -= buffer[slot(i)].count
        if i < count / 2 {
            var k = i
            while k > 0 { buffer[slot(k)] = buffer[slot(k - 1)]; k -= 1 }
            buffer[head] = .empty
            head = (head + 1) & (buffer.count - 1)
        } else {
            for k in i..<(count - 1) { buffer[slot(k)] = buffer[slot(k + 1)] }
            buffer[slot(count - 1)] = .empty
        }
        count -= 1
        if count == 0 { head = 0 }
        maybeShrink()
    }

    /// Keeps only the elements in `start...end` (already clamped, may be empty when start > end).
    public mutating func keep(from start: Int, through end: Int) {
        if start > end || start >= count || end < 0 { removeAll(); return }
        let s = max(0, start), e = min(count - 1, end)
        for k in 0..<s { byteCount -= buffer[slot(k)].count; buffer[slot(k)] = .empty }
        var k = e + 1
        while k < count { byteCount -= buffer[slot(k)].count; buffer[slot(k)] = .empty; k += 1 }
        head = slot(s)
        count = e - s + 1
        maybeShrink()
    }

    /// Removes every element.
    public mutating func removeAll() {
        buffer = ContiguousArray(repeating: ByteString.empty, count: 4)
        head = 0
        count = 0
        byteCount = 0
    }

    /// Removes elements equal to `value`: from the head when `limit > 0` (at most `limit`),
    /// from the tail when `limit < 0` (at most `-limit`), all when 0. Returns how many.
    public mutating func removeMatching(_ value: ByteString, limit: Int) -> Int {
        var removed = 0
        let maxRemove = limit == 0 ? Int.max : limit.magnitude > UInt(Int.max) ? Int.max : Int(limit.magnitude)
        if limit >= 0 {
            var w = 0
            for r in 0..<count {
                let e = buffer[slot(r)]
                if removed < maxRemove, e == value {
                    removed += 1
                    continue
                }
                if w != r { buffer[slot(w)] = e }
                w += 1
            }
            var k = w
            while k < count { buffer[slot(k)] = .empty; k += 1 }
            count = w
        } else {
            var w = count - 1
            var r = count - 1
            while r >= 0 {
                let e = buffer[slot(r)]
                if removed < maxRemove, e == value {
                    removed += 1
                    r -= 1
                    continue
                }
                if w != r { buffer[slot(w)] = e }
                w -= 1
                r -= 1
            }
            // elements now live in w+1 ..< count
            if w >= 0 { for k in 0...w { buffer[slot(k)] = .empty } }
            head = slot(w + 1)
            count -= removed
        }
        byteCount -= value.count * removed
        if count == 0 { head = 0 }
        maybeShrink()
        return removed
    }

    /// Index of the first element equal to `value`, searching from the head.
    public func firstIndex(of value: ByteString) -> Int? {
        for i in 0..<count where buffer[slot(i)] == value { return i }
        return nil
    }

    /// Calls `body` with each element from `start` through `end` (clamped indexes).
    @inlinable public func forEach(from start: Int, through end: Int, _ body: (ByteString) -> Void) {
        if start > end { return }
        let mask = buffer.count - 1
        var i = start
        while i <= end {
            body(buffer[(head + i) & mask])
            i += 1
        }
    }

    /// All elements, head to tail.
    public var elements: [ByteString] {
        var out: [ByteString] = []
        out.reserveCapacity(count)
        forEach(from: 0, through: count - 1) { out.append($0) }
        return out
    }

    /// Bytes Redis 7.0 would allocate for this list, in O(1) (`MemoryModel.list`).
    public var approximateBytes: Int { MemoryModel.list(count: count, bytes: byteCount) }
}
