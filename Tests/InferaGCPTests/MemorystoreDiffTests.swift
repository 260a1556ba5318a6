import Foundation
import InferaPlan
import Testing
@testable import InferaGCP

/// The desired instance, the PATCH mask, `:upgrade` and the replacement reasons, without a network.
@Suite struct MemorystoreDiffTests {
    static let spec = DeploymentSpec(projectName: "shop", environment: "staging", region: "us-central1",
                                     provider: .memorystore(MemorystoreSpec(projectID: "p", tier: "STANDARD_HA", memorySizeGB: 5, replicaCount: 1)))

    func desired(_ change: (inout MemorystoreSpec) -> Void = { _ in }) -> RedisInstance {
        guard case .memorystore(var m) = Self.spec.provider else { fatalError() }
        change(&m)
        return MemorystoreDiff.desired(Self.spec, m, project: "p")
    }

    /// What the API reports for `desired()` after create (plus output fields).
    func live() -> RedisInstance {
        var i = desired()
        i.name = "projects/p/locations/us-central1/instances/shop-redis"
        i.state = "READY"
        i.host = "10.0.0.3"
        i.port = 6378
        return i
    }

    @Test func noChangeWhenLiveMatches() {
        #expect(MemorystoreDiff.compare(desired: desired(), live: live()).isEmpty)
    }

    @Test(arguments: [
        ("memory", ["memorySizeGb"]),
        ("labels", ["labels"]),
        ("configs", ["redisConfigs"]),
        ("auth+memory", ["authEnabled", "memorySizeGb"]),
        ("replicas", ["replicaCount", "readReplicasMode"]),
        ("persistence", ["persistenceConfig"]),
        ("maintenance", ["maintenancePolicy"]),
    ])
    func patchMaskNamesExactlyTheChangedFields(_ what: String, _ mask: [String]) throws {
        let d = desired { m in
            switch what {
            case "memory": m.memorySizeGB = 6
            case "labels": m.redisConfigs = [:]
            case "configs": m.redisConfigs = ["maxmemory-policy": "allkeys-lru"]
            case "auth+memory": m.authEnabled.toggle(); m.memorySizeGB = 10
            case "replicas": m.readReplicas = true; m.replicaCount = 3
            case "persistence": m.persistenceMode = "RDB"; m.snapshotPeriod = "ONE_HOUR"
            case "maintenance": m.maintenance = MaintenanceWindow(day: "SUNDAY", hour: 3)
            default: break
            }
        }
        var l = live()
        if what == "labels" { l.labels?["team"] = "x" }
        let c = MemorystoreDiff.compare(desired: d, live: l)
        #expect(c.updateMask == mask)
        #expect(c.replaceReasons.isEmpty && c.upgradeTo == nil)
        // The PATCH body carries only the masked fields.
        let call = try MemorystoreAPI(base: "https://redis.googleapis.com", project: "p", region: "us-central1").patch("shop-redis", d, mask: c.updateMask)
        #expect(call.url.hasSuffix("?updateMask=" + mask.joined(separator: "%2C")))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(call.body ?? [])) as? [String: Any])
        #expect(Set(body.keys) == Set(mask))
    }

    @Test func newerVersionIsAnUpgradeOlderIsAReplacement() {
        let up = MemorystoreDiff.compare(desired: desired { $0.redisVersion = "REDIS_7_2" }, live: live())
        #expect(up.upgradeTo == "REDIS_7_2" && up.updateMask.isEmpty && up.replaceReasons.isEmpty)
        let down = MemorystoreDiff.compare(desired: desired { $0.redisVersion = "REDIS_6_X" }, live: live())
        #expect(down.upgradeTo == nil && down.replaceReasons.count == 1 && down.replaceReasons[0].contains("downgrade"))
    }

    @Test(arguments: ["tier", "network", "tls", "cmek", "connect"])
    func immutableFieldsAreReplacementsWithAReason(_ what: String) {
        let d = desired { m in
            switch what {
            case "tier": m.tier = "BASIC"; m.replicaCount = 0
            case "network": m.network = "other-vpc"
            case "tls": m.transitEncryption.toggle()
            case "cmek": m.kmsKey = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k"
            case "connect": m.connectMode = "PRIVATE_SERVICE_ACCESS"
            default: break
            }
        }
        let c = MemorystoreDiff.compare(desired: d, live: live())
        #expect(c.replaceReasons.count == 1, "\(c.replaceReasons)")
        #expect(c.replaceReasons.first?.contains("cannot be changed in place") == true)
    }

    @Test func planShowsADowngradeAsReplacement() {
        let d = DesiredState.resources(for: Self.spec).first { $0.type == "google_redis_instance" }!
        var attrs: [String: AttributeValue] = [:]
        for a in d.attributes where a.value.isKnown { attrs[a.name] = a.value }
        attrs["redis_version"] = .string("REDIS_7_2")
        let changes = Differ.diff(desired: [d], observed: ObservedState(resources: [d.address: ObservedResource(type: d.type, name: d.name, attributes: attrs)]))
        #expect(changes.first?.action == .replace)
        #expect(changes.first?.changedAttributes.first { $0.name == "redis_version" }?.forcesReplacement == true)
        attrs["redis_version"] = .string("REDIS_6_X")
        let up = Differ.diff(desired: [d], observed: ObservedState(resources: [d.address: ObservedResource(type: d.type, name: d.name, attributes: attrs)]))
        #expect(up.first?.action == .update)
    }

    @Test func addVersionBodyHasBase64AndCRC32C() throws {
        let call = try SecretManagerAPI(base: "https://secretmanager.googleapis.com/", project: "p").addVersion("s", payload: Array("hello".utf8))
        #expect(String(decoding: call.body ?? [], as: UTF8.self) == #"{"payload":{"data":"aGVsbG8=","dataCrc32c":"2591144780"}}"#)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func createBodyHasNoOutputFields() throws {
        var i = live()
        i.serverCaCerts = [TLSCertificate(serialNumber: "1", cert: "x", createTime: nil, expireTime: nil, sha1Fingerprint: nil)]
        let call = try MemorystoreAPI(base: "https://redis.googleapis.com/", project: "p", region: "us-central1").create("shop-redis", i)
        let body = String(decoding: call.body ?? [], as: UTF8.self)
        for f in ["host", "port", "state", "name", "serverCaCerts"] { #expect(!body.contains("\"\(f)\"")) }
        #expect(call.url == "https://redis.googleapis.com/v1/projects/p/locations/us-central1/instances?instanceId=shop-redis")
    }
}
