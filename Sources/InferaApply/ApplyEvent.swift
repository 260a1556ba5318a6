/// Progress of refresh / apply / destroy, rendered by the CLI (spinner on a terminal, Terraform-style
/// lines otherwise, JSON lines with `--format json`).
public enum ApplyEvent: Sendable, Hashable {
    case refreshing(address: String)
    case refreshed(address: String, id: String?)
    /// Another infera process holds the deployment lock.
    case waitingForLock(holder: String)
    /// An operation journaled by an earlier, interrupted run is being waited for.
    case resuming(address: String, action: StepAction, token: String)
    case started(address: String, action: StepAction)
    /// Periodic while a step runs (every `progressInterval` seconds).
    case stillRunning(address: String, action: StepAction, elapsed: Double, detail: String?)
    case completed(address: String, action: StepAction, elapsed: Double, id: String?)
    case failed(address: String, action: StepAction, message: String)
    /// Something the user should know about a step that is not a failure (e.g. a shared resource kept on destroy).
    case note(address: String, message: String)
    /// The HTTP layer is about to retry a request.
    case retrying(request: String, attempt: Int, delay: Double, reason: String)
}

/// Receives events. Must be cheap and thread-safe.
public protocol ApplyEventSink: Sendable {
    func emit(_ event: ApplyEvent)
}

/// Drops every event.
public struct NoEvents: ApplyEventSink {
    public init() {}
    public func emit(_ event: ApplyEvent) {}
}

import InferaHTTP

/// Keeps events in memory (tests).
public final class RecordedEvents: ApplyEventSink, @unchecked Sendable {
    private let lock = Lock()
    private var stored: [ApplyEvent] = []
    public init() {}
    public func emit(_ event: ApplyEvent) { lock.withLock { stored.append(event) } }
    public var events: [ApplyEvent] { lock.withLock { stored } }
}
