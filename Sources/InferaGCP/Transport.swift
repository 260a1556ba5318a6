import Foundation

/// One HTTP request as a value, the way the GCP layer hands it to a transport.
public struct GCPHTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    /// Header names as sent; `Authorization` values are secrets and never logged.
    public var headers: [String: String]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [String: String] = [:], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response as a value.
public struct GCPHTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends HTTP requests. The apply engine's libcurl client is adapted to this; tests use closures.
public protocol GCPHTTPTransport: Sendable {
    /// Sends one request; throws `GCPTransportError` when no HTTP response arrived.
    func send(_ request: GCPHTTPRequest) async throws -> GCPHTTPResponse
}

/// No HTTP response at all (connection refused, reset, timeout, DNS).
public struct GCPTransportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A transport made of a closure (tests, adapters).
public struct ClosureTransport: GCPHTTPTransport {
    let body: @Sendable (GCPHTTPRequest) async throws -> GCPHTTPResponse
    public init(_ body: @escaping @Sendable (GCPHTTPRequest) async throws -> GCPHTTPResponse) { self.body = body }
    public func send(_ request: GCPHTTPRequest) async throws -> GCPHTTPResponse { try await body(request) }
}

/// Wall-clock time and waiting, injected so tests never sleep.
public protocol GCPClock: Sendable {
    /// Seconds since 1970.
    func now() -> Double
    /// Waits `seconds` (a manual clock just advances).
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemClock: GCPClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}

/// A clock that only moves when slept on or advanced (tests).
public final class ManualClock: GCPClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    private var slept: [Double] = []
    public init(start: Double = 1_700_000_000) { current = start }
    public func now() -> Double { lock.withLock { current } }
    public func sleep(seconds: Double) async throws {
        lock.withLock { current += max(0, seconds); slept.append(seconds) }
    }
    public func advance(_ seconds: Double) { lock.withLock { current += seconds } }
    /// Every sleep asked for, in order.
    public var sleeps: [Double] { lock.withLock { slept } }
}

/// A secret value (token, AUTH string, connection URL): its description never shows it.
public struct Sensitive: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value itself; read it only to send it where it belongs.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "(sensitive)" }
    public var debugDescription: String { "(sensitive)" }
}
