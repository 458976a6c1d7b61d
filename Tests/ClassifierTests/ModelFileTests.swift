import Foundation
import Imaging
import Testing
@testable import Classifier

/// Small classifiers and hand-built safetensors files for the model file and prediction tests.
enum ModelFileFixtures {
    /// A 2×2 grey classifier `4 → 3 (relu) → 2 (softmax)` with seeded weights.
    static func classifier(seed: UInt64 = 7, summary: TrainingSummary? = summary) -> ImageClassifier {
        var generator = SeededGenerator(seed: seed)
        func values(_ count: Int) -> [Float] { (0 ..< count).map { _ in generator.nextUnitFloat() * 2 - 1 } }
        let hidden = DenseLayer(weights: Matrix(rows: 3, columns: 4, elements: values(12)), biases: values(3), activation: .relu)
        let output = DenseLayer(weights: Matrix(rows: 2, columns: 3, elements: values(6)), biases: values(2), activation: .softmax)
        return ImageClassifier(network: Network(layers: [hidden, output], cost: .crossEntropy),
                               classes: ["cat", "dog"],
                               inputFormat: InputFormat(width: 2, height: 2, color: .gray,
                                                        background: BackgroundColor(red: 0, green: 128 / 255, blue: 1)),
                               summary: summary)
    }

    static let summary = TrainingSummary(epochs: 12, bestEpoch: 9, trainingAccuracy: 0.9375, validationAccuracy: 0.1 + 0.2,
                                         trainingExamples: 48, validationExamples: 6, seed: UInt64.max,
                                         hyperparameters: ["optimizer": "adam", "learning_rate": "0.001", "hidden": "3"])

    /// One tensor entry of a hand-built header.
    struct RawTensor {
        var name: String
        var dtype = "F32"
        var shape: [Int]
        var offsets: [Int]
    }

    /// The header entries and data buffer that `ModelFile.encoded()` would write for `file`,
    /// ready to be edited into a corrupt file.
    static func rawParts(of file: ModelFile) -> (tensors: [RawTensor], metadata: [String: String], data: [UInt8]) {
        var tensors: [RawTensor] = []
        var data: [UInt8] = []
        for tensor in file.tensors {
            tensors.append(RawTensor(name: tensor.name, shape: tensor.shape,
                                     offsets: [data.count, data.count + 4 * tensor.values.count]))
            for value in tensor.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return (tensors, file.metadata, data)
    }

    /// A safetensors file from raw header entries (`metadata` nil: no `__metadata__` at all).
    static func rawFile(tensors: [RawTensor], metadata: [String: String]?, data: [UInt8]) -> [UInt8] {
        var entries: [String: JSONValue] = [:]
        for t in tensors {
            entries[t.name] = .object(["dtype": .string(t.dtype), "shape": .array(t.shape.map { .integer($0) }),
                                       "data_offsets": .array(t.offsets.map { .integer($0) })])
        }
        if let metadata { entries["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        return withHeader(JSONValue.object(entries).serialized(), data: data)
    }

    /// `headerLength ‖ header ‖ data`, the length field being the header's byte count.
    static func withHeader(_ header: String, data: [UInt8]) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        return lengthField(UInt64(headerBytes.count)) + headerBytes + data
    }

    static func lengthField(_ n: UInt64) -> [UInt8] {
        withUnsafeBytes(of: n.littleEndian) { Array($0) }
    }
}

/// One way to damage a model file, and the words its error must contain.
struct Corruption: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var expected: [String]
    var testDescription: String { name }
}

@Suite struct ModelFileTests {
    typealias F = ModelFileFixtures

    @Test func roundTripGivesAnEqualClassifierAndBitIdenticalProbabilities() throws {
        let original = F.classifier()
        let loaded = try ImageClassifier(modelFileBytes: original.encodedModelFile(), name: "m.safetensors")
        #expect(loaded == original)
        let inputs = Matrix(rows: 3, columns: 4, elements: (0 ..< 12).map { Float($0) / 11 })
        #expect(loaded.network.forward(inputs).elements.map(\.bitPattern)
                == original.network.forward(inputs).elements.map(\.bitPattern))
    }

    @Test func roundTripWithoutTrainingSummary() throws {
        let original = F.classifier(summary: nil)
        let loaded = try ImageClassifier(modelFileBytes: original.encodedModelFile(), name: "m")
        #expect(loaded == original)
        #expect(loaded.summary == nil)
    }

