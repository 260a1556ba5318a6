import Foundation
import InferaTestSupport
import Testing

// GEO commands against redis-server 7.0: scores (52-bit geohashes), coordinates, distances and
// search results must match byte for byte, including the order of unsorted GEORADIUS results.

enum GeoCases {
    static let basics = DiffCase("geo-basics-errors", """
    geoadd Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
    geoadd Sicily 13.361389 38.115556 Palermo
    geoadd Sicily CH 13.361390 38.115556 Palermo 14.0 37.0 New
    geoadd Sicily NX 1 1 Palermo 2 2 Other
    geoadd Sicily XX CH 13.361389 38.115556 Palermo 3 3 Missing
    geoadd Sicily NX XX 1 1 a
    geoadd Sicily 1 1
    geoadd Sicily 200 100 bad
    geoadd Sicily 1 85.06 bad
    geoadd Sicily abc 1 bad
    geoadd Sicily 1 abc bad
    geoadd Sicily CH CH 1 2 a
    geoadd Sicily XX
    zrange Sicily 0 -1 WITHSCORES
    geodist Sicily Palermo Catania
    geodist Sicily Palermo Catania km
    geodist Sicily Palermo Catania MI
    geodist Sicily Palermo Catania ft
    geodist Sicily Palermo Catania furlong
    geodist Sicily Palermo Catania km extra
    geodist Sicily Palermo nosuch
    geodist nokey a b
    geodist Sicily Palermo Palermo
    geohash Sicily Palermo Catania nosuch
    geohash nokey a b
    geopos Sicily Palermo Catania nosuch
    geopos nokey a
    geopos Sicily
    hello 3 ~hello
    geopos Sicily Palermo Catania
    georadius Sicily 15 37 200 km WITHCOORD
    hello 2 ~hello
    set str x
    geoadd str 1 1 a
    geopos str a
    geohash str a
    geodist str a b
    georadius str 15 37 200 km
    geosearch str FROMLONLAT 15 37 BYRADIUS 200 km
    geoadd zero 0 0 origin -180 -85.05112878 corner 180 85.05112878 other
    geopos zero origin corner other
    geohash zero origin corner other
    zadd raw 0 a -5 b 4503599627370496 c 9007199254740993 d
    geopos raw a b c d
    geohash raw a b c
    """)

    static let searches = DiffCase("geo-radius-search", """
    geoadd Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento 12.758489 38.788135 edge1 17.241510 38.788135 edge2
    georadius Sicily 15 37 200 km
    georadius Sicily 15 37 200 km ASC
    georadius Sicily 15 37 200 km DESC
    georadius Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH
    georadius Sicily 15 37 200 km WITHDIST ASC COUNT 1
    georadius Sicily 15 37 200 km COUNT 2 ANY
    georadius Sicily 15 37 200 km ANY
    georadius Sicily 15 37 200 km COUNT 0
    georadius Sicily 15 37 200 km COUNT -3
    georadius Sicily 15 37 200 km COUNT x
    georadius Sicily 15 37 200 km COUNT
    georadius Sicily 15 37 -1 km
    georadius Sicily 15 37 abc km
    georadius Sicily 15 37 200 parsec
    georadius Sicily 15 37 200 km STORE dst
    zrange dst 0 -1 WITHSCORES
    georadius Sicily 15 37 200 km STOREDIST dd
    zrange dd 0 -1 WITHSCORES
    georadius Sicily 15 37 200 km STORE dst WITHDIST
    georadius Sicily 15 37 1 m STORE dst
    exists dst
    georadius nokey 15 37 200 km STORE dd
    exists dd
    georadius nokey 15 37 200 km
    georadius_ro Sicily 15 37 200 km STORE dst
    georadius_ro Sicily 15 37 200 km WITHDIST
    georadiusbymember Sicily Palermo 200 km
    georadiusbymember Sicily Palermo 200 km WITHDIST DESC
    georadiusbymember Sicily nosuch 200 km
    georadiusbymember nokey nosuch 200 km
    georadiusbymember nokey nosuch 200 km STORE x
    georadiusbymember Sicily Palermo 200 km STOREDIST bm
    zrange bm 0 -1 WITHSCORES
    georadiusbymember_ro Sicily Palermo 100 km WITHCOORD
    geosearch Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC
    geosearch Sicily FROMMEMBER Palermo BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH
    geosearch Sicily FROMLONLAT 15 37 BYBOX 400 400 km DESC COUNT 2
    geosearch Sicily FROMLONLAT 15 37 BYBOX 400 400 km
    geosearch Sicily FROMLONLAT 15 37 BYRADIUS 200 km BYBOX 1 1 km
    geosearch Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 200 km
    geosearch Sicily BYRADIUS 200 km
    geosearch Sicily FROMLONLAT 15 37
    geosearch Sicily FROMMEMBER nosuch BYRADIUS 200 km
    geosearch Sicily FROMLONLAT 15 37 BYBOX -1 2 km
    geosearch Sicily FROMLONLAT 15 37 BYBOX a 2 km
    geosearch Sicily FROMLONLAT 15 37 BYBOX 1 b km
    geosearch Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x
    geosearch Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
    geosearch nokey FROMMEMBER x BYRADIUS 200 km
    geosearch nokey FROMLONLAT 15 37 BYRADIUS 200 km
    geosearch Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY
    geosearchstore dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km
    zrange dst 0 -1 WITHSCORES
    geosearchstore dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST COUNT 2 DESC
    zrange dst 0 -1 WITHSCORES
    geosearchstore dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST
    geosearchstore dst Sicily FROMLONLAT 0 0 BYRADIUS 1 m
    exists dst
    geosearchstore dst nokey FROMLONLAT 0 0 BYRADIUS 1 m
    geoadd wide -179.9 0 a 179.9 0 b 0 85 c 0 -85 d 0 0 e 90 45 f
    georadius wide 0 0 20000 km
    georadius wide 0 0 5000 km WITHDIST
    georadius wide 179.95 0 50 km WITHDIST
    geosearch wide FROMLONLAT 0 84 BYBOX 4000 400 km WITHDIST
    georadius wide 0 0 0 m
    """)

