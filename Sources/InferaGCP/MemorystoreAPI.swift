import InferaHTTP

/// One REST call as a value: what the builders return and the tests check against the discovery document.
public struct APICall: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: String
    public var body: [UInt8]?

    public init(method: HTTPMethod, url: String, body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.body = body
    }
}

/// Request builders for Memorystore for Redis v1 (providers.md §1.1).
public struct MemorystoreAPI: Sendable, Hashable {
    /// Base URL ending in `/` (`https://redis.googleapis.com/` or an override).
    public var base: String
    public var project: String
    public var region: String

    public init(base: String, project: String, region: String) {
        self.base = GCPEndpoints.slash(base)
        self.project = project
        self.region = region
    }

    public var parent: String { "projects/\(project)/locations/\(region)" }
    public func instanceName(_ id: String) -> String { "\(parent)/instances/\(id)" }

    public func get(_ id: String) -> APICall { APICall(method: .GET, url: base + "v1/" + instanceName(id)) }

    public func list(pageToken: String? = nil) -> APICall {
        var url = base + "v1/\(parent)/instances?pageSize=1000"
        if let t = pageToken { url += "&pageToken=" + FormEncoding.escape(t) }
        return APICall(method: .GET, url: url)
    }

    public func create(_ id: String, _ instance: RedisInstance) throws -> APICall {
        APICall(method: .POST, url: base + "v1/\(parent)/instances?instanceId=" + FormEncoding.escape(id),
                body: try JSONCoding.encode(instance.withoutOutputFields))
    }

    /// PATCH with `updateMask` = the comma-joined field names; the body carries only those fields.
    public func patch(_ id: String, _ instance: RedisInstance, mask: [String]) throws -> APICall {
        APICall(method: .PATCH, url: base + "v1/" + instanceName(id) + "?updateMask=" + FormEncoding.escape(mask.joined(separator: ",")),
                body: try JSONCoding.encode(MemorystoreDiff.masked(instance.withoutOutputFields, mask)))
    }

    public func upgrade(_ id: String, version: String) throws -> APICall {
        APICall(method: .POST, url: base + "v1/" + instanceName(id) + ":upgrade",
                body: try JSONCoding.encode(["redisVersion": version]))
    }

    public func delete(_ id: String) -> APICall { APICall(method: .DELETE, url: base + "v1/" + instanceName(id)) }

    public func authString(_ id: String) -> APICall { APICall(method: .GET, url: base + "v1/" + instanceName(id) + "/authString") }

    /// `operations.list` for the region.
    public func operations() -> APICall { APICall(method: .GET, url: base + "v1/\(parent)/operations?pageSize=100") }

    /// `operations.get` for an operation name `projects/…/operations/…`.
    public func operation(_ name: String) -> APICall { APICall(method: .GET, url: base + "v1/" + name) }
}

/// Request builders for Secret Manager v1 (providers.md §1.6).
public struct SecretManagerAPI: Sendable, Hashable {
    public var base: String
    public var project: String

    public init(base: String, project: String) {
        self.base = GCPEndpoints.slash(base)
        self.project = project
    }

    public func secretName(_ id: String) -> String { "projects/\(project)/secrets/\(id)" }

    public func getSecret(_ id: String) -> APICall { APICall(method: .GET, url: base + "v1/" + secretName(id)) }

    public func createSecret(_ id: String, labels: [String: String]) throws -> APICall {
        struct Body: Encodable {
            struct Replication: Encodable { var automatic: [String: String] = [:] }
            var replication = Replication()
            var labels: [String: String]
        }
        return APICall(method: .POST, url: base + "v1/projects/\(project)/secrets?secretId=" + FormEncoding.escape(id),
                       body: try JSONCoding.encode(Body(labels: labels)))
    }

    /// `addVersion` with the payload in standard base64 and its CRC32C as a decimal string.
    public func addVersion(_ id: String, payload: [UInt8]) throws -> APICall {
        struct Body: Encodable {
            struct Payload: Encodable { var data: String; var dataCrc32c: String }
            var payload: Payload
        }
        let data = JSONBase64.encode(payload)
        return APICall(method: .POST, url: base + "v1/" + secretName(id) + ":addVersion",
                       body: try JSONCoding.encode(Body(payload: .init(data: data, dataCrc32c: String(CRC32C.checksum(payload))))))
    }

    /// `PATCH …?updateMask=labels`.
    public func patchLabels(_ id: String, _ labels: [String: String]) throws -> APICall {
        APICall(method: .PATCH, url: base + "v1/" + secretName(id) + "?updateMask=labels", body: try JSONCoding.encode(["labels": labels]))
    }

    public func accessLatest(_ id: String) -> APICall {
        APICall(method: .GET, url: base + "v1/" + secretName(id) + "/versions/latest:access")
    }

    public func deleteSecret(_ id: String) -> APICall { APICall(method: .DELETE, url: base + "v1/" + secretName(id)) }
}

/// Service Usage `services:batchGet` (is each API enabled).
public struct ServiceUsageAPI: Sendable, Hashable {
    public var base: String
    public var project: String
    public init(base: String, project: String) {
        self.base = GCPEndpoints.slash(base)
        self.project = project
    }

    public func batchGet(_ services: [String]) -> APICall {
        let q = services.map { "names=" + FormEncoding.escape("projects/\(project)/services/\($0)") }.joined(separator: "&")
        return APICall(method: .GET, url: base + "v1/projects/\(project)/services:batchGet?" + q)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

enum JSONBase64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func decode(_ s: String) -> [UInt8]? { Data(base64Encoded: s).map(Array.init) }
}

/// CRC-32C (Castagnoli), what Secret Manager's `dataCrc32c` holds.
public enum CRC32C {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