    @Test func fileLayoutFollowsTheSafetensorsSpecification() throws {
        let bytes = F.classifier().encodedModelFile()
        let n = Int(bytes[0 ..< 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + n) % 8 == 0, "data buffer starts 8-byte aligned")
        let header = try #require(String(validating: bytes[8 ..< 8 + n], as: UTF8.self))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        let metadata = try #require(object["__metadata__"] as? [String: String])
        #expect(metadata["format"] == "classify")
        #expect(metadata["format_version"] == "2")
        #expect(metadata["temperature"] == "1.0")
        #expect(metadata["classes"] == #"["cat","dog"]"#)
        #expect(metadata["input"] == ##"{"background":"#0080ff","color":"gray","height":2,"##
            + ##""normalization":"(value / 255 - input.mean) / input.deviation","width":2}"##)
        #expect(metadata["activations"] == #"["relu","softmax"]"#)
        #expect(metadata["cost"] == "cross-entropy")
        #expect(metadata["training"] == #"{"best_epoch":9,"epochs":12,"hyperparameters":{"hidden":"3","learning_rate":"0.001","optimizer":"adam"},"seed":18446744073709551615,"training_accuracy":0.9375,"training_examples":48,"validation_accuracy":0.30000000000000004,"validation_examples":6}"#)
        let weight = try #require(object["layers.0.weight"] as? [String: Any])
        #expect(weight["dtype"] as? String == "F32")
        #expect(weight["shape"] as? [Int] == [3, 4])
        #expect(weight["data_offsets"] as? [Int] == [0, 48])
        let bias = try #require(object["layers.1.bias"] as? [String: Any])
        #expect(bias["data_offsets"] as? [Int] == [84, 92])
        let deviation = try #require(object["input.deviation"] as? [String: Any])
        #expect(deviation["shape"] as? [Int] == [4] && deviation["data_offsets"] as? [Int] == [108, 124])
        #expect(bytes.count == 8 + n + 124)
    }

