import CLuaBridge
import RESP

/// Redis 7.0's conversion rules between replies and Lua values, both ways.
enum LuaReplies {
    /// Reads a command's reply straight from its RESP bytes onto the Lua stack (RESP2 or RESP3 rules,
    /// after `redis.setresp`), with no intermediate values.
    struct ReplyReader {
        let bytes: UnsafeRawBufferPointer
        var pos = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// Pushes the next value; false when the bytes are not a complete reply.
        mutating func push(into L: OpaquePointer, scriptProtocol: RESPVersion, depth: Int = 0) -> Bool {
            guard depth < 64, pos < bytes.count, lua_checkstack(L, 4) != 0 else { return false }
            let type = bytes[pos]
            pos += 1
            guard let line = readLine() else { return false }
            switch type {
            case UInt8(ascii: ":"):
                guard let n = integer(line) else { return false }
                lua_pushnumber(L, Double(n))
            case UInt8(ascii: "$"):
                guard let n = integer(line) else { return false }
                if n < 0 { pushNull(L, scriptProtocol); return true }
                guard let body = blob(n) else { return false }
                pushRaw(L, body)
            case UInt8(ascii: "+"): pushField(L, "ok") { pushRaw(L, line) }
            case UInt8(ascii: "-"): pushField(L, "err") { pushRaw(L, line) }
            case UInt8(ascii: "_"): pushNull(L, scriptProtocol)
            case UInt8(ascii: "#"): lua_pushboolean(L, line.count == 1 && line[0] == UInt8(ascii: "t") ? 1 : 0)
            case UInt8(ascii: "*"), UInt8(ascii: ">"):
                guard let n = integer(line) else { return false }
                if n < 0 { lua_pushboolean(L, 0); return true }
                lua_createtable(L, Int32(clamping: min(n, 1 << 20)), 0)
                var i: Int32 = 1
                for _ in 0..<n {
                    guard push(into: L, scriptProtocol: scriptProtocol, depth: depth + 1) else { return false }
                    lua_rawseti(L, -2, i)
                    i += 1
                }
            case UInt8(ascii: "%"), UInt8(ascii: "~"):
                guard let n = integer(line), n >= 0 else { return false }
                let isMap = type == UInt8(ascii: "%")
                lua_createtable(L, 0, 1)
                lua_createtable(L, 0, Int32(clamping: min(n, 1 << 20)))
                for _ in 0..<n {
                    guard push(into: L, scriptProtocol: scriptProtocol, depth: depth + 1) else { return false }
                    if isMap {
                        guard push(into: L, scriptProtocol: scriptProtocol, depth: depth + 1) else { return false }
                    } else {
                        lua_pushboolean(L, 1)
                    }
                    lua_rawset(L, -3)
                }
                lua_setfield(L, -2, isMap ? "map" : "set")
            case UInt8(ascii: ","):
                let text = String(decoding: line, as: UTF8.self)
                let d: Double
                switch text {
                case "inf": d = .infinity
                case "-inf": d = -.infinity
                default:
                    guard let parsed = Double(text) else { return false }
                    d = parsed
                }
                pushField(L, "double") { lua_pushnumber(L, d) }
            case UInt8(ascii: "("): pushField(L, "big_number") { pushRaw(L, line) }
            case UInt8(ascii: "="):
                guard let n = integer(line), n >= 4, let body = blob(n), body[3] == UInt8(ascii: ":") else { return false }
                pushField(L, "verbatim_string") {
                    lua_createtable(L, 0, 2)
                    pushRaw(L, UnsafeRawBufferPointer(rebasing: body[0..<3]))
                    lua_setfield(L, -2, "format")
                    pushRaw(L, UnsafeRawBufferPointer(rebasing: body[4...]))
                    lua_setfield(L, -2, "string")
                }
            case UInt8(ascii: "|"):
                // An attribute: read and drop its pairs, then the value it annotates.
                guard let n = integer(line), n >= 0 else { return false }
                let top = lua_gettop(L)
                for _ in 0..<(2 * n) {
                    guard push(into: L, scriptProtocol: scriptProtocol, depth: depth + 1) else { return false }
                    lua_settop(L, top)
                }
                return push(into: L, scriptProtocol: scriptProtocol, depth: depth)
            default:
                return false
            }
            return true
        }

