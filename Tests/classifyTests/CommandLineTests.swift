import Classifier
import Foundation
import Imaging
import Testing

/// End to end: the built `classify` binary on a temporary copy of the sample data.
@Suite struct CommandLineTests {
    /// A small quick training run shared by the tests below (digits are 8×8, so this is fast).
    static let quickTraining = ["--epochs", "3", "--hidden", "32", "--seed", "7"]

    @Test func trainPredictEvaluateInspectProduceTheirJSONContracts() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let test = try CommandRunner.copySampleData("digits/test", into: tmp)

        // train --json: summary on stdout, progress on stderr.
        let trained = try CommandRunner.run(["train", train.path, "--model", "digits.safetensors", "--json"] + Self.quickTraining, in: tmp)
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        #expect(!trained.killedBySignal)
        let summary = try CommandRunner.jsonObject(trained.stdout)
        for key in ["model", "classes", "input", "layers", "epochs", "best_epoch", "train_accuracy",
                    "validation_accuracy", "images", "skipped", "seconds", "samples_per_second"] {
            #expect(summary[key] != nil, "train --json lacks \(key)")
        }
        #expect(summary["classes"] as? [String] == (0 ... 9).map(String.init))
        #expect(summary["layers"] as? [Int] == [64, 32, 10])
        #expect(summary["epochs"] as? Int == 3 && summary["images"] as? Int == 1437 && summary["interrupted"] as? Bool == false)
        #expect(summary["model"] as? String == "digits.safetensors")  // the path as typed (issue 9, item 8)
        let saved = try ImageClassifier(contentsOf: tmp.appendingPathComponent("digits.safetensors"))
        #expect(summary["best_epoch"] as? Int == saved.summary?.bestEpoch)
        // JSON text round trips in the last bit: compare to 1e-12.
        #expect(isClose(summary["train_accuracy"] as? Double ?? -1, saved.summary?.trainingAccuracy ?? -2, absolute: 1e-12))
        #expect(isClose(summary["validation_accuracy"] as? Double ?? -1, saved.summary?.validationAccuracy ?? -2, absolute: 1e-12))
        #expect((summary["skipped"] as? [Any])?.isEmpty == true)
        let input = try #require(summary["input"] as? [String: Any])
        #expect(input["width"] as? Int == 8 && input["height"] as? Int == 8 && input["color"] as? String == "gray")
        #expect(trained.stderr.contains("epoch 1/3"))
        #expect(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("digits.safetensors").path))

        // predict --json: one object per line, sorted descending, summing to 1.
        let images = ["0", "7"].map { test.appendingPathComponent($0) }
        let predicted = try CommandRunner.run(["predict", "--model", "digits.safetensors", "--json"] + images.map(\.path), in: tmp)
        #expect(predicted.status == 0, "stderr: \(predicted.stderr)")
        let lines = predicted.stdout.split(separator: "\n")
        let expectedCount = try images.map { try FileManager.default.contentsOfDirectory(atPath: $0.path).count }.reduce(0, +)
        #expect(lines.count == expectedCount)
        for line in lines {
            let object = try CommandRunner.jsonObject(String(line))
            let probabilities = try #require(object["probabilities"] as? [[String: Any]])
            let values = probabilities.compactMap { $0["probability"] as? Double }
            #expect(values.count == 10)
            #expect(values == values.sorted(by: >))
            #expect(abs(values.reduce(0, +) - 1) < 1e-4)
            #expect(object["label"] as? String == probabilities.first?["label"] as? String)
            #expect(object["file"] is String)
        }

