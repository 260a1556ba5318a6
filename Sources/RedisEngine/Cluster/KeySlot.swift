/// Redis Cluster key slots: CRC16 (XMODEM, polynomial 0x1021) of the key, or of the part between the
/// first `{` and the next `}` when that part is not empty (a hash tag), modulo 16384.
public enum KeySlot {
    /// Number of slots in a Redis cluster.
    public static let count = 16384

    /// The CRC16 table (polynomial 0x1021, as in Redis's crc16.c).
    @usableFromInline static let table: [UInt16] = (0..<256).map { i -> UInt16 in
        var crc = UInt16(i) << 8
        for _ in 0..<8 { crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    /// CRC16/XMODEM of `bytes`.
    @inlinable public static func crc16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc: UInt16 = 0
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = (crc << 8) ^ t[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ b)] }
        }
        return crc
    }

    /// The slot of a key (Redis's `keyHashSlot`).
    @inlinable public static func slot(_ key: UnsafeRawBufferPointer) -> Int {
        let n = key.count
        var s = 0
        while s < n && key[s] != UInt8(ascii: "{") { s += 1 }
        if s < n {
            var e = s + 1
            while e < n && key[e] != UInt8(ascii: "}") { e += 1 }
            if e < n && e != s + 1 {
                return Int(crc16(UnsafeRawBufferPointer(rebasing: key[(s + 1)..<e])) & 0x3FFF)
            }
        }
        return Int(crc16(key) & 0x3FFF)
    }

    /// The slot of a key given as bytes.
    @inlinable public static func slot<C: Collection>(of key: C) -> Int where C.Element == UInt8 {
        if let r = key.withContiguousStorageIfAvailable({ slot(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(key).withUnsafeBytes { slot($0) }
    }

    /// The slot of a key given as a string.
    public static func slot(of key: String) -> Int { slot(of: Array(key.utf8)) }
}
