import Classifier
import Foundation
import Imaging
import Testing

/// `classify export` checked in the real runtime: every activation and both costs, on real sample
/// images of both sample data sets, against `classify predict --json`.
@Suite struct ONNXExportTests {
    static let tolerance = 1e-5

    /// The sample training sets, decoded once for all tests of the suite.
    static let trainingFolders: [String: ImageDataset] = ["digits", "fruit"].reduce(into: [:]) { folders, name in
        let root = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/\(name)/train")
        folders[name] = try? ImageDataset(trainingFolder: root, threads: 2)
    }

    /// A few trained epochs on `sample-data/<name>/train`, written to `model` (trained through the
    /// library: the CLI's training is tested elsewhere, here only the weights matter).
    static func trainModel(_ name: String, activation: Activation, cost: Cost, hidden: [Int], to model: URL) throws -> ImageClassifier {
        let loaded = try #require(trainingFolders[name], "sample-data/\(name)/train could not be loaded")
        var configuration = TrainingConfiguration()
        configuration.hiddenLayers = hidden
        configuration.activation = activation
        configuration.cost = cost
        configuration.maxEpochs = 3
        configuration.seed = 5
        let result = try Trainer(configuration: configuration).train(loaded.dataset)
        let classifier = ImageClassifier(network: result.network, classes: loaded.classes,
                                         inputFormat: loaded.inputFormat, summary: result.summary)
        try classifier.write(to: model)
        return classifier
    }

    /// The first `perClass` test images of every class of `sample-data/<name>/test`.
    static func sampleImages(_ name: String, perClass: Int) throws -> [URL] {
        let root = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/\(name)/test")
        let fileManager = FileManager.default
        return try fileManager.contentsOfDirectory(atPath: root.path).sorted().flatMap { label in
            try fileManager.contentsOfDirectory(atPath: root.appendingPathComponent(label).path)
                .filter { $0.hasSuffix(".png") }.sorted().prefix(perClass)
                .map { root.appendingPathComponent(label).appendingPathComponent($0) }
        }
    }

    /// `classify predict --json` as one probability vector per file, in class order.
    static func predictedProbabilities(model: URL, files: [URL], classes: [String], in folder: URL) throws -> [[Double]] {
        let predicted = try CommandRunner.run(["predict", "--model", model.path, "--json"] + files.map(\.path), in: folder)
        #expect(predicted.status == 0, "stderr: \(predicted.stderr)")
        return try predicted.stdout.split(separator: "\n").map { line in
            let object = try CommandRunner.jsonObject(String(line))
            let entries = try #require(object["probabilities"] as? [[String: Any]])
            var byLabel: [String: Double] = [:]
            for entry in entries {
                byLabel[try #require(entry["label"] as? String)] = try #require(entry["probability"] as? Double)
            }
            return try classes.map { try #require(byLabel[$0], "predict gave no probability for \($0)") }
        }
    }

    @Test(arguments: [Activation.sigmoid, .tanh, .relu, .arctan], [Cost.crossEntropy, .quadratic])
    func onnxRuntimeGivesThePredictedProbabilities(activation: Activation, cost: Cost) throws {
        guard PythonRuntime.isAvailable(["onnx", "onnxruntime", "numpy"],
                                        for: "ONNX export check in onnxruntime (\(activation), \(cost))") else { return }
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }

        // Both data sets; each model also sees two images of the other set (resized, recoloured).
        let cases: [(data: String, hidden: [Int], images: [URL])] = [
            ("digits", [16, 12], try Self.sampleImages("digits", perClass: 2) + Self.sampleImages("fruit", perClass: 1)),
            ("fruit", [8], try Self.sampleImages("fruit", perClass: 4) + Self.sampleImages("digits", perClass: 1).prefix(2)),
        ]
        var jobs: [[String: Any]] = []
        var expected: [(classifier: ImageClassifier, probabilities: [[Double]])] = []
        for item in cases {
            let model = tmp.appendingPathComponent("\(item.data).safetensors")
            let onnx = tmp.appendingPathComponent("\(item.data).onnx")
            let classifier = try Self.trainModel(item.data, activation: activation, cost: cost, hidden: item.hidden, to: model)
            let exported = try CommandRunner.run(["export", "--model", model.path, "--output", onnx.path], in: tmp)
            try #require(exported.status == 0, "export failed: \(exported.stderr)")
            let inputs = try item.images.map { try classifier.inputFormat.inputVector(for: PNG.decode(contentsOf: $0)) }
            jobs.append(["model": onnx.path, "inputs": inputs.map { $0.map(Double.init) }])
            let probabilities = try Self.predictedProbabilities(model: model, files: item.images,
                                                                classes: classifier.classes, in: tmp)
            try #require(probabilities.count == item.images.count)
            expected.append((classifier, probabilities))
        }

        let script = PythonRuntime.scripts.appendingPathComponent("onnx_check.py").path
        let checked = try PythonRuntime.run([script], input: try JSONSerialization.data(withJSONObject: jobs))
        try #require(checked.status == 0, "onnx_check.py failed:\n\(checked.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [[String: Any]])
        try #require(results.count == expected.count)

        for ((classifier, predicted), result) in zip(expected, results) {
            let runtime = try #require(result["probabilities"] as? [[Double]])
            try #require(runtime.count == predicted.count)
            var largest = 0.0
            for (row, (p, q)) in zip(predicted, runtime).enumerated() {
                try #require(p.count == q.count, "row \(row): \(q.count) runtime probabilities for \(p.count) classes")
                for (a, b) in zip(p, q) {
                    largest = max(largest, abs(a - b))
                    #expect(abs(a - b) <= Self.tolerance, "row \(row): predict \(p) vs onnxruntime \(q)")
                }
            }
            // The label output is the argmax of each runtime row.
            let labels = try #require(result["label"] as? [Int])
            #expect(labels == runtime.map { row in row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? -1 })
            let metadata = try #require(result["metadata"] as? [String: String])
            #expect(metadata == classifier.modelFile().metadata, "metadata_props must carry the model file's metadata")
            #expect(result["producer"] as? String == "classify")
            #expect(result["opset"] as? Int == 13)
            let inputs = try #require(result["inputs"] as? [[Any]])
            #expect(inputs.first?.first as? String == "pixels")
            #expect((inputs.first?.last as? [Any])?.last as? Int == classifier.inputFormat.inputCount)
            let outputs = try #require(result["outputs"] as? [[Any]])
            #expect(outputs.compactMap { $0.first as? String } == ["probabilities", "label"])
            print("onnxruntime vs classify predict (\(activation), \(cost), \(classifier.classes.count) classes): "
                  + "largest difference \(largest) over \(runtime.count) images")
        }
    }

    /// The README's Python example (the first `python` block of "Exporting to ONNX").
    static func readmeExample() throws -> String {
        let readme = try String(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Exporting to ONNX").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```python\n").dropFirst().first)
        return try #require(block.components(separatedBy: "```").first)
    }

