import CCurl
import Dispatch

/// The real transport: libcurl easy handles, one pool per host so connections (and TLS sessions)
/// are reused between requests to the same provider. TLS verification is always on; the CA bundle,
/// proxies and timeouts come from `TransportSettings`. Each transfer runs on a Dispatch worker so
/// the blocking `curl_easy_perform` never occupies a Swift concurrency thread.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    public let settings: TransportSettings
    private let lock = Lock()
    private var idle: [String: [OpaquePointer]] = [:]
    /// At most this many idle handles are kept per host.
    private let maxIdlePerHost = 4

    private static let globalInit: Bool = { infera_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    /// Why libcurl cannot be loaded (it is opened on first use, not linked: see CCurl/shim.h), nil when it is.
    public static var libcurlLoadError: String? { infera_curl_load_error().map { String(cString: $0) } }

    public init(settings: TransportSettings = TransportSettings()) {
        _ = Self.globalInit
        self.settings = settings
    }

    deinit {
        for (_, handles) in idle { for h in handles { infera_curl_easy_cleanup(UnsafeMutableRawPointer(h)) } }
    }

    /// The libcurl version string (e.g. `libcurl/7.88.1 OpenSSL/3.0.17 …`).
    public static var libcurlVersion: String { String(cString: infera_curl_version()) }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let parts = URLParts(request.url) else {
            throw HTTPError(.invalidURL, url: request.url, message: "expected http:// or https://")
        }
        let key = parts.scheme + "://" + parts.authority.lowercased()
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponse, any Error>) in
            DispatchQueue.global().async {
                cont.resume(with: Result { try self.perform(request, parts: parts, key: key) })
            }
        }
    }

    private func checkout(_ key: String) -> OpaquePointer? {
        if let h = lock.withLock({ idle[key]?.popLast() }) { return h }
        return infera_curl_easy_init().map { OpaquePointer($0) }
    }

    private func checkin(_ h: OpaquePointer, _ key: String) {
        let keep = lock.withLock { () -> Bool in
            if idle[key, default: []].count < maxIdlePerHost { idle[key, default: []].append(h); return true }
            return false
        }
        if !keep { infera_curl_easy_cleanup(UnsafeMutableRawPointer(h)) }
    }

    final class Sink {
        var body: [UInt8] = []
        var headerLines: [String] = []
    }

    private func perform(_ request: HTTPRequest, parts: URLParts, key: String) throws -> HTTPResponse {
        guard let op = checkout(key) else {
            if let why = Self.libcurlLoadError {
                throw HTTPError(.other, url: request.url, message: "libcurl could not be loaded (\(why)); install it: apt-get install libcurl4 (Debian/Ubuntu), dnf install libcurl (Fedora)")
            }
            throw HTTPError(.other, url: request.url, message: "curl_easy_init failed")
        }
        let h = UnsafeMutableRawPointer(op)
        var reusable = true
        defer { if reusable { checkin(op, key) } else { infera_curl_easy_cleanup(h) } }
        infera_curl_easy_reset(h)

        var errbuf = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let sink = Sink()
        let sinkPtr = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { infera_curl_slist_free_all(headerList) }

        var rc = CURLE_OK
        func set(_ o: CURLoption, _ v: Int) { if rc == CURLE_OK { rc = infera_curl_setopt_long(h, o, v) } }
        func set(_ o: CURLoption, _ s: String) { if rc == CURLE_OK { rc = infera_curl_setopt_string(h, o, s) } }

        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = settings.caBundle { set(CURLOPT_CAINFO, ca) }
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        set(CURLOPT_TIMEOUT_MS, Int((request.timeout ?? settings.totalTimeout) * 1000))
        set(CURLOPT_USERAGENT, settings.userAgent)
        // Proxies: set explicitly (an empty string disables libcurl's own environment lookup).
        let proxy = parts.scheme == "https" ? settings.httpsProxy : settings.httpProxy
        set(CURLOPT_PROXY, proxy ?? "")
        if let np = settings.noProxy { set(CURLOPT_NOPROXY, np) }
        set(CURLOPT_ACCEPT_ENCODING, "")

        // libcurl silently re-sends a request whose reused connection turns out to be dead. For a
        // request that must not be repeated (a create without an idempotency key) that would make a
        // second resource, so such requests always get a fresh connection.
        if request.retryable == false || (request.retryable == nil && !request.method.isIdempotent) {
            set(CURLOPT_FRESH_CONNECT, 1)
        }
        switch request.method {
        case .GET: set(CURLOPT_HTTPGET, 1)
        case .HEAD: set(CURLOPT_NOBODY, 1)
        default:
            set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if request.method != .GET && request.method != .HEAD && (!request.body.isEmpty || request.method == .POST) {
            if rc == CURLE_OK { rc = infera_curl_setopt_offset(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)) }
            if rc == CURLE_OK {
                rc = request.body.withUnsafeBytes { infera_curl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)) }
            }
        }
        var headers = request.headers
        if headers["Expect"] == nil { headers["Expect"] = "" }
        if request.body.isEmpty, request.method != .GET, request.method != .HEAD, headers["Content-Type"] == nil { headers["Content-Type"] = "" }
        for f in headers {
            let line = f.value.isEmpty ? "\(f.name):" : "\(f.name): \(f.value)"
            headerList = infera_curl_slist_append(headerList, line)
        }
        if rc == CURLE_OK { rc = infera_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList) }

        let write: infera_curl_data_cb = { ptr, size, n, ud in
            let count = size * n
            guard let ud, let ptr else { return count }
            let s = Unmanaged<Sink>.fromOpaque(ud).takeUnretainedValue()
            ptr.withMemoryRebound(to: UInt8.self, capacity: count) { s.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
            return count
        }
        let header: infera_curl_data_cb = { ptr, size, n, ud in
            let count = size * n
            guard let ud, let ptr else { return count }
            let s = Unmanaged<Sink>.fromOpaque(ud).takeUnretainedValue()
            let line = ptr.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
            s.headerLines.append(line)
            return count
        }
        if rc == CURLE_OK { rc = infera_curl_setopt_callback(h, CURLOPT_WRITEFUNCTION, write) }
        if rc == CURLE_OK { rc = infera_curl_setopt_pointer(h, CURLOPT_WRITEDATA, sinkPtr) }
        if rc == CURLE_OK { rc = infera_curl_setopt_callback(h, CURLOPT_HEADERFUNCTION, header) }
        if rc == CURLE_OK { rc = infera_curl_setopt_pointer(h, CURLOPT_HEADERDATA, sinkPtr) }
        guard rc == CURLE_OK else {
            reusable = false
            throw HTTPError(.other, url: request.url, message: "libcurl rejected an option: \(String(cString: infera_curl_easy_strerror(rc)))")
        }

        let result = errbuf.withUnsafeMutableBufferPointer { buf -> CURLcode in
            _ = infera_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, buf.baseAddress)
            let r = infera_curl_easy_perform(h)
            _ = infera_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, nil)
            return r
        }
        withExtendedLifetime(sink) {}
        guard result == CURLE_OK else {
            reusable = false
            let detail = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let message = detail.isEmpty ? String(cString: infera_curl_easy_strerror(result)) : detail
            throw HTTPError(Self.kind(of: result), url: request.url, message: message)
        }
        var status = 0
        var total = 0.0, connect = 0.0
        var connects = 0
        _ = infera_curl_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        _ = infera_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        _ = infera_curl_getinfo_double(h, CURLINFO_TOTAL_TIME, &total)
        _ = infera_curl_getinfo_double(h, CURLINFO_CONNECT_TIME, &connect)
        return HTTPResponse(status: status, headers: Self.parseHeaders(sink.headerLines), body: sink.body,
                            timing: HTTPTiming(total: total, connect: connect, newConnections: connects))
    }

    /// Headers of the last response block (after any `100 Continue` or proxy CONNECT response).
    static func parseHeaders(_ lines: [String]) -> HTTPHeaders {
        var h = HTTPHeaders()
        for raw in lines {
            let line = raw.trimmingSpaces
            if line.hasPrefix("HTTP/") { h = HTTPHeaders(); continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            h.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces)
        }
        return h
    }

    static func kind(of code: CURLcode) -> HTTPError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT: .cannotConnect
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            .tls
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM: .connectionLost
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidURL
        default: .other
        }
    }
}