        /// The bytes up to the next CRLF (consumed).
        private mutating func readLine() -> UnsafeRawBufferPointer? {
            var i = pos
            while i + 1 < bytes.count {
                if bytes[i] == UInt8(ascii: "\r") && bytes[i + 1] == UInt8(ascii: "\n") {
                    let line = UnsafeRawBufferPointer(rebasing: bytes[pos..<i])
                    pos = i + 2
                    return line
                }
                i += 1
            }
            return nil
        }

        /// `n` bytes followed by CRLF (consumed).
        private mutating func blob(_ n: Int) -> UnsafeRawBufferPointer? {
            guard n >= 0, pos + n + 2 <= bytes.count else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + n)])
            pos += n + 2
            return body
        }

        private func integer(_ line: UnsafeRawBufferPointer) -> Int? {
            guard !line.isEmpty else { return nil }
            var negative = false
            var value = 0
            for (i, c) in line.enumerated() {
                if i == 0 && c == UInt8(ascii: "-") { negative = true; continue }
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
                // Int.min's magnitude does not fit on the way: let the standard parser decide.
                if o1 || o2 { return Int(String(decoding: line, as: UTF8.self)) }
                value = a
            }
            return negative ? -value : value
        }

        private func pushNull(_ L: OpaquePointer, _ scriptProtocol: RESPVersion) {
            if scriptProtocol == .resp3 { lua_pushnil(L) } else { lua_pushboolean(L, 0) }
        }

        private func pushRaw(_ L: OpaquePointer, _ b: UnsafeRawBufferPointer) {
            lua_pushlstring(L, b.baseAddress?.assumingMemoryBound(to: CChar.self), b.count)
        }

        private func pushField(_ L: OpaquePointer, _ field: StaticString, _ value: () -> Void) {
            lua_createtable(L, 0, 1)
            value()
            // A StaticString's storage is NUL-terminated.
            lua_setfield(L, -2, UnsafeRawPointer(field.utf8Start).assumingMemoryBound(to: CChar.self))
        }
    }

    /// Writes the Lua value at `index` as the script's reply.
    static func write(_ L: OpaquePointer, index: Int32, into out: inout ReplyWriter, scriptProtocol: RESPVersion, depth: Int = 0) {
        let idx = index < 0 ? lua_gettop(L) + index + 1 : index
        guard depth < 1000, lua_checkstack(L, 4) != 0 else {
            out.error("ERR reached lua stack limit")
            return
        }
        switch lua_type(L, idx) {
        case LUA_TSTRING:
            var len = 0
            let p = infera_lua_tolstring(L, idx, &len)!
            out.bulk(raw: UnsafeRawBufferPointer(start: p, count: len))
        case LUA_TBOOLEAN:
            let b = lua_toboolean(L, idx) != 0
            if scriptProtocol == .resp2 {
                if b { out.integer(1) } else { out.null() }
            } else {
                out.boolean(b)
            }
        case LUA_TNUMBER:
            let d = lua_tonumber(L, idx)
            out.integer(d.isFinite && abs(d) < 9.2e18 ? Int(d) : (d < 0 ? Int.min : Int.max))
        case LUA_TTABLE:
            writeTable(L, idx, into: &out, scriptProtocol: scriptProtocol, depth: depth)
        default:
            out.null()
        }
    }

    private static func writeTable(_ L: OpaquePointer, _ idx: Int32, into out: inout ReplyWriter, scriptProtocol: RESPVersion, depth: Int) {
        // {err=...}: an error reply.
        infera_lua_rawgetfield(L, idx, "err")
        if lua_type(L, -1) == LUA_TSTRING {
            var text = popString(L)
            if text.hasPrefix("-") { text.removeFirst() }
            text = text.replacingNewlines()
            out.error(text)
            return
        }
        infera_lua_pop(L, 1)
        // {ok=...}: a status reply.
        infera_lua_rawgetfield(L, idx, "ok")
        if lua_type(L, -1) == LUA_TSTRING {
            out.simple(popString(L).replacingNewlines())
            return
        }
        infera_lua_pop(L, 1)
        infera_lua_rawgetfield(L, idx, "double")
        if lua_type(L, -1) == LUA_TNUMBER {
            let d = lua_tonumber(L, -1)
            infera_lua_pop(L, 1)
            out.double(d)
            return
        }
        infera_lua_pop(L, 1)
        infera_lua_rawgetfield(L, idx, "big_number")
        if lua_type(L, -1) == LUA_TSTRING {
            let s = popString(L)
            if out.isRESP3 { out.raw(Array("(\(s)\r\n".utf8)) } else { out.bulk(s) }
            return
        }
        infera_lua_pop(L, 1)
        infera_lua_rawgetfield(L, idx, "map")
        if infera_lua_istable(L, -1) {
            let t = lua_gettop(L)
            var count = 0
            lua_pushnil(L)
            while lua_next(L, t) != 0 { count += 1; infera_lua_pop(L, 1) }
            out.mapHeader(count)
            lua_pushnil(L)
            while lua_next(L, t) != 0 {
                write(L, index: -2, into: &out, scriptProtocol: scriptProtocol, depth: depth + 1)
                write(L, index: -1, into: &out, scriptProtocol: scriptProtocol, depth: depth + 1)
                infera_lua_pop(L, 1)
            }
            infera_lua_pop(L, 1)
            return
        }
        infera_lua_pop(L, 1)
        infera_lua_rawgetfield(L, idx, "set")
        if infera_lua_istable(L, -1) {
            let t = lua_gettop(L)
            var count = 0
            lua_pushnil(L)
            while lua_next(L, t) != 0 { count += 1; infera_lua_pop(L, 1) }
            out.setHeader(count)
            lua_pushnil(L)
            while lua_next(L, t) != 0 {
                write(L, index: -2, into: &out, scriptProtocol: scriptProtocol, depth: depth + 1)
                infera_lua_pop(L, 1)
            }
            infera_lua_pop(L, 1)
            return
        }
        infera_lua_pop(L, 1)
        // An array: elements 1, 2, … up to the first nil.
        var n: Int32 = 0
        while true {
            lua_rawgeti(L, idx, n + 1)
            let isNil = infera_lua_isnil(L, -1)
            infera_lua_pop(L, 1)
            if isNil { break }
            n += 1
        }
        out.arrayHeader(Int(n))
        if n == 0 { return }
        for i in 1...n {
            lua_rawgeti(L, idx, i)
            write(L, index: -1, into: &out, scriptProtocol: scriptProtocol, depth: depth + 1)
            infera_lua_pop(L, 1)
        }
    }

    /// Pushes a table of `count` arguments of `args` from `from` (KEYS, ARGV, a function's arguments).
    static func pushArgs(_ L: OpaquePointer, _ args: Argv, from: Int, count: Int) {
        let n = max(count, 0)
        lua_createtable(L, Int32(n), 0)
        guard n > 0 else { return }
        args.storage.withUnsafeBytes { storage in
            for i in 0..<n {
                let start = args.start(from + i)
                let p = storage.baseAddress.map { ($0 + start).assumingMemoryBound(to: CChar.self) }
                lua_pushlstring(L, p, args.length(from + i))
                lua_rawseti(L, -2, Int32(i + 1))
            }
        }
    }

    static func popString(_ L: OpaquePointer) -> String {
        var len = 0
        guard let p = infera_lua_tolstring(L, -1, &len) else { infera_lua_pop(L, 1); return "" }
        let s = String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
        infera_lua_pop(L, 1)
        return s
    }
}

extension String {
    /// Status and error replies are one line: Redis replaces CR and LF with spaces.
    func replacingNewlines() -> String {
        guard contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return self }
        return String(map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
