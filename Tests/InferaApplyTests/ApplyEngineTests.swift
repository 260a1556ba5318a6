import Foundation
import InferaApply
import InferaHTTP
import InferaPlan
import InferaTestSupport
import Testing

/// A provider with long-running operations (like GCP LROs / AWS waiters): every create and delete
/// takes `pollsToFinish` polls. Resources are reported with exactly the desired known attributes.
final class SlowProvider: Provider, @unchecked Sendable {
    let name = "elasticache"
    let accountDescription = "test account 123456789012 in eu-west-1"
    let pollInterval = 5.0
    let lock = Lock()
    var live: [String: ObservedResource] = [:]
    var pendingOps: [String: (step: ApplyStep, polls: Int)] = [:]
    var calls: [String] = []
    var pollsToFinish = 7
    var failOn: String?
    var seenDuringStep: [String: [String]] = [:]

    func refresh(_ spec: DeploymentSpec) async throws -> ObservedState {
        lock.withLock { ObservedState(resources: live, source: accountDescription) }
    }

    static func observed(_ step: ApplyStep) -> ObservedResource {
        var attrs: [String: AttributeValue] = [:]
        for a in step.change.after?.attributes ?? [] where a.value.isKnown { attrs[a.name] = a.value }
        return ObservedResource(type: step.change.type, name: step.change.name, attributes: attrs)
    }

    func start(_ step: ApplyStep, context: StepContext) async throws -> OperationStatus {
        try lock.withLock {
            calls.append("\(step.action.rawValue) \(step.address)")
            seenDuringStep[step.address] = context.observed.resources.keys.sorted()
            if failOn == step.address {
                throw ProviderError(.rejected, resource: step.address, message: "InvalidParameterValue: nope", hint: "fix it")
            }
            let token = "op-\(calls.count)"
            pendingOps[token] = (step, 0)
            return .pending(PendingOperation(address: step.address, action: step.action, token: token, resourceID: step.change.name,
                                             detail: step.action == .delete ? "deleting" : "creating"))
        }
    }

    func poll(_ operation: PendingOperation, context: StepContext) async throws -> OperationStatus {
        lock.withLock {
            guard var p = pendingOps[operation.token] else { return .done(live[operation.address]) }
            p.polls += 1
            pendingOps[operation.token] = p
            guard p.polls >= pollsToFinish else { return .pending(operation) }
            pendingOps[operation.token] = nil
            if p.step.action == .delete {
                live[operation.address] = nil
                return .done(nil)
            }
            let r = Self.observed(p.step)
            live[operation.address] = r
            return .done(r)
        }
    }

