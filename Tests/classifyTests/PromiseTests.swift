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
        #expect(result.stdout == "1.0.0\n")
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

    @Test(arguments: [
        ("white", [255, 255, 255]), ("black", [0, 0, 0]), ("gray", [128, 128, 128]), ("grey", [128, 128, 128]),
        ("#336699", [0x33, 0x66, 0x99]), ("336699", [0x33, 0x66, 0x99]), ("#A0b1C2", [0xA0, 0xB1, 0xC2]),
    ] as [(String, [UInt16])])
    func backgroundColourSyntaxes(argument: String, rgb: [UInt16]) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        try PNG.write(Image(width: 1, height: 1, channels: 4, samples: [10, 200, 30, 0]), to: tmp.appendingPathComponent("in.png"))
        let result = try CommandRunner.run(["preview", "in.png", "-o", "out.png", "--background", argument], in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try PNG.decode(contentsOf: tmp.appendingPathComponent("out.png")).samples == rgb)
    }

    @Test(arguments: ["pink", "#12345", "#12345g", ""])
    func badBackgroundIsAUsageError(argument: String) throws {
        let result = try CommandRunner.run(["preview", "in.png", "-o", "out.png", "--background", argument], in: CommandRunner.repositoryRoot)
        #expect(result.status == 64 && result.stderr.contains("--background"), "stderr: \(result.stderr)")
    }

    /// Python wrote both the image and the picture the network must see (scripts/make_python_model.py).
    @Test(arguments: [
        ("gray-black", ["--size", "4x3", "--color", "gray", "--background", "black"], "4×3 gray, background #000000"),
        ("model", ["--model", "python.safetensors"], "4×3 rgb, background #336699"),
    ])
    func previewWritesWhatTheNetworkSees(name: String, options: [String], description: String) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        for file in ["preview-in.png", "python.safetensors"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(file), to: tmp.appendingPathComponent(file))
        }
        let result = try CommandRunner.run(["preview", "preview-in.png", "--output", "seen.png"] + options, in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "Wrote what the network sees (\(description)) to seen.png.\n")
        let expected = try #require(try CommandRunner.jsonObject(String(decoding: try Data(contentsOf: Self.fixtures.appendingPathComponent("preview.json")),
                                                                       as: UTF8.self))[name] as? [String: Any])
        let seen = try PNG.decode(contentsOf: tmp.appendingPathComponent("seen.png"))
        #expect(seen.width == expected["width"] as? Int && seen.height == expected["height"] as? Int)
        #expect(seen.channels == expected["channels"] as? Int)
        #expect(seen.samples.map(Int.init) == expected["samples"] as? [Int])
        // The picture is what prediction feeds the network: predicting the preview gives the same probabilities.
        if name == "model" {
            let a = try CommandRunner.run(["predict", "--model", "python.safetensors", "--json", "preview-in.png"], in: tmp)
            let b = try CommandRunner.run(["predict", "--model", "python.safetensors", "--json", "seen.png"], in: tmp)
            let pa = try CommandRunner.jsonObject(a.stdout)["probabilities"] as? [[String: Any]]
            let pb = try CommandRunner.jsonObject(b.stdout)["probabilities"] as? [[String: Any]]
            #expect(pa?.map { $0["label"] as? String } == pb?.map { $0["label"] as? String })
            for (x, y) in zip(pa ?? [], pb ?? []) {
                #expect(isClose(x["probability"] as? Double ?? 0, y["probability"] as? Double ?? 1, absolute: 2e-3))
            }
        }
        let both = try CommandRunner.run(["preview", "preview-in.png", "-o", "x.png", "--model", "python.safetensors", "--size", "4x4"], in: tmp)
        #expect(both.status == 64 && both.stderr.contains("Please give either --model or --size/--color, not both"))
    }

    /// A model written by Python's `safetensors` package loads and predicts what numpy computed.
    @Test func aPythonWrittenModelPredictsWhatNumpyComputed() throws {
        let oracle = try CommandRunner.jsonObject(String(decoding: try Data(contentsOf: Self.fixtures.appendingPathComponent("python.json")), as: UTF8.self))
        let files = try #require(oracle["files"] as? [String: [String: Any]])
        let images = files.keys.sorted().map { Self.fixtures.appendingPathComponent($0).path }
        let result = try CommandRunner.run(["predict", "--model", Self.fixtures.appendingPathComponent("python.safetensors").path, "--json"] + images,
                                           in: CommandRunner.repositoryRoot)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = try Self.jsonLines(result.stdout)
        #expect(lines.count == 2)
        for line in lines {
            let name = URL(fileURLWithPath: line["file"] as? String ?? "").lastPathComponent
            let expected = try #require(files[name])
            #expect(line["label"] as? String == expected["label"] as? String)
            let p = try #require(expected["probabilities"] as? [String: Double])
            for entry in line["probabilities"] as? [[String: Any]] ?? [] {
                let label = entry["label"] as? String ?? ""
                #expect(isClose(entry["probability"] as? Double ?? -1, p[label] ?? 2, absolute: 1e-6), "\(name) \(label)")
            }
        }
        let inspected = try CommandRunner.run(["inspect", "--model", Self.fixtures.appendingPathComponent("python.safetensors").path],
                                              in: CommandRunner.repositoryRoot)
        #expect(inspected.stdout.contains("Classes (3): cat, dog, bird\nInput: 4×3 rgb, transparency composited onto #336699 (36 input neurons)"))
        #expect(inspected.stdout.contains("  1      36 → 5       tanh              185 parameters"))
    }

    @Test func theProgressBarIsDrawnOnATerminalAndNotInAPipe() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits/train").path
        let arguments = ["train", train, "--epochs", "2", "--hidden", "16", "--batch-size", "8"]
        let terminal = try CommandRunner.runInTerminal(arguments, in: tmp)
        #expect(terminal.status == 0, "\(terminal.screen)")
        // Redrawn in place: carriage return + erase line, then epoch, bar, batch, loss, accuracy, speed, ETA.
        let redraws = terminal.screen.components(separatedBy: "\r\u{1B}[2K").dropFirst()
        let bar = try #require(redraws.first { $0.hasPrefix("epoch 1/2 ") }, "no bar in: \(terminal.screen.debugDescription.prefix(500))")
        #expect(bar.contains("/162  loss ") && bar.contains("  accuracy ") && bar.contains(" samples/s  ETA "))
        #expect(bar.contains("█") || bar.contains("▏") || bar.contains("▎") || bar.contains("▍") || bar.contains("▌"))
        #expect(terminal.screen.contains("epoch 2/2  loss "))
        let piped = try CommandRunner.run(arguments, in: tmp)
        #expect(piped.status == 0 && !piped.stderr.contains("\r") && !piped.stderr.contains("ETA"))
        #expect(piped.stderr.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.count == 2, "one plain line per epoch")
    }

    /// The shapes of the text outputs README pastes, line by line, with this run's values.
    @Test func textOutputsHaveTheShapesREADMEShows() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/digits/train").path
        let trained = try CommandRunner.run(["train", train, "--epochs", "2", "--hidden", "16"], in: tmp)
        #expect(trained.status == 0)
        let err = trained.stderr.split(separator: "\n").map(String.init)
        #expect(err.first?.hasPrefix("Found 1,437 images in 10 classes in '\(train)' (") == true)
        #expect(err.first?.hasSuffix("): 0 (142), 1 (146), 2 (142), 3 (146), 4 (145), 5 (145), 6 (145), 7 (143), 8 (139), 9 (144).") == true)
        #expect(err.contains("Input: 8×8 gray (64 input neurons), transparency composited onto #ffffff."))
        #expect(err.contains("Network: 64-16-10, relu hidden units, softmax outputs with cross-entropy cost, adam optimizer."))
        let epochLines = err.filter { $0.hasPrefix("epoch ") }
        #expect(epochLines.count == 2 && epochLines[0].hasPrefix("epoch 1/2  loss ") && epochLines[0].hasSuffix("(best)"))
        #expect(epochLines[0].contains("  validation loss ") && epochLines[0].contains(" samples/s"))
        let out = trained.stdout.split(separator: "\n").map(String.init)
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("classifier.safetensors"))
        let s = try #require(model.summary)
        #expect(out.count == 6)
        #expect(out[0].hasPrefix("Trained on 1,292 images (145 more held out for validation) in "))
        #expect(out[1] == "  epochs               2 (best \(s.bestEpoch))")
        #expect(out[2] == "  training accuracy    " + String(format: "%.1f%%", s.trainingAccuracy * 100))
        #expect(out[3] == "  validation accuracy  " + String(format: "%.1f%%", (s.validationAccuracy ?? 0) * 100))
        #expect(out[4].hasPrefix("  speed                ") && out[4].hasSuffix(" samples/s"))
        #expect(out[5] == "Saved the model (epoch \(s.bestEpoch)) to classifier.safetensors.")

        let inspected = try CommandRunner.run(["inspect"], in: tmp).stdout.split(separator: "\n").map(String.init)
        #expect(inspected.prefix(8) == [
            "Model: classifier.safetensors", "Classes (10): 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
            "Input: 8×8 gray, transparency composited onto #ffffff (64 input neurons)", "Layers:",
            "  1      64 → 16      relu            1,040 parameters", "  2      16 → 10      softmax           170 parameters",
            "  total 1,210 parameters", "Cost: cross-entropy",
        ])
        #expect(inspected.count == 10 && inspected[9].hasPrefix("Settings: activation=relu, batch_size=32, cost=cross-entropy, hidden=16, "))
        #expect(inspected[8].hasPrefix("Training: 2 epochs (best \(s.bestEpoch)), training accuracy "))

        let evaluated = try CommandRunner.run(["evaluate", Self.digitsTest.path], in: tmp).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(evaluated[1] == "" && evaluated[2] == "class  precision  recall      f1  support")
        #expect(evaluated[3].hasPrefix("0   ") && evaluated[3].hasSuffix("      36"))
        #expect(evaluated.contains("Confusion matrix (rows = true class, columns = predicted class):"))

        let preview = try CommandRunner.run(["preview", Self.digitsTest.appendingPathComponent("0/0078.png").path, "--output", "seen.png",
                                             "--size", "16x16", "--color", "gray"], in: tmp)
        #expect(preview.stdout == "Wrote what the network sees (16×16 gray, background #ffffff) to seen.png.\n")
    }
}
