import Foundation
import Imaging
import Testing
// One set of helpers for every test target: temporaryFolder, isClose, the fuzz corpora.
@_exported import TestSupport

/// Runs the built `classify` binary as a user would, capturing exit status and both streams.
struct CommandRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when a signal (a crash, a trap) ended the process instead of `exit`.
        var killedBySignal: Bool
    }

    /// The repository root.
    static let repositoryRoot = Repository.root

    /// `Tests/classifyTests/Fixtures/` (written by `scripts/make_python_model.py`).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

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

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> URL { try TestSupport.temporaryFolder("classify-e2e") }

    /// A digits model trained once per test run and shared by the tests that only read it
    /// (`train sample-data/digits/train --epochs 3 --hidden 32 --seed 7`). Never modify it.
    static let sharedDigitsModel: Result<URL, any Error> = Result {
        let folder = try TestSupport.temporaryFolder("classify-shared-model")
        let train = repositoryRoot.appendingPathComponent("sample-data/digits/train")
        let result = try run(["train", train.path, "--model", "digits.safetensors", "--epochs", "3", "--hidden", "32", "--seed", "7"], in: folder)
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return folder.appendingPathComponent("digits.safetensors")
    }

    /// Starts `classify` with stderr collected as it arrives, and returns once stderr contains
    /// `marker` (or the process ended, or 180 s passed).
    static func start(_ arguments: [String], in folder: URL, until marker: String) throws -> (Process, StderrLog) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        let log = StderrLog()
        let pipe = Pipe()
        pipe.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        out.fileHandleForReading.readabilityHandler = { handle in log.appendOut(handle.availableData) }
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(180)
        while !log.text.contains(marker) && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        return (process, log)
    }

    /// Runs `classify arguments…` on a pseudo-terminal (`script`), as a user at a terminal sees
    /// it: returns everything written to the terminal, control characters included.
    static func runInTerminal(_ arguments: [String], in folder: URL) throws -> (status: Int32, screen: String) {
        let command = ([executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let log = folder.appendingPathComponent("terminal-\(UUID().uuidString).log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-f", "-c", command, log.path]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment.removeValue(forKey: "NO_COLOR")
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
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

/// Collects a child's stderr (and stdout) as they arrive.
final class StderrLog: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var outData = Data()
    func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
    func appendOut(_ chunk: Data) { lock.lock(); outData.append(chunk); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outData, as: UTF8.self) }
}

private final class ReadBox: @unchecked Sendable {
    var data = Data()
}
