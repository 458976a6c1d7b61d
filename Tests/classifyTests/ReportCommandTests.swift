import Classifier
import Foundation
import Imaging
import Testing

/// `classify report` end to end without a browser: training records its history in the model
/// file, the report draws it, `--pictures` writes files, bad options and models are refused.
@Suite struct ReportCommandTests {
    @Test func trainingKeepsItsHistoryAndTheReportDrawsItWithPictures() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let digits = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits")
        let trained = try CommandRunner.run(["train", digits.appendingPathComponent("train").path, "--no-refit", "--model", "d.safetensors",
                                             "--epochs", "4", "--hidden", "16", "--seed", "3"], in: tmp)
        try #require(trained.status == 0, "\(trained.stderr)")
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("d.safetensors"))
        let summary = try #require(model.summary)
        #expect(model.trainingHistory.map(\.epoch) == Array(1 ... summary.epochs))
        #expect(model.trainingHistory.allSatisfy { $0.validationLoss != nil && $0.validationAccuracy != nil })
        let best = try #require(model.trainingHistory.first { $0.epoch == summary.bestEpoch })
        #expect(best.validationAccuracy == summary.validationAccuracy)

        let reported = try CommandRunner.run(["report", digits.appendingPathComponent("test").path, "--model", "d.safetensors",
                                              "--output", "r.html", "--mistakes", "3", "--pictures", "pictures"], in: tmp)
        try #require(reported.status == 0, "\(reported.stderr)")
        #expect(reported.stdout.contains("Wrote the report on 360 images"))
        let html = try String(contentsOf: tmp.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(html.contains("Loss per epoch") && html.contains("best epoch \(summary.bestEpoch)"))
        #expect(html.components(separatedBy: "<figure class=\"mistake\"").count - 1 == 3)
        let pictures = try FileManager.default.contentsOfDirectory(atPath: tmp.appendingPathComponent("pictures").path).sorted()
        // evaluate's calibration (issue 10) gives the reliability diagram too.
        #expect(pictures == ["class-means.png", "confusion.svg", "first-layer-weights.png", "mistakes.png", "per-class.svg",
                             "reliability.svg", "training-accuracy.svg", "training-loss.svg"])
        let weights = try PNG.decode(contentsOf: tmp.appendingPathComponent("pictures/first-layer-weights.png"))
        #expect(weights.channels == 3 && weights.width > 8 * 4)
    }

    @Test(arguments: [
        (["--mistakes=-1"], 64, "Please give --mistakes 0 or more."),
        (["--model", "missing.safetensors"], 1, "missing.safetensors"),
    ])
    func badOptionsAndModelsAreRefused(arguments: [String], status: Int32, message: String) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let test = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits/test").path
        let outcome = try CommandRunner.run(["report", test, "--output", "r.html"] + arguments, in: tmp)
        #expect(outcome.status == status && outcome.stderr.contains(message), "\(outcome.status): \(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("r.html").path))
    }
}