    @Test func sameClassifierGivesByteIdenticalFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.safetensors"), second = folder.appendingPathComponent("b.safetensors")
        try F.classifier().write(to: first)
        try F.classifier().write(to: second)
        let a = try Data(contentsOf: first), b = try Data(contentsOf: second)
        #expect(a == b)
        #expect(Array(a) == F.classifier().encodedModelFile())
        #expect(F.classifier(seed: 8).encodedModelFile() != Array(a))
    }

    @Test func writeThenLoadFromDiskLeavesNoTemporaryFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try F.classifier(seed: 1).write(to: url)
        try F.classifier().write(to: url) // replaces the existing file
        #expect(try ImageClassifier(contentsOf: url) == F.classifier())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test func failedWriteLeavesTheExistingFileIntactAndNoTemporaryFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try F.classifier(seed: 1).write(to: url)
        let before = try Data(contentsOf: url)
        #expect(throws: ClassifierError.unwritableModelFile(file: url.path, reason: "disk on fire")) {
            try ModelFile.writeAtomically(F.classifier().encodedModelFile(), to: url) { () throws(ClassifierError) in
                throw .unwritableModelFile(file: url.path, reason: "disk on fire")
            }
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test func writeIntoAMissingFolderSaysSo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("nowhere/model.safetensors")
        let error = #expect(throws: ClassifierError.self) { try F.classifier().write(to: url) }
        #expect(error?.description.contains("does not exist") == true)
    }

    @Test func writeOverAFolderFailsAndLeavesTheFolderAlone() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let error = #expect(throws: ClassifierError.self) { try F.classifier().write(to: url) }
        #expect(error?.description.contains("folder") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path) == ["inside"])
    }

    @Test func concurrentWritersNeverLeaveATornFile() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let candidates = [F.classifier(seed: 1), F.classifier(seed: 2)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for candidate in candidates {
                group.addTask { for _ in 0 ..< 20 { try candidate.write(to: url) } }
            }
            try await group.waitForAll()
        }
        #expect(candidates.contains(try ImageClassifier(contentsOf: url)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test func missingFileAndFolderAreNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("absent.safetensors")
        #expect(throws: ClassifierError.invalidModelFile(file: missing.path, reason: "there is no such file")) {
            try ImageClassifier(contentsOf: missing)
        }
        #expect(throws: ClassifierError.invalidModelFile(file: folder.path, reason: "it is a folder, not a model file")) {
            try ImageClassifier(contentsOf: folder)
        }
    }

    @Test func readerAcceptsTensorsInAnyBufferOrder() throws {
        // Python's safetensors writes tensors sorted by name, so layers.0.bias precedes layers.0.weight.
        let original = F.classifier()
        var file = original.modelFile()
        file.tensors.sort { $0.name < $1.name }
        #expect(try ImageClassifier(modelFileBytes: file.encoded(), name: "m") == original)
    }

    static let corruptions: [Corruption] = {
        let valid = F.classifier().modelFile()
        let parts = F.rawParts(of: valid)
        func raw(_ edit: (inout [F.RawTensor], inout [String: String]?, inout [UInt8]) -> Void) -> [UInt8] {
            var tensors = parts.tensors, metadata: [String: String]? = parts.metadata, data = parts.data
            edit(&tensors, &metadata, &data)
            return F.rawFile(tensors: tensors, metadata: metadata, data: data)
        }
        func metadata(_ edit: (inout [String: String]) -> Void) -> [UInt8] {
            var file = valid
            edit(&file.metadata)
            return file.encoded()
        }
        func tensor(_ name: String, shape: [Int], values: [Float]? = nil) -> [UInt8] {
            var file = valid
            let index = file.tensors.firstIndex { $0.name == name }!
            file.tensors[index] = .init(name: name, shape: shape, values: values ?? [Float](repeating: 0.5, count: shape.reduce(1, *)))
            return file.encoded()
        }
        func value(_ name: String, at element: Int, _ x: Float) -> [UInt8] {
            var file = valid
            let index = file.tensors.firstIndex { $0.name == name }!
            file.tensors[index].values[element] = x
            return file.encoded()
        }
        return [
            Corruption(name: "empty file", bytes: [], expected: ["empty"]),
            Corruption(name: "7 bytes", bytes: [1, 0, 0, 0, 0, 0, 0], expected: ["only 7 bytes", "8-byte header length"]),
            Corruption(name: "header length larger than the file", bytes: F.lengthField(1000) + Array("{}".utf8),
                       expected: ["1000 bytes", "only 2 bytes follow", "truncated"]),
            Corruption(name: "header length 2^60", bytes: F.lengthField(1 << 60) + Array("{}".utf8),
                       expected: ["1152921504606846976", "100 MB limit"]),
            Corruption(name: "malformed JSON", bytes: F.withHeader(#"{"layers.0.weight": {"dtype": "F32""#, data: []),
                       expected: ["header is not valid JSON"]),
            Corruption(name: "JSON array instead of object", bytes: F.withHeader("[1, 2, 3]", data: []),
                       expected: ["not an object", "array"]),
            Corruption(name: "no __metadata__", bytes: raw { _, m, _ in m = nil },
                       expected: ["not a classify model", "no classify metadata", "some other safetensors file"]),
            Corruption(name: "other safetensors file", bytes: raw { _, m, _ in m = ["format": "pt"] },
                       expected: ["not a classify model", "format 'pt'"]),
            Corruption(name: "format_version 99", bytes: metadata { $0["format_version"] = "99" },
                       expected: ["format_version '99' is not supported", "reads versions 1, 2"]),
            Corruption(name: "wrong weight shape", bytes: tensor("layers.0.weight", shape: [3, 5]),
                       expected: ["'layers.0.weight' has 5 columns", "input format (2×2 gray) gives 4 inputs"]),
            Corruption(name: "weight not 2-D", bytes: tensor("layers.0.weight", shape: [12]),
                       expected: ["'layers.0.weight' has shape [12]", "2-D"]),
            Corruption(name: "bias length mismatch", bytes: tensor("layers.0.bias", shape: [2]),
                       expected: ["'layers.0.bias' has 2 values", "'layers.0.weight' has 3 rows"]),
            Corruption(name: "layer-to-layer mismatch", bytes: tensor("layers.1.weight", shape: [2, 4]),
                       expected: ["'layers.1.weight' has 4 columns", "layer 0 has 3 neurons"]),
            Corruption(name: "output rows differ from the classes",
                       bytes: metadata { $0["classes"] = #"["cat","dog","emu"]"# },
                       expected: ["'layers.1.weight' has 2 rows", "3 classes"]),
            Corruption(name: "missing tensor", bytes: raw { t, _, d in t.removeLast(); d.removeLast(16) },
                       expected: ["'input.deviation' is missing"]),
            Corruption(name: "temperature not positive", bytes: metadata { $0["temperature"] = "-1" },
                       expected: ["'temperature' metadata is '-1'", "not a positive number"]),
            Corruption(name: "zero input deviation", bytes: value("input.deviation", at: 0, 0),
                       expected: ["'input.deviation' must hold positive numbers"]),
            Corruption(name: "unexpected tensor", bytes: raw { t, _, d in
                           t.append(.init(name: "extra", shape: [1], offsets: [d.count, d.count + 4])); d += [0, 0, 0, 0] },
                       expected: ["unexpected tensor 'extra'"]),
            Corruption(name: "data offsets out of range", bytes: raw { t, _, _ in
                           t[t.count - 1].offsets = t[t.count - 1].offsets.map { $0 + 4 } },
                       expected: ["'input.deviation'", "out of range", "124 bytes"]),
            Corruption(name: "data offsets overlapping", bytes: raw { t, _, _ in t[1].offsets = t[1].offsets.map { $0 - 4 } },
                       expected: ["'layers.0.bias'", "overlap"]),
            Corruption(name: "data offsets with a gap", bytes: raw { t, _, d in
                           for i in 1 ..< t.count { t[i].offsets = t[i].offsets.map { $0 + 4 } }
                           d.insert(contentsOf: [0, 0, 0, 0], at: 48) },
                       expected: ["'layers.0.bias'", "start at byte 52", "not contiguous"]),
            Corruption(name: "offsets disagree with the shape", bytes: raw { t, _, _ in t[0].offsets = [0, 44] },
                       expected: ["'layers.0.weight'", "span 44 bytes"]),
            Corruption(name: "trailing bytes", bytes: raw { _, _, d in d += [0, 0, 0, 0] },
                       expected: ["cover 124 bytes", "holds 128 bytes"]),
            Corruption(name: "NaN in a weight", bytes: value("layers.0.weight", at: 5, .nan),
                       expected: ["'layers.0.weight' contains NaN at element 5"]),
            Corruption(name: "infinity in a bias", bytes: value("layers.1.bias", at: 1, -.infinity),
                       expected: ["'layers.1.bias' contains infinity at element 1"]),
            Corruption(name: "unknown activation", bytes: metadata { $0["activations"] = #"["swish","softmax"]"# },
                       expected: ["layer 0 has unknown activation 'swish'", "relu"]),
            Corruption(name: "output activation does not fit the cost", bytes: metadata { $0["activations"] = #"["relu","sigmoid"]"# },
                       expected: ["'sigmoid'", "'cross-entropy' requires 'softmax'"]),
            Corruption(name: "unknown cost", bytes: metadata { $0["cost"] = "hinge" },
                       expected: ["unknown cost 'hinge'", "cross-entropy"]),
            Corruption(name: "classes not a JSON array", bytes: metadata { $0["classes"] = "cat,dog" },
                       expected: ["'classes' metadata is not valid JSON"]),
            Corruption(name: "unknown colour", bytes: metadata {
                           $0["input"] = ##"{"background":"#ffffff","color":"cmyk","height":2,"width":2}"## },
                       expected: ["unknown color 'cmyk'"]),
            Corruption(name: "bad background", bytes: metadata {
                           $0["input"] = #"{"background":"white","color":"gray","height":2,"width":2}"# },
                       expected: ["background 'white'", "#rrggbb"]),
            Corruption(name: "bad training summary", bytes: metadata { $0["training"] = #"{"epochs":"many"}"# },
                       expected: ["'training' metadata is not a valid training summary"]),
            Corruption(name: "dtype F16", bytes: raw { t, _, _ in t[0].dtype = "F16" },
                       expected: ["'layers.0.weight' has dtype F16", "F32"]),
        ]
    }()

    @Test(arguments: corruptions)
    func everyCorruptionGivesAPreciseError(_ corruption: Corruption) throws {
        let error = #expect(throws: ClassifierError.self) {
            try ImageClassifier(modelFileBytes: corruption.bytes, name: "bad.safetensors")
        }
        guard case let .invalidModelFile(file, reason) = try #require(error) else {
            Issue.record("expected invalidModelFile, got \(String(describing: error))")
            return
        }
        #expect(file == "bad.safetensors")
        for phrase in corruption.expected {
            #expect(reason.contains(phrase), "reason '\(reason)' should mention '\(phrase)'")
        }

        // The same bytes on disk give the same reason through the file loader.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("bad.safetensors")
        try Data(corruption.bytes).write(to: url)
        #expect(throws: ClassifierError.invalidModelFile(file: url.path, reason: reason)) {
            try ImageClassifier(contentsOf: url)
        }
    }

    @Test func backgroundColourParsesOnlyHashRRGGBB() {
        #expect(BackgroundColor(hex: "#FF0080") == BackgroundColor(red: 1, green: 0, blue: 128 / 255))
        for bad in ["", "#fff", "ff0080", "#gg0000", "#ff00800"] {
            #expect(BackgroundColor(hex: bad) == nil, "\(bad)")
        }
    }
}
