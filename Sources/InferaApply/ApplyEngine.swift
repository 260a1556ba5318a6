import InferaHTTP
import InferaPlan

/// Knobs of the engine.
public struct ApplyOptions: Sendable, Hashable {
    /// Seconds between `.stillRunning` events while an operation runs.
    public var progressInterval: Double
    /// A single operation that runs longer than this fails (seconds).
    public var operationTimeout: Double
    /// Allow replacing (or, in `apply`, deleting) resources that hold data.
    public var allowReplace: Bool

    public init(progressInterval: Double = 10, operationTimeout: Double = 3600, allowReplace: Bool = false) {
        self.progressInterval = progressInterval
        self.operationTimeout = operationTimeout
        self.allowReplace = allowReplace
    }
}

/// What an apply or destroy did.
public struct ApplyResult: Sendable, Hashable {
    public var added: Int
    public var changed: Int
    public var destroyed: Int
    /// Live state after the run.
    public var observed: ObservedState
    public var outputs: [OutputValue]
}

/// The provider-independent apply engine: refresh → `ObservedState` for `Differ`, then the plan's
/// changes in dependency order, each journaled before it starts and polled until done.
///
/// Crash safety: every step is written to the journal before the provider is called. On the next
/// run, `refresh` first waits for operations the journal still shows as pending (their handles are
/// journaled), and steps that never got a handle are resolved by the provider's create-or-adopt:
/// the resource is found by its deterministic name, so nothing is created twice.
public final class ApplyEngine: Sendable {
    public let provider: any Provider
    public let journal: Journal
    public let clock: any InferaClock
    public let events: any ApplyEventSink
    public let options: ApplyOptions

    public init(provider: any Provider, journal: Journal, clock: any InferaClock = SystemClock(),
                events: any ApplyEventSink = NoEvents(), options: ApplyOptions = ApplyOptions()) {
        self.provider = provider
        self.journal = journal
        self.clock = clock
        self.events = events
        self.options = options
    }

    // MARK: refresh and planning

    /// Waits for operations an interrupted run left pending, then reads live state.
    public func refresh(_ spec: DeploymentSpec) async throws -> ObservedState {
        try await resumeInFlight(spec)
        return try await provider.refresh(spec)
    }

    /// Live plan: refresh, then `Planner.plan` against what exists.
    public func plan(_ spec: DeploymentSpec, findings: [ExternalFinding] = [], inferaVersion: String) async throws -> (Plan, ObservedState) {
        let observed = try await refresh(spec)
        var plan = Planner.plan(spec, observed: observed, findings: findings, inferaVersion: inferaVersion)
        plan.observedStateSource = observed.source
        return (plan, observed)
    }

    /// A plan that deletes every live resource of the deployment (`infera destroy`).
    public func destroyPlan(_ spec: DeploymentSpec, inferaVersion: String) async throws -> (Plan, ObservedState) {
        let observed = try await refresh(spec)
        var plan = Planner.plan(spec, observed: observed, inferaVersion: inferaVersion)
        plan.changes = Differ.diff(desired: [], observed: observed)
        plan.summary = ChangeSummary(plan.changes)
        plan.observedStateSource = observed.source
        return (plan, observed)
    }

    /// Throws when `saved` no longer matches live state (something changed since it was saved).
    /// Returns the fresh observed state when it still matches.
    public func verifyFresh(_ saved: Plan) async throws -> ObservedState {
        let observed = try await refresh(saved.spec)
        let now = Planner.plan(saved.spec, observed: observed, inferaVersion: saved.inferaVersion)
        if Self.essence(now.changes) != Self.essence(saved.changes) {
            throw ProviderError(.refused, resource: "saved plan",
                                message: "the plan is stale: live state changed since it was saved (it now says \(Self.describe(now.summary)) instead of \(Self.describe(saved.summary)))",
                                hint: "run `infera plan --save FILE` again, review it, and apply the new file")
        }
        return observed
    }

    static func describe(_ s: ChangeSummary) -> String { "\(s.add) to add, \(s.change) to change, \(s.destroy) to destroy" }