    @Test func theReadmesPythonExampleAgreesWithPredict() throws {
        guard PythonRuntime.isAvailable(["onnxruntime", "numpy", "PIL"], for: "README's onnxruntime example") else { return }
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let script = tmp.appendingPathComponent("classify_png.py")
        try Self.readmeExample().write(to: script, atomically: true, encoding: .utf8)
        for (data, activation) in [("digits", Activation.tanh), ("fruit", .relu)] {
            let model = tmp.appendingPathComponent("\(data).safetensors"), onnx = tmp.appendingPathComponent("\(data).onnx")
            let classifier = try Self.trainModel(data, activation: activation, cost: .crossEntropy, hidden: [16], to: model)
            try classifier.writeONNXModel(to: onnx)
            let images = try Self.sampleImages(data, perClass: 1)
            // An image of another size goes through `classify preview` first, as the README says.
            let other = try #require(try Self.sampleImages(data == "digits" ? "fruit" : "digits", perClass: 1).first)
            let seen = tmp.appendingPathComponent("seen-\(data).png")
            let preview = try CommandRunner.run(["preview", other.path, "--output", seen.path, "--model", model.path], in: tmp)
            try #require(preview.status == 0, "stderr: \(preview.stderr)")
            let predicted = try Self.predictedProbabilities(model: model, files: images + [other], classes: classifier.classes, in: tmp)
            for (image, probabilities) in zip(images + [seen], predicted) {
                let outcome = try PythonRuntime.run([script.path, onnx.path, image.path])
                try #require(outcome.status == 0, "the README example failed on \(image.lastPathComponent):\n\(outcome.stderr)")
                // "label {'class': 0.1234, ...}"
                let label = String(outcome.stdout.prefix { $0 != " " })
                let best = try #require(probabilities.indices.max { probabilities[$0] < probabilities[$1] })
                #expect(label == classifier.classes[best], "README example: \(outcome.stdout), predict: \(probabilities)")
                for (name, p) in zip(classifier.classes, probabilities) {
                    let printed = try #require(outcome.stdout.firstRange(of: "'\(name)': ").map { range in
                        Double(outcome.stdout[range.upperBound...].prefix { "0123456789.e-".contains($0) }) })
                    #expect(abs((printed ?? -1) - p) <= 5.1e-5, "\(name): README example \(outcome.stdout), predict \(p)")
                }
            }
        }
    }

    @Test func exportIsDeterministicAndLeavesTheModelUntouched() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let model = tmp.appendingPathComponent("digits.safetensors")
        _ = try Self.trainModel("digits", activation: .relu, cost: .crossEntropy, hidden: [8], to: model)
        let before = try Data(contentsOf: model)
        var exports: [Data] = []
        for name in ["a.onnx", "b.onnx", "a.onnx"] {
            let outcome = try CommandRunner.run(["export", "--model", model.path, "--output", name], in: tmp)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.contains("'probabilities' [N, 10]"))
            exports.append(try Data(contentsOf: tmp.appendingPathComponent(name)))
        }
        #expect(exports[0] == exports[1] && exports[1] == exports[2], "the same model must give byte-identical ONNX files")
        #expect(try Data(contentsOf: model) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")

        let byDefault = try CommandRunner.run(["export", "--model", "digits.safetensors"], in: tmp)
        #expect(byDefault.status == 0, "stderr: \(byDefault.stderr)")
        #expect(try Data(contentsOf: tmp.appendingPathComponent("digits.onnx")) == exports[0], "default output: the model's name, .onnx")

        let withoutLabel = try CommandRunner.run(["export", "--model", model.path, "--output", "c.onnx", "--no-label"], in: tmp)
        #expect(withoutLabel.status == 0)
        #expect(try Data(contentsOf: tmp.appendingPathComponent("c.onnx")).count < exports[0].count)
    }

    @Test func exportNamesAMissingModelOrFolder() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let missing = try CommandRunner.run(["export", "--model", "nope.safetensors", "--output", "x.onnx"], in: tmp)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.safetensors") && missing.stderr.contains("no such file"))

        let model = tmp.appendingPathComponent("m.safetensors")
        _ = try Self.trainModel("digits", activation: .relu, cost: .crossEntropy, hidden: [], to: model)
        let badFolder = try CommandRunner.run(["export", "--model", model.path, "--output", "no/such/x.onnx"], in: tmp)
        #expect(badFolder.status == 1)
        #expect(badFolder.stderr.contains("does not exist"), "stderr: \(badFolder.stderr)")
    }
}
