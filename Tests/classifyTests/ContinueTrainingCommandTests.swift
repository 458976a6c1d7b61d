import Classifier
import Foundation
import Testing

/// `classify train DIR --from MODEL`, end to end.
@Suite struct ContinueTrainingCommandTests {
    static let quick = ["--hidden", "16", "--seed", "9"]

    @Test func continuedTrainingNumbersItsEpochsAfterTheModels() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let first = try CommandRunner.run(["train", train.path, "--model", "a.safetensors", "--epochs", "3"] + Self.quick, in: tmp)
        try #require(first.status == 0, "stderr: \(first.stderr)")
        let before = try Data(contentsOf: tmp.appendingPathComponent("a.safetensors"))

        // No --hidden, --seed or --activation: they come from the model.
        let more = try CommandRunner.run(["train", train.path, "--from", "a.safetensors", "--model", "b.safetensors",
                                          "--epochs", "2", "--json"], in: tmp)
        try #require(more.status == 0, "stderr: \(more.stderr)")
        #expect(more.stderr.contains("Continuing from 'a.safetensors' after epoch 3."))
        #expect(more.stderr.contains("epoch 4/5") && more.stderr.contains("epoch 5/5"))
        let summary = try CommandRunner.jsonObject(more.stdout)
        #expect(summary["epochs"] as? Int == 5)
        #expect(summary["layers"] as? [Int] == [64, 16, 10])
        #expect(try Data(contentsOf: tmp.appendingPathComponent("a.safetensors")) == before, "--from must not change the model")
        let continued = try ImageClassifier(contentsOf: tmp.appendingPathComponent("b.safetensors"))
        #expect(continued.summary?.epochs == 5 && continued.summary?.seed == 9)
        #expect(continued.summary?.hyperparameters["continued_after_epoch"] == "3")
    }

    @Test func aMismatchedClassSetIsRefusedWithoutTouchingTheModel() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let model = tmp.appendingPathComponent("m.safetensors")
        let first = try CommandRunner.run(["train", train.path, "--model", model.path, "--epochs", "1"] + Self.quick, in: tmp)
        try #require(first.status == 0, "stderr: \(first.stderr)")
        let before = try Data(contentsOf: model)
        let wrongSize = try CommandRunner.run(["train", train.path, "--from", model.path, "--size", "4x4"], in: tmp)
        #expect(wrongSize.status == 1 && wrongSize.stderr.contains("it takes 8×8 gray"), "stderr: \(wrongSize.stderr)")

        try FileManager.default.moveItem(at: train.appendingPathComponent("9"), to: train.appendingPathComponent("nine"))
        // Even writing to the model's own path: refused before anything is written.
        let refused = try CommandRunner.run(["train", train.path, "--from", model.path, "--model", model.path, "--epochs", "1"], in: tmp)
        #expect(refused.status == 1)
        let errorLines = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "stderr: \(refused.stderr)")
        #expect(errorLines.first?.contains("no images of 9; new nine") == true, "stderr: \(refused.stderr)")
        #expect(try Data(contentsOf: model) == before, "a refused --from must leave the model byte for byte")

    }

    @Test func ctrlCDuringContinuedTrainingKeepsTheBestModelSoFar() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let first = try CommandRunner.run(["train", train.path, "--model", "m.safetensors", "--epochs", "2"] + Self.quick, in: tmp)
        try #require(first.status == 0, "stderr: \(first.stderr)")

        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["train", train.path, "--from", "m.safetensors", "--model", "m.safetensors",
                             "--epochs", "100000", "--patience", "100000"]
        process.currentDirectoryURL = tmp
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let log = StderrLog()
        let pipe = Pipe()
        pipe.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(180)
        while !log.text.contains(" 4/100002") && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "stderr: \(log.text)")
        #expect(log.text.contains("Interrupted"))
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("m.safetensors"))
        let summary = try #require(model.summary)
        #expect(summary.epochs >= 4 && summary.bestEpoch >= 3, "the saved model continues the first one's epochs")
    }
}
