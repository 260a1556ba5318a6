import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import InferaApply
import InferaHTTP

/// Ctrl-C (SIGINT) and SIGTERM during `apply` and `destroy`, as Terraform users expect:
/// - at the confirmation prompt: nothing has started, so the command ends at once ("Apply cancelled.");
/// - while it works: the first signal cancels the run. The request in flight finishes, an operation
///   the provider already accepted keeps running in the cloud and stays `pending` in the journal,
///   and the command exits 1 saying how to resume (a re-run waits for that same operation);
/// - a second signal exits immediately. Nothing is lost either way: every step is journaled before
///   the provider is called, and the deployment lock is an flock the kernel drops with the process.
final class InterruptHandler: @unchecked Sendable {
    private let lock = Lock()
    private var signals = 0
    private var task: Task<Void, any Error>?
    private var atPrompt = false
    private var sources: [any DispatchSourceSignal] = []
    let verb: String

    init(verb: String) { self.verb = verb }

    /// Runs `work` under the handler; rethrows its error (`CancellationError` after an interrupt).
    func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        let task = Task { try await work() }
        lock.withLock { self.task = task }
        install()
        defer { uninstall() }
        try await task.value
    }

    /// Marks the span in which the command waits for the user's answer.
    func prompting<T>(_ body: () -> T) -> T {
        lock.withLock { atPrompt = true }
        defer { lock.withLock { atPrompt = false } }
        return body()
    }

    private func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.received() }
            source.resume()
            sources.append(source)
        }
    }

    private func uninstall() {
        for s in sources { s.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    private func received() {
        let (count, prompt, task) = lock.withLock { () -> (Int, Bool, Task<Void, any Error>?) in
            signals += 1
            return (signals, atPrompt, self.task)
        }
        if prompt {
            PlanOutput.stderr("\n\(verb.prefix(1).uppercased() + verb.dropFirst()) cancelled.\n")
            exit(1)
        }
        if count == 1 {
            PlanOutput.stderr("\nInterrupt received.\nPlease wait for infera to exit or data loss may occur.\nGracefully shutting down...\n")
            task?.cancel()
        } else {
            PlanOutput.stderr("\nTwo interrupts received. Exiting immediately. The journal under .infera/ lets `infera \(verb)` resume what was started.\n")
            exit(1)
        }
    }
}
