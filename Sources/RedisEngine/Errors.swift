/// Redis 7.0's error replies, word for word (the leading code included).
public enum RedisError {
    public static let wrongType: StaticString = "WRONGTYPE Operation against a key holding the wrong kind of value"
    public static let notInteger: StaticString = "ERR value is not an integer or out of range"
    public static let notFloat: StaticString = "ERR value is not a valid float"
    public static let syntax: StaticString = "ERR syntax error"
    public static let noSuchKey: StaticString = "ERR no such key"
    public static let indexOutOfRange: StaticString = "ERR index out of range"
    public static let overflow: StaticString = "ERR increment or decrement would overflow"
    public static let nanOrInfinity: StaticString = "ERR increment would produce NaN or Infinity"
    public static let dbIndexOutOfRange: StaticString = "ERR DB index is out of range"
    public static let noAuth: StaticString = "NOAUTH Authentication required."
    public static let wrongPass: StaticString = "WRONGPASS invalid username-password pair or user is disabled."
    public static let authNotConfigured: StaticString = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
    public static let bitOffset: StaticString = "ERR bit offset is not an integer or out of range"
    public static let bitValue: StaticString = "ERR bit is not an integer or out of range"
    public static let stringTooLong: StaticString = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    public static let hashNotInteger: StaticString = "ERR hash value is not an integer"
    public static let hashNotFloat: StaticString = "ERR hash value is not a float"
    public static let invalidCursor: StaticString = "ERR invalid cursor"
    public static let timeoutNotFloat: StaticString = "ERR timeout is not a float or out of range"
    public static let sameSourceDest: StaticString = "ERR source and destination objects are the same"
    public static let oom: StaticString = "OOM command not allowed when used memory > 'maxmemory'."
    public static let nokey: StaticString = "ERR no such key"
    public static let selectNotAllowed: StaticString = "ERR SELECT is not allowed in cluster mode"
    public static let noProto: StaticString = "NOPROTO unsupported protocol version"
    public static let dbIndexNotInteger: StaticString = "ERR value is not an integer or out of range"

    /// `ERR wrong number of arguments for '<name>' command`
    public static func arity(_ fullName: String) -> String {
        "ERR wrong number of arguments for '\(fullName)' command"
    }

    /// `ERR invalid expire time in '<name>' command`
    public static func invalidExpire(_ fullName: String) -> String {
        "ERR invalid expire time in '\(fullName)' command"
    }

    /// `ERR unknown command '<name>', with args beginning with: '<a>' '<b>' `
    public static func unknownCommand(_ args: [String]) -> String {
        var tail = ""
        var i = 1
        while i < args.count && tail.utf8.count < 128 {
            let room = 128 - tail.utf8.count
            tail += "'" + String(decoding: Array(args[i].utf8.prefix(room)), as: UTF8.self) + "' "
            i += 1
        }
        let name = String(decoding: Array((args.first ?? "").utf8.prefix(128)), as: UTF8.self)
        return "ERR unknown command '\(name)', with args beginning with: \(tail)"
    }

    /// `ERR unknown subcommand '<sub>'. Try <CMD> HELP.`
    public static func unknownSubcommand(_ sub: String, _ container: String) -> String {
        let s = String(decoding: Array(sub.utf8.prefix(128)), as: UTF8.self)
        return "ERR unknown subcommand '\(s)'. Try \(container.uppercased()) HELP."
    }
}