    func outputs(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [OutputValue] {
        [OutputValue(name: "endpoint", value: "master.example.cache.amazonaws.com")]
    }

    func status(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [ResourceStatus] {
        observed.resources.values.map { ResourceStatus(address: $0.address, type: $0.type, state: "available") }
    }

    func holdsData(_ resourceType: String) -> Bool { resourceType == "aws_elasticache_replication_group" }
}

@Suite struct ApplyEngineTests {
    static func spec(nodeType: String = "cache.t4g.small", port: Int = 6379) -> DeploymentSpec {
        DeploymentSpec(projectName: "orders", environment: "staging", region: "eu-west-1",
                       provider: .elasticache(ElastiCacheSpec(nodeType: nodeType, parameters: ["maxmemory-policy": "allkeys-lru"],
                                                              vpcID: "vpc-1", subnetIDs: ["subnet-a", "subnet-b"],
                                                              port: port)))
    }

    static func journalDir() -> String { NSTemporaryDirectory() + "infera-journal-\(UUID().uuidString)" }

    @Test func longOperationsArePolledWithProgressAndJournaled() async throws {
        let provider = SlowProvider()
        let clock = ManualClock()
        let events = RecordedEvents()
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let journal = try Journal(directory: dir)
        let engine = ApplyEngine(provider: provider, journal: journal, clock: clock, events: events)
        let (plan, observed) = try await engine.plan(Self.spec(), inferaVersion: "test")
        #expect(plan.summary.add == plan.changes.count && plan.changes.count >= 5)
        #expect(plan.observedStateSource == "test account 123456789012 in eu-west-1")
        let result = try await engine.apply(plan, observed: observed)
        #expect(result.added == plan.changes.count && result.changed == 0 && result.destroyed == 0)
        // Dependencies first, in DesiredState order; later steps see what earlier ones produced.
        let order = DesiredState.resources(for: Self.spec()).map { "create \($0.address)" }
        #expect(provider.calls == order)
        #expect(provider.seenDuringStep["aws_elasticache_replication_group.redis"]?.contains("aws_elasticache_parameter_group.redis") == true)
        // 7 polls × 5 s = 35 s per resource: "still creating" at 10, 20, 30 s.
        let still = events.events.compactMap { e -> Double? in
            if case .stillRunning(let a, .create, let elapsed, _) = e, a == "aws_elasticache_replication_group.redis" { return elapsed }
            return nil
        }
        #expect(still.map { Int($0) } == [10, 20, 30])
        #expect(clock.sleeps.allSatisfy { $0 == 5 })
        let entries = try journal.entries()
        #expect(entries.count == plan.changes.count && entries.allSatisfy { $0.state == .succeeded && $0.operation != nil })
        // Re-plan: nothing to do.
        let (again, _) = try await engine.plan(Self.spec(), inferaVersion: "test")
        #expect(!again.hasChanges)
        // The journal file is private and holds no attribute values.
        let attrs = try FileManager.default.attributesOfItem(atPath: journal.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test func anInterruptedRunsPendingOperationIsWaitedForNotRepeated() async throws {
        let provider = SlowProvider()
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Run 1 "crashes" after the provider accepted the create: the journal holds the pending handle.
        let journal1 = try Journal(directory: dir)
        let step = ApplyStep(action: .create, change: Planner.plan(Self.spec()).changes.first { $0.type == "aws_elasticache_replication_group" }!, spec: Self.spec())
        guard case .pending(let op) = try await provider.start(step, context: StepContext(observed: .empty, spec: Self.spec())) else {
            Issue.record("expected a pending operation")
            return
        }
        var entry = try journal1.begin(address: step.address, action: .create)
        entry.state = .pending
        entry.operation = op
        try journal1.record(entry)

        // Run 2 resumes it during refresh and does not create the replication group again.
        let events = RecordedEvents()
        let engine = ApplyEngine(provider: provider, journal: try Journal(directory: dir), clock: ManualClock(), events: events)
        let (plan, observed) = try await engine.plan(Self.spec(), inferaVersion: "test")
        #expect(events.events.contains(.resuming(address: step.address, action: .create, token: op.token)))
        #expect(plan.changes.first { $0.address == step.address }?.action == .noop)
        _ = try await engine.apply(plan, observed: observed)
        #expect(provider.calls.filter { $0 == "create \(step.address)" }.count == 1)
        #expect(try engine.journal.inFlight().isEmpty)
    }

    @Test func replacementOfDataNeedsAllowReplaceAndRunsDeleteThenCreate() async throws {
        let provider = SlowProvider()
        provider.pollsToFinish = 1
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = ApplyEngine(provider: provider, journal: try Journal(directory: dir), clock: ManualClock())
        let (p1, o1) = try await engine.plan(Self.spec(), inferaVersion: "t")
        _ = try await engine.apply(p1, observed: o1)
        let (p2, o2) = try await engine.plan(Self.spec(port: 6380), inferaVersion: "t") // port forces replacement
        let rg = p2.changes.first { $0.type == "aws_elasticache_replication_group" }
        #expect(rg?.action == .replace)
        await #expect(throws: ProviderError.self) { try await engine.apply(p2, observed: o2) }
        provider.calls.removeAll()
        let allowing = ApplyEngine(provider: provider, journal: engine.journal, clock: ManualClock(), options: ApplyOptions(allowReplace: true))
        let r = try await allowing.apply(p2, observed: o2)
        #expect(r.added == p2.summary.add && r.destroyed == p2.summary.destroy && r.destroyed >= 1)
        #expect(provider.calls.contains("delete aws_elasticache_replication_group.redis"))
        #expect(provider.calls.firstIndex(of: "delete aws_elasticache_replication_group.redis")! < provider.calls.firstIndex(of: "create aws_elasticache_replication_group.redis")!)

        // Destroy: dependents first (reverse declaration order).
        let (d, od) = try await allowing.destroyPlan(Self.spec(port: 6380), inferaVersion: "t")
        provider.calls.removeAll()
        let dr = try await allowing.apply(d, observed: od)
        #expect(dr.destroyed == d.changes.count)
        #expect(provider.calls == DesiredState.resources(for: Self.spec()).map { "delete \($0.address)" }.reversed())
        #expect(provider.live.isEmpty)
    }

    /// An optional resource the settings no longer declare (the parameter group once parameters are gone) is still
    /// deleted after what depends on it: destroy removes the replication group first.
    @Test func destroyKeepsDependencyOrderForResourcesNoLongerDeclared() async throws {
        let provider = SlowProvider()
        provider.pollsToFinish = 1
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = ApplyEngine(provider: provider, journal: try Journal(directory: dir), clock: ManualClock())
        let (p1, o1) = try await engine.plan(Self.spec(), inferaVersion: "t")
        _ = try await engine.apply(p1, observed: o1)
        var bare = Self.spec()
        if case .elasticache(var e) = bare.provider { e.parameters = [:]; bare.provider = .elasticache(e) }
        #expect(!DesiredState.resources(for: bare).contains { $0.type == "aws_elasticache_parameter_group" })
        let (d, od) = try await engine.destroyPlan(bare, inferaVersion: "t")
        provider.calls.removeAll()
        _ = try await engine.apply(d, observed: od)
        let rg = try #require(provider.calls.firstIndex(of: "delete aws_elasticache_replication_group.redis"))
        let pg = try #require(provider.calls.firstIndex(of: "delete aws_elasticache_parameter_group.redis"))
        #expect(rg < pg, "\(provider.calls)")
    }

    @Test func failedStepIsJournaledAndStopsTheRun() async throws {
        let provider = SlowProvider()
        provider.pollsToFinish = 1
        provider.failOn = "aws_elasticache_parameter_group.redis"
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let events = RecordedEvents()
        let engine = ApplyEngine(provider: provider, journal: try Journal(directory: dir), clock: ManualClock(), events: events)
        let (plan, observed) = try await engine.plan(Self.spec(), inferaVersion: "t")
        await #expect(throws: ProviderError.self) { try await engine.apply(plan, observed: observed) }
        let entries = try engine.journal.entries()
        #expect(entries.last?.address == "aws_elasticache_parameter_group.redis" && entries.last?.state == .failed)
        #expect(entries.last?.message?.contains("InvalidParameterValue") == true)
        #expect(try engine.journal.inFlight().isEmpty)
        #expect(!provider.calls.contains { $0.contains("replication_group") })
    }

    @Test func operationTimeoutKeepsTheOperationPendingForTheNextRun() async throws {
        let provider = SlowProvider()
        provider.pollsToFinish = 1000
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = ApplyEngine(provider: provider, journal: try Journal(directory: dir), clock: ManualClock(),
                                 options: ApplyOptions(operationTimeout: 60))
        let (plan, observed) = try await engine.plan(Self.spec(), inferaVersion: "t")
        await #expect(throws: ProviderError.self) { try await engine.apply(plan, observed: observed) }
        let open = try engine.journal.inFlight()
        #expect(open.count == 1 && open.first?.state == .pending && open.first?.operation?.token == "op-1")
    }

    @Test func staleSavedPlanIsRefused() async throws {
        let provider = SlowProvider()
        provider.pollsToFinish = 1
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = ApplyEngine(provider: provider, journal: try Journal(directory: dir), clock: ManualClock())
        let (saved, _) = try await engine.plan(Self.spec(), inferaVersion: "t")
        _ = try await engine.verifyFresh(saved) // unchanged: fine
        let (p, o) = try await engine.plan(Self.spec(), inferaVersion: "t")
        _ = try await engine.apply(p, observed: o) // live state changes
        await #expect(throws: ProviderError.self) { try await engine.verifyFresh(saved) }
    }

    @Test func lockStopsASecondRun() async throws {
        let dir = Self.journalDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock()
        let first = try await DeploymentLock.acquire(directory: dir, timeout: 0, clock: clock)
        // flock is per open file description: a second open in this process conflicts like another process would.
        var told: String?
        await #expect(throws: ProviderError.self) {
            _ = try await DeploymentLock.acquire(directory: dir, timeout: 1, clock: clock) { told = $0 }
        }
        #expect(told?.contains("pid \(getpid())") == true)
        first.release()
        let second = try await DeploymentLock.acquire(directory: dir, timeout: 0, clock: clock)
        second.release()
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/lock")
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }
}
