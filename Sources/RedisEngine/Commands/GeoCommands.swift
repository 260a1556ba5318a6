import RESP

/// GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH and
/// GEOSEARCHSTORE (Redis 7.0's geo.c): points are sorted-set members scored by their 52-bit geohash.
public enum GeoCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("geoadd", group: "geo", since: "3.2.0", summary: "Add one or more geospatial items in the geospatial index represented using a sorted set", geoadd),
            CatalogSpec.make("geodist", group: "geo", since: "3.2.0", summary: "Returns the distance between two members of a geospatial index", geodist),
            CatalogSpec.make("geohash", group: "geo", since: "3.2.0", summary: "Returns members of a geospatial index as standard geohash strings", geohash),
            CatalogSpec.make("geopos", group: "geo", since: "3.2.0", summary: "Returns longitude and latitude of members of a geospatial index", geopos),
            CatalogSpec.make("georadius", group: "geo", since: "3.2.0", summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
                             keyFinder: storeKeyFinder(base: 6)) { search(&$0, src: 1, mode: .coords, noStore: false) },
            CatalogSpec.make("georadius_ro", group: "geo", since: "3.2.10", summary: "A read-only variant for GEORADIUS") { search(&$0, src: 1, mode: .coords, noStore: true) },
            CatalogSpec.make("georadiusbymember", group: "geo", since: "3.2.0", summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
                             keyFinder: storeKeyFinder(base: 5)) { search(&$0, src: 1, mode: .member, noStore: false) },
            CatalogSpec.make("georadiusbymember_ro", group: "geo", since: "3.2.10", summary: "A read-only variant for GEORADIUSBYMEMBER") { search(&$0, src: 1, mode: .member, noStore: true) },
            CatalogSpec.make("geosearch", group: "geo", since: "6.2.0", summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.") { search(&$0, src: 1, mode: .search, noStore: false) },
            CatalogSpec.make("geosearchstore", group: "geo", since: "6.2.0", summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.") { search(&$0, src: 2, mode: .searchStore, noStore: false) },
        ]
    }

    /// GEORADIUS keys: the source and the STORE/STOREDIST target.
    static func storeKeyFinder(base: Int) -> @Sendable (Argv) -> [Int] {
        return { argv in
            var keys = argv.count > 1 ? [1] : []
            var i = base
            while i < argv.count {
                if (argv.equals(i, "STORE") || argv.equals(i, "STOREDIST")) && i + 1 < argv.count {
                    keys.append(i + 1)
                    i += 1
                }
                i += 1
            }
            return keys
        }
    }

    static func unit(_ ctx: inout CommandContext, _ i: Int) -> Double? {
        switch ctx.args.string(i).lowercased() {
        case "m": return 1
        case "km": return 1000
        case "ft": return 0.3048
        case "mi": return 1609.34
        default:
            ctx.out.error("ERR unsupported unit provided. please use M, KM, FT, MI")
            return nil
        }
    }

    /// Longitude and latitude at `i`, `i+1`, or nil after replying.
    static func lonLat(_ ctx: inout CommandContext, _ i: Int) -> (Double, Double)? {
        guard let lon = ctx.double(i), let lat = ctx.double(i + 1) else {
            ctx.out.error(RedisError.notFloat)
            return nil
        }
        if lon < GeoHash.lonMin || lon > GeoHash.lonMax || lat < GeoHash.latMin || lat > GeoHash.latMax {
            ctx.out.error("ERR invalid longitude,latitude pair \(GeoHash.plainF(lon)),\(GeoHash.plainF(lat))")
            return nil
        }
        return (lon, lat)
    }

    static func number(_ ctx: inout CommandContext, _ i: Int, _ message: String) -> Double? {
        guard let d = ctx.double(i) else {
            ctx.out.error("ERR " + message)
            return nil
        }
        return d
    }

    // MARK: GEOADD

    static func geoadd(_ ctx: inout CommandContext) {
        var xx = false, nx = false
        var longIdx = 2
        while longIdx < ctx.argc {
            if ctx.argIs(longIdx, "NX") { nx = true } else if ctx.argIs(longIdx, "XX") { xx = true } else if ctx.argIs(longIdx, "CH") {} else { break }
            longIdx += 1
        }
        if (ctx.argc - longIdx) % 3 != 0 || (xx && nx) {
            ctx.out.error(RedisError.syntax)
            return
        }
        var argv: [[UInt8]] = [Array("zadd".utf8)]
        for i in 1..<longIdx { argv.append(Array(ctx.args[i])) }
        var i = longIdx
        while i < ctx.argc {
            guard let (lon, lat) = lonLat(&ctx, i) else { return }
            argv.append(Array(String(GeoHash.score(lon: lon, lat: lat)).utf8))
            argv.append(Array(ctx.args[i + 2]))
            i += 3
        }
        let saved = ctx.args
        ctx.args = Argv(bytes: argv)
        SortedSetCommands.zadd(&ctx)
        ctx.args = saved
    }

    // MARK: point lookups

    static func zset(_ ctx: inout CommandContext, _ key: ByteString) -> (found: ZSetObject?, ok: Bool) {
        switch ctx.fetch(ZSetObject.self, key) {
        case .missing: return (nil, true)
        case .wrongType:
            ctx.wrongType()
            return (nil, false)
        case .found(let z): return (z, true)
        }
    }

    static func geodist(_ ctx: inout CommandContext) {
        var toMeter = 1.0
        if ctx.argc == 5 {
            guard let u = unit(&ctx, 4) else { return }
            toMeter = u
        } else if ctx.argc > 5 {
            ctx.out.error(RedisError.syntax)
            return
        }
        let (z, ok) = zset(&ctx, ctx.key(1))
        guard ok else { return }
        guard let z, let s1 = z.zset.score(of: ctx.arg(2)), let s2 = z.zset.score(of: ctx.arg(3)),
              let p1 = GeoHash.decodeScore(s1), let p2 = GeoHash.decodeScore(s2) else {
            ctx.out.null()
            return
        }
        ctx.out.bulk(GeoHash.fixed4(GeoHash.distance(p1.lon, p1.lat, p2.lon, p2.lat) / toMeter))
    }

    static func geohash(_ ctx: inout CommandContext) {
        let (z, ok) = zset(&ctx, ctx.key(1))
        guard ok else { return }
        ctx.out.arrayHeader(ctx.argc - 2)
        for j in 2..<ctx.argc {
            if let z, let s = z.zset.score(of: ctx.arg(j)), let h = GeoHash.standardString(score: s) {
                ctx.out.bulk(h)
            } else {
                ctx.out.null()
            }
        }
    }

    static func humanDouble(_ ctx: inout CommandContext, _ d: Double) {
        let s = GeoHash.human(d)
        if ctx.out.version == .resp3 {
            ctx.out.raw(Array(("," + s + "\r\n").utf8))
        } else {
            ctx.out.bulk(s)
        }
    }

    static func geopos(_ ctx: inout CommandContext) {
        let (z, ok) = zset(&ctx, ctx.key(1))
        guard ok else { return }
        ctx.out.arrayHeader(ctx.argc - 2)
        for j in 2..<ctx.argc {
            if let z, let s = z.zset.score(of: ctx.arg(j)), let p = GeoHash.decodeScore(s) {
                ctx.out.arrayHeader(2)
                humanDouble(&ctx, p.lon)
                humanDouble(&ctx, p.lat)
            } else {
                ctx.out.nullArray()
            }
        }
    }

    // MARK: searches

    enum Mode { case coords, member, search, searchStore }

    struct Point {
        var lon: Double, lat: Double, dist: Double, score: Double
        var member: ByteString
    }

    static func pointOf(_ z: ZSetObject, _ member: ByteString) -> (lon: Double, lat: Double)? {
        guard let s = z.zset.score(of: member) else { return nil }
        return GeoHash.decodeScore(s)
    }

    /// Distance ("need numeric radius") and unit at `i`, `i+1`.
    static func radius(_ ctx: inout CommandContext, _ i: Int, _ shape: inout GeoHash.Shape) -> Bool {
        guard let d = number(&ctx, i, "need numeric radius") else { return false }
        if d < 0 {
            ctx.out.error("ERR radius cannot be negative")
            return false
        }
        guard let u = unit(&ctx, i + 1) else { return false }
        shape.radius = d
        shape.conversion = u
        shape.isBox = false
        return true
    }

    static func search(_ ctx: inout CommandContext, src: Int, mode: Mode, noStore: Bool) {
        let (zobj, ok) = zset(&ctx, ctx.key(src))
        guard ok else { return }
        var shape = GeoHash.Shape()
        var base: Int
        var storeKey: ByteString?
        var storeDist = false
        switch mode {
        case .coords:
            base = 6
            guard let (lon, lat) = lonLat(&ctx, 2) else { return }
            shape.lon = lon; shape.lat = lat
            guard radius(&ctx, 4, &shape) else { return }
        case .member:
            base = 5
            if let z = zobj {
                guard let p = pointOf(z, ctx.arg(2)) else {
                    ctx.out.error("ERR could not decode requested zset member")
                    return
                }
                shape.lon = p.lon; shape.lat = p.lat
                guard radius(&ctx, 3, &shape) else { return }
            }
        case .search:
            base = 2
        case .searchStore:
            base = 3
            storeKey = ctx.arg(1)
        }
        let isSearch = mode == .search || mode == .searchStore
        var withDist = false, withHash = false, withCoord = false
        var fromMember = false, fromLoc = false, byRadius = false, byBox = false
        var sort = 0  // 0 none, 1 asc, 2 desc
        var any = false
        var count = 0
        let remaining = ctx.argc - base
        var i = 0
        while i < remaining {
            let a = base + i
            if ctx.argIs(a, "WITHDIST") { withDist = true }
            else if ctx.argIs(a, "WITHHASH") { withHash = true }
            else if ctx.argIs(a, "WITHCOORD") { withCoord = true }
            else if ctx.argIs(a, "ANY") { any = true }
            else if ctx.argIs(a, "ASC") { sort = 1 }
            else if ctx.argIs(a, "DESC") { sort = 2 }
            else if ctx.argIs(a, "COUNT") && i + 1 < remaining {
                guard let c = ctx.int64(a + 1) else {
                    ctx.out.error(RedisError.notInteger)
                    return
                }
                if c <= 0 {
                    ctx.out.error("ERR COUNT must be > 0")
                    return
                }
                count = Int(c)
                i += 1
            } else if (ctx.argIs(a, "STORE") || ctx.argIs(a, "STOREDIST")) && i + 1 < remaining && !noStore && !isSearch {
                storeKey = ctx.arg(a + 1)
                storeDist = ctx.argIs(a, "STOREDIST")
                i += 1
            } else if ctx.argIs(a, "STOREDIST") && mode == .searchStore {
                storeDist = true
            } else if ctx.argIs(a, "FROMMEMBER") && i + 1 < remaining && isSearch && !fromLoc {
                if let z = zobj {
                    guard let p = pointOf(z, ctx.arg(a + 1)) else {
                        ctx.out.error("ERR could not decode requested zset member")
                        return
                    }
                    shape.lon = p.lon; shape.lat = p.lat
                }
                fromMember = true
                i += 1
            } else if ctx.argIs(a, "FROMLONLAT") && i + 2 < remaining && isSearch && !fromMember {
                guard let (lon, lat) = lonLat(&ctx, a + 1) else { return }
                shape.lon = lon; shape.lat = lat
                fromLoc = true
                i += 2
            } else if ctx.argIs(a, "BYRADIUS") && i + 2 < remaining && isSearch && !byBox {
                guard radius(&ctx, a + 1, &shape) else { return }
                byRadius = true
                i += 2
            } else if ctx.argIs(a, "BYBOX") && i + 3 < remaining && isSearch && !byRadius {
                guard let w = number(&ctx, a + 1, "need numeric width"), let h = number(&ctx, a + 2, "need numeric height") else { return }
                if h < 0 || w < 0 {
                    ctx.out.error("ERR height or width cannot be negative")
                    return
                }
                guard let u = unit(&ctx, a + 3) else { return }
                shape.width = w; shape.height = h; shape.conversion = u; shape.isBox = true
                byBox = true
                i += 3
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            i += 1
        }
        if storeKey != nil && (withDist || withHash || withCoord) {
            let what = mode == .searchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
            ctx.out.error("ERR \(what) is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
            return
        }
        if isSearch && !(fromMember || fromLoc) {
            ctx.out.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for \(ctx.args.string(0))")
            return
        }
        if isSearch && !(byRadius || byBox) {
            ctx.out.error("ERR exactly one of BYRADIUS and BYBOX can be specified for \(ctx.args.string(0))")
            return
        }
        if any && count == 0 {
            ctx.out.error("ERR the ANY argument requires COUNT argument")
            return
        }
        guard let z = zobj else {
            if let k = storeKey {
                if ctx.deleteKey(k) { ctx.notify(.generic, "del", k) }
                ctx.out.integer(0)
            } else {
                ctx.out.emptyArray()
            }
            return
        }
        if count != 0 && sort == 0 && !any { sort = 1 }
        let limit = any ? count : 0
        var found: [Point] = []
        let cells = GeoHash.searchCells(shape)
        var lastProcessed = 0
        for (ci, cell) in cells.enumerated() {
            if cell.isZero { continue }
            if lastProcessed != 0 && cell == cells[lastProcessed] { continue }
            if !found.isEmpty && limit > 0 && found.count >= limit { break }
            collect(z, cell, shape, limit, &found)
            lastProcessed = ci
        }
        if found.isEmpty && storeKey == nil {
            ctx.out.emptyArray()
            return
        }
        let returned = count == 0 || found.count < count ? found.count : count
        if sort == 1 {
            found = stableSorted(found) { $0.dist < $1.dist }
        } else if sort == 2 {
            found = stableSorted(found) { $0.dist > $1.dist }
        }
        if let key = storeKey {
            if returned > 0 {
                let obj = ZSetObject()
                for p in found.prefix(returned) {
                    obj.zset.set(p.member, score: storeDist ? p.dist / shape.conversion : p.score)
                }
                ctx.setKey(key, .object(obj))
                ctx.notify(.zset, mode == .searchStore ? "geosearchstore" : "georadiusstore", key)
                ctx.engine.dirty += returned - 1
            } else if ctx.deleteKey(key) {
                ctx.notify(.generic, "del", key)
            }
            ctx.out.integer(returned)
            return
        }
        let options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0)
        ctx.out.arrayHeader(returned)
        for p in found.prefix(returned) {
            if options > 0 { ctx.out.arrayHeader(options + 1) }
            ctx.out.bulk(p.member)
            if withDist { ctx.out.bulk(GeoHash.fixed4(p.dist / shape.conversion)) }
            if withHash { ctx.out.integer(Int(p.score)) }
            if withCoord {
                ctx.out.arrayHeader(2)
                humanDouble(&ctx, p.lon)
                humanDouble(&ctx, p.lat)
            }
        }
    }

    static func stableSorted(_ a: [Point], _ less: (Point, Point) -> Bool) -> [Point] {
        a.enumerated().sorted { x, y in
            if less(x.element, y.element) { return true }
            if less(y.element, x.element) { return false }
            return x.offset < y.offset
        }.map { $0.element }
    }

    /// Members whose score lies in the cell's 52-bit range (min inclusive, max exclusive) and inside the shape.
    static func collect(_ z: ZSetObject, _ cell: GeoHash.Bits, _ shape: GeoHash.Shape, _ limit: Int, _ out: inout [Point]) {
        let shift = UInt64(52 - cell.step * 2)
        let lo = Double(cell.bits << shift), hi = Double((cell.bits + 1) << shift)
        let range = ZScoreRange(min: lo, max: hi, minExclusive: false, maxExclusive: true)
        var n = z.zset.firstNode(in: range)
        while n != 0 {
            let score = z.zset.score(n)
            if !range.lteMax(score) { break }
            if let p = GeoHash.decodeScore(score), let d = GeoHash.distanceIfWithin(shape, lon: p.lon, lat: p.lat) {
                out.append(Point(lon: p.lon, lat: p.lat, dist: d, score: score, member: z.zset.member(n)))
            }
            if !out.isEmpty && limit > 0 && out.count >= limit { break }
            n = z.zset.next(n)
        }
    }
}