        // evaluate --json.
        let evaluated = try CommandRunner.run(["evaluate", test.path, "--model", "digits.safetensors", "--json"], in: tmp)
        #expect(evaluated.status == 0, "stderr: \(evaluated.stderr)")
        let evaluation = try CommandRunner.jsonObject(evaluated.stdout)
        let confusion = try #require(evaluation["confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.allSatisfy { $0.count == 10 })
        #expect(confusion.flatMap { $0 }.reduce(0, +) == evaluation["count"] as? Int)
        let perClass = try #require(evaluation["per_class"] as? [[String: Any]])
        #expect(perClass.count == 10)
        #expect(perClass.map { $0["label"] as? String } == (0 ... 9).map(String.init))
        #expect(perClass.compactMap { $0["support"] as? Int } == confusion.map { $0.reduce(0, +) })
        for (i, entry) in perClass.enumerated() {
            let predictedCount = confusion.map { $0[i] }.reduce(0, +)
            let precision = predictedCount == 0 ? 0 : Double(confusion[i][i]) / Double(predictedCount)
            #expect(isClose(entry["precision"] as? Double ?? -1, precision, absolute: 1e-12))
        }
        let accuracy = try #require(evaluation["accuracy"] as? Double)
        #expect(accuracy > 0.5, "3 epochs on digits should already beat chance by far")
        let balanced = try #require(evaluation["balanced_accuracy"] as? Double)
        #expect(balanced > 0.5 && balanced <= 1)
        let calibration = try #require(evaluation["calibration"] as? [String: Any])
        let ece = try #require(calibration["ece"] as? Double)
        let bins = try #require(calibration["bins"] as? [[String: Any]])
        #expect(ece >= 0 && ece <= 1 && bins.count == 15)
        #expect(bins.compactMap { $0["count"] as? Int }.reduce(0, +) == evaluation["count"] as? Int)
        #expect(bins.allSatisfy { $0["confidence"] is Double && $0["accuracy"] is Double })

        // predict --min-confidence 1: every label is unknown (null in JSON), exit code 0.
        let unsure = try CommandRunner.run(["predict", "--model", "digits.safetensors", "--json", "--min-confidence", "1",
                                            images[0].path], in: tmp)
        #expect(unsure.status == 0, "stderr: \(unsure.stderr)")
        for line in unsure.stdout.split(separator: "\n") {
            #expect(String(line).contains(#""label":null"#))
        }
        let unsureText = try CommandRunner.run(["predict", "--model", "digits.safetensors", "--min-confidence", "1",
                                                images[0].path], in: tmp)
        #expect(unsureText.status == 0 && unsureText.stdout.contains(": unknown ("))

        let misclassified = try #require(evaluation["misclassified"] as? [[String: Any]])
        #expect(misclassified.count == (evaluation["count"] as? Int ?? 0) - confusion.indices.map { confusion[$0][$0] }.reduce(0, +))

        // inspect --json.
        let inspected = try CommandRunner.run(["inspect", "--model", "digits.safetensors", "--json"], in: tmp)
        #expect(inspected.status == 0, "stderr: \(inspected.stderr)")
        let inspection = try CommandRunner.jsonObject(inspected.stdout)
        #expect((inspection["layers"] as? [[String: Any]])?.count == 2)
        #expect(inspection["cost"] as? String == "cross-entropy")

