#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Geohash arithmetic as Redis 7.0's geohash.c / geohash_helper.c do it: 26 steps per axis
/// interleaved into a 52-bit score (latitude on even bits, longitude on odd bits), latitude
/// limited to ±85.05112878 (Web Mercator), the same haversine distance and search-area choice
/// (a center box plus its eight neighbours at a step estimated from the radius).
public enum GeoHash {
    public static let stepMax = 26
    public static let latMin = -85.05112878, latMax = 85.05112878
    public static let lonMin = -180.0, lonMax = 180.0
    static let earthRadius = 6372797.560856
    static let mercatorMax = 20037726.37
    static let degToRad = Double.pi / 180.0

    /// A geohash cell: `bits` at `step` bits per axis. step 0 = "none" (a discarded neighbour).
    public struct Bits: Equatable, Sendable {
        public var bits: UInt64
        public var step: Int
        var isZero: Bool { bits == 0 && step == 0 }
    }

    /// A decoded cell.
    public struct Area: Sendable {
        var lonMin = 0.0, lonMax = 0.0, latMin = 0.0, latMax = 0.0
    }

    @inlinable static func rad(_ d: Double) -> Double { d * (Double.pi / 180.0) }
    @inlinable static func deg(_ r: Double) -> Double { r / (Double.pi / 180.0) }