    /// What must match between a saved plan and a fresh one: each resource's action and the
    /// attributes that change (before and after).
    static func essence(_ changes: [ResourceChange]) -> [String] {
        changes.map { c in
            "\(c.address) \(c.action.rawValue) " + c.changedAttributes.map { "\($0.name)=\(String(describing: $0.before))->\(String(describing: $0.after))" }.joined(separator: ",")
        }.sorted()
    }

    /// Refuses replacing a resource that holds data unless `allowReplace`.
    public func checkSafety(_ plan: Plan) throws {
        guard !options.allowReplace else { return }
        for c in plan.changes where c.action == .replace && provider.holdsData(c.type) {
            let why = c.changedAttributes.filter(\.forcesReplacement).map(\.name).joined(separator: ", ")
            throw ProviderError(.refused, resource: c.address,
                                message: "this plan replaces a resource that holds data (\(why) forces replacement); its data would be lost",
                                hint: "keep the old value in infera.yaml, or re-run with --allow-replace if losing the data is intended")
        }
    }

    // MARK: apply

    /// Carries out `plan` against `observed` (from `refresh`/`verifyFresh` just before).
    public func apply(_ plan: Plan, observed: ObservedState) async throws -> ApplyResult {
        try checkSafety(plan)
        let spec = plan.spec
        var context = StepContext(observed: observed, spec: spec)
        var added = 0, changed = 0, destroyed = 0
        let order = DesiredState.declarationOrder(for: spec)
        func rank(_ a: String) -> Int { order.firstIndex(of: a) ?? order.count }
        // Creates, updates and replacements in declaration order (dependencies first); deletions of
        // resources no longer wanted afterwards, dependents first.
        let forward = plan.changes.filter { [.create, .update, .replace].contains($0.action) }.sorted { rank($0.address) < rank($1.address) }
        let deletes = plan.changes.filter { $0.action == .delete }.sorted { rank($0.address) > rank($1.address) }
        for c in forward {
            switch c.action {
            case .create:
                try await run(ApplyStep(action: .create, change: c, spec: spec), &context)
                added += 1
            case .update:
                try await run(ApplyStep(action: .update, change: c, spec: spec), &context)
                changed += 1
            case .replace:
                try await run(ApplyStep(action: .delete, change: c, spec: spec), &context)
                destroyed += 1
                try await run(ApplyStep(action: .create, change: c, spec: spec), &context)
                added += 1
            default: break
            }
        }
        for c in deletes {
            try await run(ApplyStep(action: .delete, change: c, spec: spec), &context)
            destroyed += 1
        }
        let final = plan.changes.allSatisfy({ $0.action == .delete }) && !plan.changes.isEmpty ? context.observed : try await provider.refresh(spec)
        let outputs = final.resources.isEmpty ? [] : try await provider.outputs(spec, observed: final)
        return ApplyResult(added: added, changed: changed, destroyed: destroyed, observed: final, outputs: outputs)
    }

    /// Outputs of the deployment as it is now.
    public func outputs(_ spec: DeploymentSpec) async throws -> [OutputValue] {
        let observed = try await refresh(spec)
        return observed.resources.isEmpty ? [] : try await provider.outputs(spec, observed: observed)
    }

    /// Live status of each resource, with the last journaled operation. Read-only: it does not wait
    /// for operations another run left (or is running) — it shows them in progress.
    public func status(_ spec: DeploymentSpec) async throws -> [ResourceStatus] {
        let observed = try await provider.refresh(spec)
        var out = try await provider.status(spec, observed: observed)
        for i in out.indices {
            if let e = journal.lastOperation(for: out[i].address) {
                out[i].lastOperation = "\(e.action.rawValue) \(e.state.rawValue) \(e.finishedAt ?? e.startedAt)"
            }
        }
        return out
    }

    // MARK: steps

