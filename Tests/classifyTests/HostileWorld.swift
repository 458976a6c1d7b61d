import Foundation
import Testing

/// Runs the built `classify` with its standard streams wired as a hostile shell would wire them
/// (closed, `/dev/full`, a pipe nobody reads, SIGPIPE ignored), with a time limit, and reports how
/// it ended. Output goes to files in the working folder, so no reader can block the child.
enum HostileWorld {
    /// Where a standard stream goes.
    enum Stream {
        /// Captured in a file (the default).
        case captured
        /// Closed before `exec` (`>&-`).
        case closed
        /// `/dev/full`: every write fails with ENOSPC.
        case full
        /// A pipe whose reading end is closed: writes fail with EPIPE or raise SIGPIPE.
        case brokenPipe
    }

    struct Outcome {
        /// The exit status, or nil when a signal ended the child.
        var status: Int32?
        /// The signal that ended the child, or nil.
        var signal: Int32?
        var stdout: String
        var stderr: String
        var peakBytes: Int
        var timedOut: Bool
        var seconds: Double
    }

    /// Runs `classify arguments…` in `folder` (absolute paths recommended). `asNobody` runs it as user
    /// `nobody` (`setpriv`) when the tests run as root, who ignores permissions (CI runs as root).
    static func run(_ arguments: [String], in folder: URL, stdout: Stream = .captured, stderr: Stream = .captured,
                    ignoreSIGPIPE: Bool = false, timeout: Double = 120, asNobody: Bool = false,
                    whileRunning: ((pid_t) -> Void)? = nil) throws -> Outcome {
        let id = UUID().uuidString
        let outURL = folder.appendingPathComponent(".out-\(id)"), errURL = folder.appendingPathComponent(".err-\(id)")
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        for (fd, stream, url) in [(Int32(1), stdout, outURL), (Int32(2), stderr, errURL)] {
            switch stream {
            case .captured: posix_spawn_file_actions_addopen(&actions, fd, url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .closed: posix_spawn_file_actions_addclose(&actions, fd)
            case .full: posix_spawn_file_actions_addopen(&actions, fd, "/dev/full", O_WRONLY, 0)
            case .brokenPipe:
                if pipeEnds[0] < 0 {
                    _ = pipe(&pipeEnds)
                    // Close-on-exec: only the dup2'ed copy reaches the child, so no reader survives.
                    for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                }
                posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], fd)
            }
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child's SIGPIPE disposition is chosen here, not inherited from the test runner.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        if !ignoreSIGPIPE { posix_spawnattr_setsigdefault(&attributes, &signals) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        // `env -C` sets the child's working folder (it execs, as setpriv does, so the pid is classify's).
        let dropsRoot = asNobody && geteuid() == 0
        let executable = dropsRoot ? "/usr/bin/setpriv" : "/usr/bin/env"
        let user = dropsRoot ? [executable, "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env"] : [executable]
        let argv = (user + ["-C", folder.path, CommandRunner.executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let previous = ignoreSIGPIPE ? signal(SIGPIPE, SIG_IGN) : nil
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        if ignoreSIGPIPE { signal(SIGPIPE, previous) }
        // The reading end closes at once: the child's writes meet a pipe with no reader.
        for end in pipeEnds where end >= 0 { close(end) }
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        let start = Date()
        whileRunning?(pid)
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let got = wait4(pid, &status, WNOHANG, &usage)
            if got == pid { break }
            if got == -1 && errno != EINTR { break }
            if Date().timeIntervalSince(start) > timeout, !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(10_000)
        }
        let signalled = (status & 0x7f) != 0
        return Outcome(status: signalled ? nil : (status >> 8) & 0xff, signal: signalled ? status & 0x7f : nil,
                       stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
                       peakBytes: usage.ru_maxrss * 1024, timedOut: timedOut, seconds: Date().timeIntervalSince(start))
    }

    /// A small trained model (8×8 grey digits, 2 epochs) in `folder`, and the training folder.
    static func trainedModel(in folder: URL) throws -> (model: URL, train: URL) {
        let train = try CommandRunner.copySampleData("digits/train", into: folder)
        let result = try CommandRunner.run(["train", train.path, "--epochs", "2", "--hidden", "16", "--model", "m.safetensors"], in: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return (folder.appendingPathComponent("m.safetensors"), train)
    }

    /// `mknod` of a character device with `/dev/null`'s numbers (1, 3), or nil when not permitted.
    static func nullDevice(at url: URL) -> URL? {
        mknod(url.path, S_IFCHR | 0o666, makedev(1, 3)) == 0 ? url : nil
    }

    /// The file type bits of `url` without following a symlink.
    static func fileType(_ url: URL) -> mode_t {
        var status = stat()
        return lstat(url.path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    private static func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        dev_t((major & 0xfff) << 8 | (minor & 0xff) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32))
    }
}