    static func spread(_ v: UInt32) -> UInt64 {
        var x = UInt64(v)
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | (x << 2)) & 0x3333_3333_3333_3333
        x = (x | (x << 1)) & 0x5555_5555_5555_5555
        return x
    }

    static func squash(_ v: UInt64) -> UInt64 {
        var x = v & 0x5555_5555_5555_5555
        x = (x | (x >> 1)) & 0x3333_3333_3333_3333
        x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF
        x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF
        x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF
        return x
    }

    /// Encodes a point within the given ranges; nil where Redis's geohashEncode fails.
    static func encode(lon: Double, lat: Double, step: Int,
                       lonRange: (Double, Double) = (lonMin, lonMax),
                       latRange: (Double, Double) = (latMin, latMax)) -> Bits? {
        if step > 32 || step == 0 { return nil }
        if lon > 180 || lon < -180 || lat > 85.05112878 || lat < -85.05112878 { return nil }
        if lat < latRange.0 || lat > latRange.1 || lon < lonRange.0 || lon > lonRange.1 { return nil }
        var latOffset = (lat - latRange.0) / (latRange.1 - latRange.0)
        var lonOffset = (lon - lonRange.0) / (lonRange.1 - lonRange.0)
        let scale = Double(UInt64(1) << UInt64(step))
        latOffset *= scale
        lonOffset *= scale
        let la = UInt32(truncatingIfNeeded: UInt64(latOffset))
        let lo = UInt32(truncatingIfNeeded: UInt64(lonOffset))
        return Bits(bits: spread(la) | (spread(lo) << 1), step: step)
    }

    /// The cell a hash names (geohashDecode).
    static func decode(_ h: Bits) -> Area? {
        if h.isZero { return nil }
        let la = squash(h.bits), lo = squash(h.bits >> 1)
        let scale = Double(UInt64(1) << UInt64(h.step))
        let latScale = latMax - latMin, lonScale = lonMax - lonMin
        var a = Area()
        a.latMin = latMin + (Double(la) * 1.0 / scale) * latScale
        a.latMax = latMin + ((Double(la) + 1) * 1.0 / scale) * latScale
        a.lonMin = lonMin + (Double(lo) * 1.0 / scale) * lonScale
        a.lonMax = lonMin + ((Double(lo) + 1) * 1.0 / scale) * lonScale
        return a
    }

    /// The center of the cell of a stored score: (longitude, latitude), clamped like Redis.
    public static func decodeScore(_ score: Double) -> (lon: Double, lat: Double)? {
        // C's (uint64_t) cast as x86-64 compilers emit it (negative and huge scores wrap the same way).
        let bits: UInt64
        if score < 9223372036854775808.0 {
            bits = score >= -9223372036854775808.0 ? UInt64(bitPattern: Int64(score)) : 0x8000_0000_0000_0000
        } else {
            let t = score - 9223372036854775808.0
            bits = t < 9223372036854775808.0 ? UInt64(Int64(t)) ^ 0x8000_0000_0000_0000 : 0
        }
        guard let a = decode(Bits(bits: bits, step: stepMax)) else { return nil }
        var lon = (a.lonMin + a.lonMax) / 2
        lon = min(max(lon, lonMin), lonMax)
        var lat = (a.latMin + a.latMax) / 2
        lat = min(max(lat, latMin), latMax)
        return (lon, lat)
    }

    /// The 52-bit score GEOADD stores for a point.
    public static func score(lon: Double, lat: Double) -> UInt64 {
        encode(lon: lon, lat: lat, step: stepMax)?.bits ?? 0
    }

    /// The standard 11-character geohash (re-encoded over ±90 latitude) GEOHASH replies.
    public static func standardString(score: Double) -> String? {
        guard let (lon, lat) = decodeScore(score) else { return nil }
        let bits = encode(lon: lon, lat: lat, step: stepMax, lonRange: (-180, 180), latRange: (-90, 90))?.bits ?? 0
        let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz".utf8)
        var out: [UInt8] = []
        for i in 0..<11 {
            let idx = i == 10 ? 0 : Int((bits >> UInt64(52 - (i + 1) * 5)) & 0x1f)
            out.append(alphabet[idx])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: distances

    static func latDistance(_ lat1: Double, _ lat2: Double) -> Double {
        earthRadius * abs(rad(lat2) - rad(lat1))
    }

    /// Haversine distance in meters (geohashGetDistance).
    public static func distance(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
        let lon1r = rad(lon1), lon2r = rad(lon2)
        let v = sin((lon2r - lon1r) / 2)
        if v == 0 { return latDistance(lat1, lat2) }
        let lat1r = rad(lat1), lat2r = rad(lat2)
        let u = sin((lat2r - lat1r) / 2)
        let a = u * u + cos(lat1r) * cos(lat2r) * v * v
        return 2.0 * earthRadius * asin(a.squareRoot())
    }

    // MARK: search areas

    /// A search shape in meters-per-unit `conversion`: a circle of `radius` or a `width` x `height` box.
    public struct Shape: Sendable {
        public var lon = 0.0, lat = 0.0
        public var conversion = 1.0
        public var isBox = false
        public var radius = 0.0
        public var width = 0.0, height = 0.0
    }

    static func estimateSteps(_ rangeMeters: Double, _ lat: Double) -> Int {
        if rangeMeters == 0 { return 26 }
        var range = rangeMeters
        var step = 1
        while range < mercatorMax {
            range *= 2
            step += 1
        }
        step -= 2
        if lat > 66 || lat < -66 {
            step -= 1
            if lat > 80 || lat < -80 { step -= 1 }
        }
        return min(max(step, 1), 26)
    }

    static func boundingBox(_ s: Shape) -> (minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        let height = s.conversion * (s.isBox ? s.height / 2 : s.radius)
        let width = s.conversion * (s.isBox ? s.width / 2 : s.radius)
        let latDelta = deg(height / earthRadius)
        let lonDeltaTop = deg(width / earthRadius / cos(rad(s.lat + latDelta)))
        let lonDeltaBottom = deg(width / earthRadius / cos(rad(s.lat - latDelta)))
        let south = s.lat < 0
        return (south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
                s.lat - latDelta,
                south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
                s.lat + latDelta)
    }

    static func moveX(_ h: Bits, _ d: Int) -> Bits {
        if d == 0 { return h }
        var x = h.bits & 0xaaaa_aaaa_aaaa_aaaa
        let y = h.bits & 0x5555_5555_5555_5555
        let zz: UInt64 = 0x5555_5555_5555_5555 >> UInt64(64 - h.step * 2)
        if d > 0 { x = x &+ (zz &+ 1) } else { x = x | zz; x = x &- (zz &+ 1) }
        x &= (0xaaaa_aaaa_aaaa_aaaa >> UInt64(64 - h.step * 2))
        return Bits(bits: x | y, step: h.step)
    }

    static func moveY(_ h: Bits, _ d: Int) -> Bits {
        if d == 0 { return h }
        let x = h.bits & 0xaaaa_aaaa_aaaa_aaaa
        var y = h.bits & 0x5555_5555_5555_5555
        let zz: UInt64 = 0xaaaa_aaaa_aaaa_aaaa >> UInt64(64 - h.step * 2)
        if d > 0 { y = y &+ (zz &+ 1) } else { y = y | zz; y = y &- (zz &+ 1) }
        y &= (0x5555_5555_5555_5555 >> UInt64(64 - h.step * 2))
        return Bits(bits: x | y, step: h.step)
    }

    /// The cells to scan, in Redis's order: center, N, S, E, W, NE, NW, SE, SW (discarded ones zero).
    static func searchCells(_ s: Shape) -> [Bits] {
        let b = boundingBox(s)
        var radiusMeters = s.isBox ? ((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2)).squareRoot() : s.radius
        radiusMeters *= s.conversion
        var steps = estimateSteps(radiusMeters, s.lat)
        let zero = Bits(bits: 0, step: 0)
        func cells(_ steps: Int) -> (Bits, [Bits]) {
            let h = encode(lon: s.lon, lat: s.lat, step: steps) ?? Bits(bits: 0, step: steps)
            // north, south, east, west, north_east, north_west, south_east, south_west
            return (h, [moveY(h, 1), moveY(h, -1), moveX(h, 1), moveX(h, -1),
                        moveY(moveX(h, 1), 1), moveY(moveX(h, -1), 1),
                        moveY(moveX(h, 1), -1), moveY(moveX(h, -1), -1)])
        }
        var (hash, n) = cells(steps)
        var decrease = false
        if let north = decode(n[0]), north.latMax < b.maxLat { decrease = true }
        if let south = decode(n[1]), south.latMin > b.minLat { decrease = true }
        if let east = decode(n[2]), east.lonMax < b.maxLon { decrease = true }
        if let west = decode(n[3]), west.lonMin > b.minLon { decrease = true }
        if steps > 1 && decrease {
            steps -= 1
            (hash, n) = cells(steps)
        }
        if steps >= 2, let area = decode(hash) {
            if area.latMin < b.minLat { n[1] = zero; n[7] = zero; n[6] = zero }
            if area.latMax > b.maxLat { n[0] = zero; n[4] = zero; n[5] = zero }
            if area.lonMin < b.minLon { n[3] = zero; n[7] = zero; n[5] = zero }
            if area.lonMax > b.maxLon { n[2] = zero; n[6] = zero; n[4] = zero }
        }
        return [hash] + n
    }

    /// The distance from the shape's center when (lon, lat) lies within the shape, else nil.
    static func distanceIfWithin(_ s: Shape, lon: Double, lat: Double) -> Double? {
        if !s.isBox {
            let d = distance(s.lon, s.lat, lon, lat)
            return d > s.radius * s.conversion ? nil : d
        }
        let w = s.width * s.conversion, h = s.height * s.conversion
        if latDistance(lat, s.lat) > h / 2 { return nil }
        if distance(lon, lat, s.lon, lat) > w / 2 { return nil }
        return distance(s.lon, s.lat, lon, lat)
    }

    /// Redis's LD_STR_HUMAN formatting ("%.17Lf" with trailing zeros removed).
    public static func human(_ d: Double) -> String {
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([d]) { vsnprintf(&buf, 512, "%.17f", $0) }
        var bytes = buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }
        if bytes.contains(UInt8(ascii: ".")) {
            while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        }
        if bytes == [UInt8(ascii: "-"), UInt8(ascii: "0")] { bytes = [UInt8(ascii: "0")] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "%.4f" as GEODIST and WITHDIST reply.
    public static func fixed4(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([d]) { vsnprintf(&buf, 512, "%.4f", $0) }
        return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "%f" as the invalid-pair error shows coordinates.
    public static func plainF(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([d]) { vsnprintf(&buf, 512, "%f", $0) }
        return String(decoding: buf.prefix(Int(min(Int(n), 511))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
