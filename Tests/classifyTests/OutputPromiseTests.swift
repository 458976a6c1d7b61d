import Classifier
import Foundation
import Imaging
import Testing

/// README's and `--help`'s promises about what the user sees: colours, preview pictures, a
/// Python-written model's predictions, the live bar on a terminal and the text outputs.
@Suite struct OutputPromiseTests {
    static let digitsTest = PromiseTests.digitsTest
    static let fixtures = CommandRunner.fixtures

    static func jsonLines(_ text: String) throws -> [[String: Any]] { try PromiseTests.jsonLines(text) }

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
        let previews = try Data(contentsOf: Self.fixtures.appendingPathComponent("preview.json"))
        let expected = try #require(try CommandRunner.jsonObject(String(decoding: previews, as: UTF8.self))[name] as? [String: Any])
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
        let json = try Data(contentsOf: Self.fixtures.appendingPathComponent("python.json"))
        let oracle = try CommandRunner.jsonObject(String(decoding: json, as: UTF8.self))
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
        let arguments = ["train", train, "--epochs", "2", "--hidden", "16", "--batch-size", "8", "--no-refit"]
        let terminal = try CommandRunner.runInTerminal(arguments, in: tmp)
        #expect(terminal.status == 0, "\(terminal.screen)")
        // Redrawn in place: carriage return + erase line, then epoch, bar, batch, loss, accuracy, speed, ETA.
        // Each redraw is the whole line: nothing but the bar between one erase and the next.
        let redraws = terminal.screen.components(separatedBy: "\r\u{1B}[2K").dropFirst()
        let bars = redraws.filter { $0.hasPrefix("epoch 1/2 ") && !$0.contains("\n") }
        let bar = try #require(bars.first, "no bar in: \(terminal.screen.debugDescription.prefix(500))")
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
        // Without the refit (on by default: two more epoch lines and a 'refit' summary line).
        let trained = try CommandRunner.run(["train", train, "--epochs", "2", "--hidden", "16", "--no-refit"], in: tmp)
        #expect(trained.status == 0)
        let err = trained.stderr.split(separator: "\n").map(String.init)
        let found = err.first { $0.hasPrefix("Found ") }
        #expect(found?.hasPrefix("Found 1,437 images in 10 classes in '\(train)' (") == true)
        #expect(found?.hasSuffix("): 0 (142), 1 (146), 2 (142), 3 (146), 4 (145), 5 (145), 6 (145), 7 (143), 8 (139), 9 (144).") == true)
        #expect(err.contains("Input: 8×8 gray (64 input neurons), transparency composited onto #ffffff."))
        #expect(err.contains("Network: 64-16-10, relu hidden units, softmax outputs with cross-entropy cost, adam optimizer."))
        let epochLines = err.filter { $0.hasPrefix("epoch ") }
        #expect(epochLines.count == 2 && epochLines[0].hasPrefix("epoch 1/2  loss ") && epochLines[0].hasSuffix("(best)"))
        #expect(epochLines[0].contains("  validation loss ") && epochLines[0].contains(" samples/s"))
        let out = trained.stdout.split(separator: "\n").map(String.init)
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("classifier.safetensors"))
        let s = try #require(model.summary)
        #expect(out.count == 7)
        #expect(out[0].hasPrefix("Trained on 1,292 images (145 more held out for validation) in "))
        #expect(out[1] == "  epochs               2 (best \(s.bestEpoch))")
        #expect(out[2] == "  training accuracy    " + String(format: "%.1f%%", s.trainingAccuracy * 100))
        #expect(out[3] == "  validation accuracy  " + String(format: "%.1f%%", (s.validationAccuracy ?? 0) * 100))
        #expect(out[4].hasPrefix("  speed                ") && out[4].hasSuffix(" samples/s"))
        // 8×8 digits are not mirror-symmetric: auto-flip says which class showed it (r of the most asymmetric).
        #expect(out[5].hasPrefix("  augmentation         shift (no flips: '") && out[5].contains("' is not mirror-symmetric, asymmetry ")
                && out[5].hasSuffix(" > 3)"), "\(out[5])")
        #expect(out[6] == "Saved the model (epoch \(s.bestEpoch)) to classifier.safetensors.")

        let inspected = try CommandRunner.run(["inspect"], in: tmp).stdout.split(separator: "\n").map(String.init)
        #expect(inspected.prefix(8) == [
            "Model: classifier.safetensors", "Classes (10): 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
            "Input: 8×8 gray, transparency composited onto #ffffff (64 input neurons)", "Layers:",
            "  1      64 → 16      relu            1,040 parameters", "  2      16 → 10      softmax           170 parameters",
            "  total 1,210 parameters", "Cost: cross-entropy",
        ])
        #expect(inspected.count == 10 && inspected[9].hasPrefix("Settings: activation=relu, augment=shift, average_weights=true, batch_size=32, ")
                && inspected[9].contains(" cost=cross-entropy, ") && inspected[9].contains(" hidden=16, ")
                && inspected[9].contains(" mirror_asymmetry="))
        #expect(inspected[8].hasPrefix("Training: 2 epochs (best \(s.bestEpoch)), training accuracy "))

        let evaluated = try CommandRunner.run(["evaluate", Self.digitsTest.path], in: tmp).stdout
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(evaluated[1].hasPrefix("Balanced accuracy: ") && evaluated[2].hasPrefix("Calibration: expected calibration error "))
        #expect(evaluated[3] == "" && evaluated[4] == "class  precision  recall      f1  support")
        #expect(evaluated[5].hasPrefix("0   ") && evaluated[5].hasSuffix("      36"))
        #expect(evaluated.contains("Confusion matrix (rows = true class, columns = predicted class):"))

        let preview = try CommandRunner.run(["preview", Self.digitsTest.appendingPathComponent("0/0078.png").path, "--output", "seen.png",
                                             "--size", "16x16", "--color", "gray"], in: tmp)
        #expect(preview.stdout == "Wrote what the network sees (16×16 gray, background #ffffff) to seen.png.\n")
    }
}
