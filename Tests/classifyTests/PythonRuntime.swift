import Foundation
import Testing

/// The Python that checks exported models: `$CLASSIFY_TEST_PYTHON` (set by `.ci/run` to its venv),
/// else `python3` on the PATH, with `onnx`, `onnxruntime` and `numpy` importable.
///
/// Where it is missing, tests that need it print a loud notice and pass; in CI (`CI=true`) they fail.
enum PythonRuntime {
    static let environment = ProcessInfo.processInfo.environment
    static let python = environment["CLASSIFY_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    static let isCI = environment["CI"]?.lowercased() == "true"

    /// `Tests/Python`, where the checking scripts live.
    static let scripts = CommandRunner.repositoryRoot.appendingPathComponent("Tests/Python")

    /// Nil when `python` imports every module in `modules`; else why not. Asked once per module list.
    static func unavailability(of modules: [String]) -> String? {
        cache.answer(for: modules) { checkImports(modules) }
    }

    private static let cache = AnswerCache()

    private static func checkImports(_ modules: [String]) -> String? {
        let imports = modules.joined(separator: ", ")
        guard let outcome = try? run(["-c", "import \(imports)"]) else {
            return "'\(python)' could not be started"
        }
        guard outcome.status == 0 else {
            let reason = outcome.stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(outcome.status)"
            return "'\(python)' cannot import \(imports) (\(reason))"
        }
        return nil
    }

    /// True when the modules are there. Otherwise, in CI, records a failure; elsewhere prints a
    /// loud notice naming what was skipped and how to run it.
    static func isAvailable(_ modules: [String], for check: String) -> Bool {
        guard let reason = unavailability(of: modules) else { return true }
        let message = "\(check) NOT RUN: \(reason). Set CLASSIFY_TEST_PYTHON to a Python with "
            + "\(modules.joined(separator: ", ")) (.ci/run builds one in .ci-venv)."
        if isCI {
            Issue.record("\(message) CI=true requires it.")
        } else {
            let banner = String(repeating: "!", count: 100)
            FileHandle.standardError.write(Data("\n\(banner)\n!!! \(message)\n\(banner)\n".utf8))
        }
        return false
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `python arguments…` with `input` on stdin.
    static func run(_ arguments: [String], input: Data = Data(), in folder: URL? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        if let folder { process.currentDirectoryURL = folder }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = DataBox(), err = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, out), (stderr, err)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: out.data, as: UTF8.self),
                       stderr: String(decoding: err.data, as: UTF8.self))
    }
}

/// Answers by key, computed once (tests run concurrently).
private final class AnswerCache: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [[String]: String?] = [:]

    func answer(for key: [String], compute: () -> String?) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let known = answers[key] { return known }
        let value = compute()
        answers[key] = .some(value)
        return value
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
