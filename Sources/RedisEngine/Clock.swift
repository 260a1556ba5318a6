#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The source of time for expiry and statistics; injected so tests never sleep.
public protocol EngineClock: AnyObject, Sendable {
    /// Wall-clock milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
    /// Wall-clock microseconds since the Unix epoch.
    func nowMicroseconds() -> Int64
}

/// The real clock.
public final class SystemClock: EngineClock {
    public init() {}
    public func nowMilliseconds() -> Int64 { nowMicroseconds() / 1000 }
    public func nowMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

/// A clock that only moves when told to (tests).
public final class ManualClock: EngineClock, @unchecked Sendable {
    private let lock = EngineLock()
    private var micros: Int64

    /// Starts at `milliseconds` since the epoch.
    public init(milliseconds: Int64 = 1_700_000_000_000) { micros = milliseconds * 1000 }

    public func nowMilliseconds() -> Int64 { lock.withLock { micros / 1000 } }
    public func nowMicroseconds() -> Int64 { lock.withLock { micros } }

    /// Moves time forward.
    public func advance(milliseconds: Int64) { lock.withLock { micros += milliseconds * 1000 } }
    /// Sets the time.
    public func set(milliseconds: Int64) { lock.withLock { micros = milliseconds * 1000 } }
}

/// A plain mutex (pthread), taken once per read batch by the server.
public final class EngineLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inlinable public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
}

/// Monotonic microseconds (for command durations).
@inlinable public func monotonicMicros() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}
