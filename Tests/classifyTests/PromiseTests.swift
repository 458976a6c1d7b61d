import Classifier
import Foundation
import Imaging
import Testing

/// One test per promise of README and `--help` that no other suite checks, on the built binary,
/// asserting values rather than the presence of keys.
@Suite struct PromiseTests {
    static let digitsTest = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits/test")
    static let fixtures = CommandRunner.fixtures

    static func sharedModel() throws -> URL { try CommandRunner.sharedDigitsModel.get() }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try CommandRunner.jsonObject(String($0)) }
    }

    @Test func versionIsPrinted() throws {
        let result = try CommandRunner.run(["--version"], in: CommandRunner.repositoryRoot)
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").first == "1.0.0", "\(result.stdout)")
    }

    @Test func predictTopKeepsTheKMostLikelyInTextAndJSON() throws {
        let model = try Self.sharedModel()
        let images = ["0/0078.png", "7/0081.png"].map { Self.digitsTest.appendingPathComponent($0).path }
        let tmp = model.deletingLastPathComponent()
        let full = try Self.jsonLines(try CommandRunner.run(["predict", "--model", model.path, "--json"] + images, in: tmp).stdout)
        let top = try CommandRunner.run(["predict", "--model", model.path, "--json", "--top", "3"] + images, in: tmp)
        #expect(top.status == 0, "stderr: \(top.stderr)")
        let cut = try Self.jsonLines(top.stdout)
        #expect(full.count == 2 && cut.count == 2)
        for (all, three) in zip(full, cut) {
            let a = try #require(all["probabilities"] as? [[String: Any]]), t = try #require(three["probabilities"] as? [[String: Any]])
            #expect(a.count == 10 && t.count == 3)
            #expect(t.map { $0["label"] as? String } == a.prefix(3).map { $0["label"] as? String })
            #expect(t.map { $0["probability"] as? Double } == a.prefix(3).map { $0["probability"] as? Double })
            #expect(three["label"] as? String == all["label"] as? String)
        }
        // Text: the header line, then exactly K class lines per image.
        let text = try CommandRunner.run(["predict", "--model", model.path, "--top", "2"] + images, in: tmp)
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 2 * 3, "\(text.stdout)")
        let first = try #require(full.first?["probabilities"] as? [[String: Any]])
        let label = try #require(first[0]["label"] as? String), p = try #require(first[0]["probability"] as? Double)
        let percent = String(format: "%.1f%%", p * 100)
        #expect(lines[0] == "\(images[0]): \(label) (\(percent))")
        #expect(lines[1].hasPrefix("  \(label)  ") && lines[1].contains(percent) && lines[1].contains("█"))
        let refused = try CommandRunner.run(["predict", "--model", model.path, "--top", "0"] + images, in: tmp)
        #expect(refused.status == 64 && refused.stderr.contains("Please give a --top of at least 1."))
    }

    /// evaluate's figures against an independent count: predict's labels for the same files.
    @Test func evaluateAgreesWithPredictAndShowErrorsLimitsTheList() throws {
        let model = try Self.sharedModel()
        let tmp = model.deletingLastPathComponent()
        let evaluated = try CommandRunner.run(["evaluate", Self.digitsTest.path, "--model", model.path, "--json"], in: tmp)
        #expect(evaluated.status == 0, "stderr: \(evaluated.stderr)")
        let e = try CommandRunner.jsonObject(evaluated.stdout)
        let predicted = try Self.jsonLines(try CommandRunner.run(["predict", "--model", model.path, "--json", Self.digitsTest.path], in: tmp).stdout)
        #expect(predicted.count == 360 && e["count"] as? Int == 360)
        let truth = predicted.map { URL(fileURLWithPath: $0["file"] as? String ?? "").deletingLastPathComponent().lastPathComponent }
        let labels = predicted.map { $0["label"] as? String ?? "" }
        let correct = zip(truth, labels).filter { $0 == $1 }.count
        #expect(isClose(e["accuracy"] as? Double ?? -1, Double(correct) / 360, absolute: 1e-12))
        let classes = (0 ... 9).map(String.init)
        let confusion = try #require(e["confusion"] as? [[Int]])
        for i in 0 ..< 10 {
            for j in 0 ..< 10 {
                let count = zip(truth, labels).filter { $0 == classes[i] && $1 == classes[j] }.count
                #expect(confusion[i][j] == count, "confusion[\(i)][\(j)]")
            }
        }
        let perClass = try #require(e["per_class"] as? [[String: Any]])
        for (i, entry) in perClass.enumerated() {
            let tp = Double(confusion[i][i]), column = Double(confusion.map { $0[i] }.reduce(0, +)), row = Double(confusion[i].reduce(0, +))
            let precision = column > 0 ? tp / column : 0, recall = row > 0 ? tp / row : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            #expect(entry["label"] as? String == classes[i])
            #expect(isClose(entry["precision"] as? Double ?? -1, precision, absolute: 1e-12))
            #expect(isClose(entry["recall"] as? Double ?? -1, recall, absolute: 1e-12))
            #expect(isClose(entry["f1"] as? Double ?? -1, f1, absolute: 1e-12))
            #expect(entry["support"] as? Int == Int(row))
        }
        let mistakes = try #require(e["misclassified"] as? [[String: Any]])
        #expect(mistakes.count == 360 - correct && mistakes.count >= 2, "the shared model makes a few mistakes")

        // --show-errors N: at most N listed, in text and JSON.
        let json = try CommandRunner.run(["evaluate", Self.digitsTest.path, "--model", model.path, "--json", "--show-errors", "1"], in: tmp)
        #expect((try CommandRunner.jsonObject(json.stdout)["misclassified"] as? [[String: Any]])?.count == 1)
        let text = try CommandRunner.run(["evaluate", Self.digitsTest.path, "--model", model.path, "--show-errors", "1"], in: tmp)
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex { $0.hasPrefix("Misclassified: ") })
        #expect(lines[header] == "Misclassified: \(mistakes.count) (showing 1; use --show-errors N for more)")
        #expect(lines[(header + 1)...].filter { $0.contains(" taken for ") }.count == 1)
        let first = mistakes[0]
        #expect(lines[header + 1].contains("\(first["label"] as? String ?? "?") taken for \(first["predicted"] as? String ?? "?")"))
        #expect(text.stdout.hasPrefix(String(format: "Accuracy: %.1f%% (\(correct) of 360 images in '", Double(correct) / 3.6)))
        // Without --show-errors, text lists 10.
        let plain = try CommandRunner.run(["evaluate", Self.digitsTest.path, "--model", model.path], in: tmp).stdout
        #expect(plain.split(separator: "\n").filter { $0.contains(" taken for ") }.count == min(10, mistakes.count))
        #expect(mistakes.count <= 10 || plain.contains("Misclassified: \(mistakes.count) (showing 10; use --show-errors N for more)"))
    }

    @Test func threadsGiveTheSameModelRunToRunAndTheSamePredictions() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits/train").path
        for (model, threads) in [("a", "1"), ("b", "1"), ("c", "2")] {
            let result = try CommandRunner.run(["train", train, "--model", "\(model).safetensors", "--epochs", "2", "--hidden", "16",
                                                "--threads", threads], in: tmp)
            #expect(result.status == 0, "stderr: \(result.stderr)")
        }
        let files = try ["a", "b", "c"].map { try Data(contentsOf: tmp.appendingPathComponent("\($0).safetensors")) }
        #expect(files[0] == files[1], "same data, seed and thread count: byte-identical")
        let one = try CommandRunner.run(["predict", "--model", "c.safetensors", "--json", "--threads", "1", Self.digitsTest.path], in: tmp)
        let three = try CommandRunner.run(["predict", "--model", "c.safetensors", "--json", "--threads", "3", Self.digitsTest.path], in: tmp)
        #expect(one.status == 0 && one.stdout == three.stdout && !one.stdout.isEmpty)
        let refused = try CommandRunner.run(["train", train, "--threads", "0"], in: tmp)
        #expect(refused.status == 64 && refused.stderr.contains("Please give --threads between 1 and 256."))
    }

    /// --activation, --cost, --l2, --size, --color, --background and --validation-split 0 all reach
    /// the model file, and the last epoch is kept without validation.
    @Test func trainingFlagsReachTheModelFile() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits/train").path
        let result = try CommandRunner.run(["train", train, "--model", "m.safetensors", "--json", "--epochs", "3", "--hidden", "16,8",
                                            "--activation", "tanh", "--cost", "quadratic", "--l2", "0", "--size", "4x6", "--color", "rgb",
                                            "--background", "#336699", "--validation-split", "0", "--optimizer", "momentum",
                                            "--batch-size", "50", "--seed", "9"], in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let summary = try CommandRunner.jsonObject(result.stdout)
        #expect(summary["layers"] as? [Int] == [4 * 6 * 3, 16, 8, 10])
        let input = try #require(summary["input"] as? [String: Any])
        #expect(input["width"] as? Int == 4 && input["height"] as? Int == 6 && input["color"] as? String == "rgb")
        #expect(summary["epochs"] as? Int == 3 && summary["best_epoch"] as? Int == 3, "no validation: the last epoch is kept")
        #expect(summary["validation_accuracy"] == nil && summary["interrupted"] as? Bool == false)
        #expect(result.stderr.contains("Network: 72-16-8-10, tanh hidden units, sigmoid outputs with quadratic cost, momentum optimizer."))
        #expect(result.stderr.contains("Input: 4×6 rgb (72 input neurons), transparency composited onto #336699."))

        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("m.safetensors"))
        #expect(model.network.layers.map(\.activation) == [.tanh, .tanh, .sigmoid])
        #expect(model.network.cost == .quadratic)
        #expect(model.inputFormat == InputFormat(width: 4, height: 6, color: .rgb, background: BackgroundColor(hex: "#336699")!))
        let s = try #require(model.summary)
        #expect(s.seed == 9 && s.validationExamples == 0 && s.trainingExamples == 1437 && s.bestEpoch == 3)
        #expect(s.hyperparameters["l2"] == "0.0" && s.hyperparameters["optimizer"] == "momentum")
        #expect(s.hyperparameters["learning_rate"] == "0.01" && s.hyperparameters["batch_size"] == "50")
        #expect(s.hyperparameters["validation_split"] == "0.0" && s.hyperparameters["hidden"] == "16,8")
    }

    /// Every default README's table promises, as recorded by a run with no flags but --epochs.
    @Test func defaultsAreRecordedInTheModelFile() throws {
        let model = try ImageClassifier(contentsOf: try Self.sharedModel())
        let h = try #require(model.summary?.hyperparameters)
        let expected = TrainingConfiguration()
        #expect(h["activation"] == expected.activation.rawValue && h["cost"] == expected.cost.rawValue)
        #expect(h["optimizer"] == expected.optimizer.rawValue && h["learning_rate"] == "\(expected.effectiveLearningRate)")
        #expect(h["batch_size"] == "\(expected.batchSize)" && h["l2"] == "\(expected.l2)" && h["patience"] == "\(expected.patience)")
        #expect(h["validation_split"] == "\(expected.validationFraction)")
        #expect(model.summary?.seed == 7 && model.network.layers.map(\.activation) == [.relu, .softmax])
        #expect(model.inputFormat.background == .white)
    }
}