        // Text output of evaluate has the table and the matrix.
        let text = try CommandRunner.run(["evaluate", test.path, "--model", "digits.safetensors"], in: tmp)
        #expect(text.status == 0)
        #expect(text.stdout.contains("Accuracy:") && text.stdout.contains("Confusion matrix"))
    }

    @Test func predictConvertsImagesOfAnotherSizeAndColourAndReportsBadOnesWithoutStopping() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let trained = try CommandRunner.run(["train", train.path] + Self.quickTraining, in: tmp)
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        #expect(trained.stdout.contains("classifier.safetensors"), "default model path")

        // A 40×30 RGBA image for an 8×8 grey model: converted, not rejected.
        var samples: [UInt16] = []
        for y in 0 ..< 30 { for x in 0 ..< 40 { samples += [UInt16(x * 6), UInt16(y * 8), 128, x < 20 ? 255 : 0] } }
        let big = tmp.appendingPathComponent("big.png")
        try PNG.write(Image(width: 40, height: 30, channels: 4, samples: samples), to: big)
        let junk = tmp.appendingPathComponent("junk.png")
        try Data("hello, not a png".utf8).write(to: junk)

        let result = try CommandRunner.run(["predict", big.path, junk.path], in: tmp)
        #expect(result.status == 1, "a failed image makes the exit code 1")
        #expect(!result.killedBySignal)
        #expect(result.stdout.contains("big.png:"), "the good image is still predicted")
        #expect(result.stderr.contains("junk.png") && result.stderr.contains("not a PNG"))
        #expect(result.stdout.contains("%"))
    }

    /// Bad input: one clear line naming the file or option, the right exit code, no crash.
    @Test(arguments: [
        (["train", "no-such-folder"], Int32(1), "no-such-folder"),
        (["train", "one-class"], 1, "at least two"),
        (["train", "one-class", "--batch-size", "0"], 64, "--batch-size"),
        (["train", "one-class", "--hidden", "12,x"], 64, "--hidden"),
        (["train", "one-class", "--hidden", "0"], 64, "--hidden"),
        (["train", "one-class", "--hidden", "65537"], 64, "--hidden"),
        (["train", "one-class", "--activation", "identity"], 64, "--activation"),
        (["train", "one-class", "--learning-rate=-1"], 64, "--learning-rate"),
        (["train", "one-class", "--epochs", "0"], 64, "--epochs"),
        (["train", "one-class", "--patience", "0"], 64, "--patience"),
        (["train", "one-class", "--l2=-1"], 64, "--l2"),
        (["train", "one-class", "--label-smoothing", "0.6"], 64, "--label-smoothing"),
        (["train", "one-class", "--validation-split", "0.95"], 64, "--validation-split"),
        (["train", "one-class", "--size", "0x5"], 64, "--size"),
        (["predict", "img.png", "--model", "missing.safetensors"], 1, "missing.safetensors"),
        (["predict", "img.png", "--model", "text.safetensors"], 1, "text.safetensors"),
        (["inspect", "--model", "text.safetensors"], 1, "text.safetensors"),
        (["evaluate", "one-class", "--model", "missing.safetensors"], 1, "missing.safetensors"),
        (["predict", "missing.png", "--model", "text.safetensors"], 1, "text.safetensors"),
        (["frobnicate"], 64, "frobnicate"),
    ] as [([String], Int32, String)])
    func badInputGivesOneClearLine(arguments: [String], status: Int32, mention: String) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let one = tmp.appendingPathComponent("one-class/cat")
        try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
        let pixel = Image(width: 2, height: 2, channels: 1, samples: [0, 255, 255, 0])
        try PNG.write(pixel, to: one.appendingPathComponent("a.png"))
        try PNG.write(pixel, to: tmp.appendingPathComponent("img.png"))
        try Data("this is not a model".utf8).write(to: tmp.appendingPathComponent("text.safetensors"))

        let result = try CommandRunner.run(arguments, in: tmp)
        #expect(result.status == status, "stderr: \(result.stderr)")
        #expect(!result.killedBySignal)
        #expect(result.stderr.contains(mention), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        if status == 1 {
            let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error") }
            #expect(lines.count == 1, "one error line: \(result.stderr)")
        }
    }

    @Test func anEmptyClassFolderIsReportedAndTrainingGoesOn() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        try FileManager.default.createDirectory(at: train.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("not an image".utf8).write(to: train.appendingPathComponent("3/broken.png"))
        let result = try CommandRunner.run(["train", train.path, "--json"] + Self.quickTraining, in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("empty"))
        #expect(result.stderr.contains("broken.png"))
        let summary = try CommandRunner.jsonObject(result.stdout)
        #expect((summary["classes"] as? [String])?.contains("empty") == false)
        let skipped = try #require(summary["skipped"] as? [[String: Any]])
        #expect(skipped.contains { ($0["file"] as? String)?.hasSuffix("broken.png") == true })
    }

    /// The engines `CLASSIFY_BLAS` can name here: the built-in kernel, and OpenBLAS when it loads.
    static let engineNames = ["builtin"] + ((try? MatrixEngine.openBLAS()) == nil ? [] : ["openblas"])

    @Test("the same data, seed and engine write byte-identical model files", arguments: engineNames)
    func theSameDataAndSeedWriteByteIdenticalModelFiles(engine: String) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        for (model, seed) in [("a.safetensors", "7"), ("b.safetensors", "7"), ("c.safetensors", "8")] {
            let result = try CommandRunner.run(["train", train.path, "--model", model, "--epochs", "3", "--hidden", "32", "--seed", seed],
                                               in: tmp, environment: ["CLASSIFY_BLAS": engine])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("Matrix products: \(engine == "builtin" ? "built-in" : "OpenBLAS")"), "\(result.stderr)")
        }
        let files = try ["a", "b", "c"].map { try Data(contentsOf: tmp.appendingPathComponent("\($0).safetensors")) }
        #expect(files[0] == files[1], "same data and seed: byte-identical model files")
        #expect(files[0] != files[2], "another seed: another model")
    }

    @Test("--class-weight auto balances a 7:1 folder (and says so) and leaves balanced classes as none does")
    func classWeightAutoBalancesOnlyImbalancedFolders() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let files = FileManager.default
        /// The trained weights (the files differ anyway: their settings record the --class-weight given).
        func trainBytes(_ model: String, _ weight: String) throws -> (Network, String) {
            let result = try CommandRunner.run(["train", train.path, "--model", model, "--epochs", "2", "--hidden", "8",
                                                "--class-weight", weight], in: tmp)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            return (try ImageClassifier(contentsOf: tmp.appendingPathComponent(model)).network, result.stderr)
        }
        let (balancedAuto, quiet) = try trainBytes("a.safetensors", "auto")
        let (balancedNone, _) = try trainBytes("b.safetensors", "none")
        #expect(balancedAuto == balancedNone, "classes of equal size: auto trains exactly as none")
        #expect(!quiet.contains("imbalanced"))
        for name in try files.contentsOfDirectory(atPath: train.path) where !["0", "1"].contains(name) {
            try files.removeItem(at: train.appendingPathComponent(name))
        }
        for image in try files.contentsOfDirectory(atPath: train.appendingPathComponent("1").path).sorted().dropFirst(20) {
            try files.removeItem(at: train.appendingPathComponent("1").appendingPathComponent(image))
        }
        let (skewedAuto, warned) = try trainBytes("c.safetensors", "auto")
        let (skewedNone, told) = try trainBytes("d.safetensors", "none")
        #expect(skewedAuto != skewedNone, "142 against 20 images: auto samples the classes equally often")
        #expect(warned.contains("the classes are imbalanced") && warned.contains("every class is sampled equally often"), "\(warned)")
        #expect(told.contains("consider --class-weight balanced"), "\(told)")
    }

    @Test("--ensemble 2 saves one model of two networks side by side; --ensemble with --from or 0 is refused before any work")
    func ensembleOnTheCommandLine() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let result = try CommandRunner.run(["train", train.path, "--model", "e.safetensors", "--epochs", "2", "--hidden", "8",
                                            "--ensemble", "2"], in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("ensemble             2 networks (best epochs ") && result.stderr.contains("network 2/2  epoch 2/2"),
                "\(result.stdout)")
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("e.safetensors"))
        #expect(model.network.sizes == [64, 16, 10] && model.summary?.hyperparameters["ensemble"] == "2")
        #expect(model.trainingHistory.count == 2, "the file keeps the first network's curve")
        for arguments in [["--ensemble", "2", "--from", "e.safetensors"], ["--ensemble", "0"], ["--ensemble", "2", "--refit"]] {
            let refused = try CommandRunner.run(["train", train.path, "--model", "f.safetensors"] + arguments, in: tmp)
            #expect(refused.status != 0 && refused.stderr.contains("--ensemble of 1 to 16 networks"), "\(arguments): \(refused.stderr)")
            #expect(!refused.stderr.contains("epoch"), "refused before training")
        }
    }

    @Test func evaluateSkipsClassFoldersTheModelDoesNotKnow() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let test = try CommandRunner.copySampleData("digits/test", into: tmp)
        let trained = try CommandRunner.run(["train", train.path] + Self.quickTraining, in: tmp)
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        let extra = test.appendingPathComponent("letters")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: test.appendingPathComponent("0/0078.png"), to: extra.appendingPathComponent("a.png"))

        let result = try CommandRunner.run(["evaluate", test.path, "--json"], in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("letters") && result.stderr.contains("no class"))
        let evaluation = try CommandRunner.jsonObject(result.stdout)
        #expect(evaluation["count"] as? Int == 360, "the 360 digit images, not the letter")
        #expect(evaluation["classes"] as? [String] == (0 ... 9).map(String.init))
    }
    // preview: PromiseTests.previewWritesWhatTheNetworkSees (a Python-written image and result).

    @Test func versionNamesTheMatrixEngine() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let builtin = try CommandRunner.run(["--version"], in: tmp, environment: ["CLASSIFY_BLAS": "builtin"])
        #expect(builtin.status == 0 && builtin.stdout.contains("matrix products: built-in"), "\(builtin.stdout)")
        let unknown = try CommandRunner.run(["train", "nowhere"], in: tmp, environment: ["CLASSIFY_BLAS": "cuda"])
        #expect(unknown.status == 1 && unknown.stderr.contains("'cuda'"), "\(unknown.stderr)")
    }
}
