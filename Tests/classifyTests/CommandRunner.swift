import Foundation
import Imaging
import Testing

/// Runs the built `classify` binary as a user would, capturing exit status and both streams.
struct CommandRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when a signal (a crash, a trap) ended the process instead of `exit`.
        var killedBySignal: Bool
    }

    /// The repository root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `classify` executable beside the test bundle in the build folder.
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Swift Testing may run from inside `X.xctest/...`; walk up to the build folder.
        for _ in 0 ..< 4 where !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("classify").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("classify")
    }

    /// Runs `classify arguments…` in `folder`.
    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently with the process so a full pipe never blocks it.
        let outData = ReadBox(), errData = ReadBox()
        let group = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: outData.data, as: UTF8.self),
                       stderr: String(decoding: errData.data, as: UTF8.self),
                       killedBySignal: process.terminationReason == .uncaughtSignal)
    }

    /// Runs `classify arguments…` (give absolute paths: the working folder is inherited) with
    /// stdout discarded and stderr kept in a file in `folder`, and returns
    /// the exit status, stderr, and the peak resident memory of that one child (`wait4`'s
    /// rusage: unlike `RUSAGE_CHILDREN`, not mixed with other tests' children).
    static func runMeasuringPeakMemory(_ arguments: [String], in folder: URL) throws -> (status: Int32, stderr: String, peakBytes: Int) {
        let errURL = folder.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        // Exited normally: WIFEXITED, WEXITSTATUS by hand (the macros are not imported).
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exitStatus, stderr, usage.ru_maxrss * 1024)
    }

    /// A fresh temporary folder, removed by the caller with `cleanUp`.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("classify-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Copies `sample-data/<path>` into `folder` and returns the copy.
    static func copySampleData(_ path: String, into folder: URL) throws -> URL {
        let source = repositoryRoot.appendingPathComponent("sample-data").appendingPathComponent(path)
        let destination = folder.appendingPathComponent(source.lastPathComponent)
        try FileManager.default.copyItem(at: source, to: destination)
        return destination
    }

    /// Parses one JSON object.
    static func jsonObject(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "not a JSON object: \(text.prefix(200))")
    }
}

private final class ReadBox: @unchecked Sendable {
    var data = Data()
}
