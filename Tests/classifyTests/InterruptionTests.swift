import Classifier
import Foundation
import Testing

/// Interruption and numerical failure, end to end: nothing the user had is lost.
@Suite struct InterruptionTests {
    static let forever = ["--epochs", "100000", "--patience", "100000", "--hidden", "16"]

    /// Starts `classify` and returns once its stderr contains `marker`.
    private func start(_ arguments: [String], in folder: URL, until marker: String) throws -> (Process, StderrLog) {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let log = StderrLog()
        let pipe = Pipe()
        pipe.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(180)
        while !log.text.contains(marker) && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (process, log)
    }

    @Test func ctrlCStopsAfterTheBatchAndSavesTheBestModelSoFar() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let (process, log) = try start(["train", train.path, "--model", "m.safetensors"] + Self.forever, in: tmp, until: " 2/100000")
        #expect(process.isRunning)
        process.interrupt()  // SIGINT, as Ctrl-C sends
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "stderr: \(log.text)")
        #expect(log.text.contains("Interrupted"))
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("m.safetensors"))
        #expect(model.classes.count == 10)
        #expect(model.network.layers.allSatisfy { $0.weights.elements.allSatisfy(\.isFinite) })
    }

    @Test func sigkillDuringTrainingLeavesTheExistingModelIntact() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let first = try CommandRunner.run(["train", train.path, "--model", "m.safetensors", "--epochs", "1", "--hidden", "8"], in: tmp)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let modelURL = tmp.appendingPathComponent("m.safetensors")
        let before = try Data(contentsOf: modelURL)

        for marker in ["Found", " 1/100000", " 3/100000"] {
            let (process, log) = try start(["train", train.path, "--model", "m.safetensors"] + Self.forever, in: tmp, until: marker)
            #expect(log.text.contains(marker), "never reached \(marker): \(log.text)")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(try Data(contentsOf: modelURL) == before, "killed at '\(marker)': the old model must be untouched")
        }
        _ = try ImageClassifier(contentsOf: modelURL)
    }

    @Test func twoTrainingsWritingOneModelPathNeverTearIt() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let group = DispatchGroup()
        let statuses = StatusBox()
        for seed in ["1", "2"] {
            group.enter()
            DispatchQueue.global().async {
                let outcome = try? CommandRunner.run(["train", train.path, "--model", "shared.safetensors", "--epochs", "2", "--hidden", "8", "--seed", seed], in: tmp)
                statuses.add(outcome?.status ?? -1)
                group.leave()
            }
        }
        group.wait()
        #expect(statuses.values == [0, 0])
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("shared.safetensors"))
        #expect(model.summary?.seed == 1 || model.summary?.seed == 2)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.contains("tmp") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }

    @Test func divergenceStopsWithAdviceAndWritesNothing() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let result = try CommandRunner.run(["train", train.path, "--optimizer", "sgd", "--learning-rate", "1e30", "--epochs", "5"], in: tmp)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(!result.killedBySignal)
        #expect(result.stderr.contains("diverged") && result.stderr.contains("lower learning rate"))
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("classifier.safetensors").path))
    }
}

/// Collects a child's stderr as it arrives.
final class StderrLog: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}

private final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int32] = []
    func add(_ s: Int32) { lock.lock(); statuses.append(s); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return statuses }
}