    /// Many random points around a center and random searches over them (unsorted results too,
    /// so the cell walk order and the in-cell order must be Redis's).
    static func random(seed: UInt64, points: Int, queries: Int, lon: Double, lat: Double, spread: Double) -> DiffCase {
        var rng = SplitMix(seed: seed)
        func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        var lines: [String] = []
        var add = ["geoadd", "pts"]
        for i in 0..<points {
            let x = max(-180, min(180, lon + (unit() - 0.5) * spread))
            let y = max(-85, min(85, lat + (unit() - 0.5) * spread))
            add += [String(format: "%.6f", x), String(format: "%.6f", y), "p\(i)"]
        }
        lines.append(add.joined(separator: " "))
        let units = ["m", "km", "mi", "ft"]
        for q in 0..<queries {
            let x = max(-180, min(180, lon + (unit() - 0.5) * spread))
            let y = max(-85, min(85, lat + (unit() - 0.5) * spread))
            let u = units[q % units.count]
            let scale: Double = u == "km" ? 1 : u == "m" ? 1000 : u == "mi" ? 0.62 : 3280
            let r = (unit() * spread * 60 + 1) * scale
            let cx = String(format: "%.6f", x), cy = String(format: "%.6f", y), rs = String(format: "%.3f", r)
            switch q % 6 {
            case 0: lines.append("georadius pts \(cx) \(cy) \(rs) \(u)")
            case 1: lines.append("georadius pts \(cx) \(cy) \(rs) \(u) WITHDIST WITHHASH WITHCOORD ASC")
            case 2: lines.append("georadiusbymember pts p\(q % points) \(rs) \(u) WITHDIST DESC COUNT 7")
            case 3: lines.append("geosearch pts FROMLONLAT \(cx) \(cy) BYBOX \(rs) \(String(format: "%.3f", r / 2)) \(u) WITHDIST")
            case 4: lines.append("geosearch pts FROMMEMBER p\(q % points) BYRADIUS \(rs) \(u) ASC COUNT 5 ANY")
            default:
                lines.append("geosearchstore st pts FROMLONLAT \(cx) \(cy) BYRADIUS \(rs) \(u) STOREDIST")
                lines.append("zrange st 0 -1 WITHSCORES")
            }
        }
        lines.append("geopos pts p0 p1 p2 p3")
        lines.append("geohash pts p0 p1 p2 p3")
        lines.append("geodist pts p0 p1 km")
        return DiffCase("geo-random-\(seed)", lines.joined(separator: "\n"))
    }

    static var all: [DiffCase] {
        [
            basics, searches,
            random(seed: 1, points: 200, queries: 60, lon: 13.4, lat: 38.1, spread: 4),
            random(seed: 2, points: 150, queries: 40, lon: -122.4, lat: 37.7, spread: 0.2),
            random(seed: 3, points: 150, queries: 40, lon: 0, lat: 75, spread: 30),
            random(seed: 4, points: 100, queries: 30, lon: 179, lat: -40, spread: 6),
        ]
    }
}

@Suite("GEO: differential vs redis-server 7.0")
struct GeoDifferentialTests {
    @Test func geoCommands() throws { try runCases(GeoCases.all) }
}
