#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// What InferaDetect used Foundation for (NSLock, Process, String.range(of:)); the release binary links no Foundation.

/// A plain mutex (NSLock's lock/unlock).
final class DetectLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}

enum Subprocess {
    /// Runs `argv` (found on PATH) with stdin and stderr on /dev/null; its stdout and exit status, or nil
    /// when it cannot start or is killed by a signal.
    static func capture(_ argv: [String]) -> (status: Int32, output: [UInt8])? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, environ)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fds[0], &chunk, chunk.count)
            if n > 0 { output.append(contentsOf: chunk[0..<n]); continue }
            if n < 0, errno == EINTR { continue }
            break
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 { if errno != EINTR { return nil } }
        guard status & 0x7f == 0 else { return nil }
        return ((status >> 8) & 0xff, output)
    }
}

extension StringProtocol where Index == String.Index {
    /// Foundation's `range(of:)` (and `range(of:range:)`) for the plain substring searches detection does:
    /// the first occurrence of `needle`'s exact text, or nil.
    func range(of needle: String, range: Range<String.Index>? = nil) -> Range<String.Index>? {
        let n = Array(needle.utf8)
        guard let first = n.first else { return nil }
        let view = utf8
        let bounds = range ?? (startIndex..<endIndex)
        var i = bounds.lowerBound
        while i < bounds.upperBound {
            if view[i] == first {
                var j = i, k = 0
                while k < n.count, j < bounds.upperBound, view[j] == n[k] { j = view.index(after: j); k += 1 }
                if k == n.count { return i..<j }
            }
            i = view.index(after: i)
        }
        return nil
    }
}