    func run(_ step: ApplyStep, _ context: inout StepContext) async throws {
        var entry = try journal.begin(address: step.address, action: step.action)
        events.emit(.started(address: step.address, action: step.action))
        let t0 = clock.now()
        do {
            let status = try await provider.start(step, context: context)
            let resource = try await wait(status, step.address, step.action, since: t0, entry: &entry, context: context)
            if let resource { context.observed.resources[step.address] = resource } else { context.observed.resources[step.address] = nil }
            entry.state = .succeeded
            entry.resourceID = resource.flatMap(Self.resourceID) ?? entry.resourceID
            try journal.record(entry)
            events.emit(.completed(address: step.address, action: step.action, elapsed: clock.now() - t0, id: entry.resourceID))
        } catch {
            // A timeout or cancellation leaves a running operation running: keep it pending in the
            // journal so the next run waits for it instead of starting another.
            let stillRunning = entry.state == .pending && (error is CancellationError || (error as? ProviderError)?.kind == .operationFailed && entry.operation != nil && timedOut(entry, error))
            if !stillRunning { entry.state = .failed }
            entry.message = String(describing: error)
            try? journal.record(entry)
            events.emit(.failed(address: step.address, action: step.action, message: String(describing: error)))
            throw error
        }
    }

    /// Polls until done, journaling the handle and emitting progress.
    func wait(_ first: OperationStatus, _ address: String, _ action: StepAction, since t0: Double, entry: inout JournalEntry,
              context: StepContext) async throws -> ObservedResource? {
        var status = first
        var lastReport = t0
        var polls = 0
        while case .pending(let op) = status {
            if entry.operation != op || entry.state != .pending {
                entry.state = .pending
                entry.operation = op
                entry.resourceID = op.resourceID ?? entry.resourceID
                try journal.record(entry)
            }
            let elapsed = clock.now() - t0
            if elapsed > options.operationTimeout {
                throw ProviderError(.operationFailed, resource: address,
                                    message: "still \(action.gerund) after \(Int(elapsed))s (operation \(op.token))",
                                    hint: "check the resource in the provider's console; re-run `infera apply` to keep waiting (the journal has the operation)")
            }
            try await clock.sleep(seconds: max(provider.pollInterval, 0.01))
            polls += 1
            if clock.now() - lastReport >= options.progressInterval {
                lastReport = clock.now()
                events.emit(.stillRunning(address: address, action: action, elapsed: clock.now() - t0, detail: op.detail))
            }
            status = try await provider.poll(op, context: context)
            if polls > 1_000_000 { break }
        }
        if case .done(let r) = status { return r }
        return nil
    }

    func timedOut(_ entry: JournalEntry, _ error: any Error) -> Bool {
        (error as? ProviderError)?.message.hasPrefix("still ") == true
    }

    static func resourceID(_ r: ObservedResource) -> String? {
        for k in ["id", "database_id", "arn", "name"] { if case .string(let s)? = r.attributes[k] { return s } }
        return nil
    }

    /// Resolves journal entries an interrupted run left open.
    func resumeInFlight(_ spec: DeploymentSpec) async throws {
        let open = try journal.inFlight()
        guard !open.isEmpty else { return }
        var context = StepContext(observed: ObservedState(source: provider.accountDescription), spec: spec)
        for e in open {
            guard let op = e.operation else {
                // The call may or may not have reached the provider: refresh finds the resource by
                // its deterministic name, and the new plan creates it only if it is really absent.
                try journal.resolve(address: e.address, state: .failed, message: "interrupted before the provider acknowledged it; re-discovered by name on the next refresh")
                continue
            }
            events.emit(.resuming(address: e.address, action: e.action, token: op.token))
            var entry = e
            let t0 = clock.now()
            do {
                let r = try await wait(.pending(op), e.address, e.action, since: t0, entry: &entry, context: context)
                context.observed.resources[e.address] = r
                try journal.resolve(address: e.address, state: .succeeded, message: "completed while a later run waited for it")
                events.emit(.completed(address: e.address, action: e.action, elapsed: clock.now() - t0, id: op.resourceID))
            } catch let err as ProviderError where err.kind == .operationFailed || err.kind == .rejected {
                try journal.resolve(address: e.address, state: .failed, message: String(describing: err))
                events.emit(.failed(address: e.address, action: e.action, message: String(describing: err)))
            }
        }
    }
}
