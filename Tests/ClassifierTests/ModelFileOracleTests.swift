import Foundation
import Imaging
import Testing
@testable import Classifier

/// The model file against readers and writers that are not classify's: the header parsed with
/// `JSONSerialization` and the tensors decoded byte by byte here, and a file written by Python's
/// `safetensors` package (`scripts/make_python_model.py`) loaded by classify.
@Suite struct ModelFileOracleTests {
    static let fixtures = Repository.root.appendingPathComponent("Tests/classifyTests/Fixtures")

    /// A 3×2 RGB classifier (not square, so width and height cannot be confused) `18 → 4 → 3`.
    static func classifier() -> ImageClassifier {
        var generator = SeededGenerator(seed: 99)
        var network = Network(sizes: [18, 4, 3], hiddenActivation: .arctan, cost: .crossEntropy, using: &generator)
        network.layers[0].biases = [0.5, -0.25, 1e-3, -7]
        return ImageClassifier(network: network, classes: ["b", "a", "c"],
                               inputFormat: InputFormat(width: 3, height: 2, color: .rgb, background: .black), summary: nil)
    }

    /// Little-endian IEEE 754 single from four bytes, as the safetensors format defines F32.
    static func float(_ bytes: ArraySlice<UInt8>) -> Float {
        let b = Array(bytes)
        return Float(bitPattern: UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24)
    }

    @Test func aClassifyFileDecodesIndependentlyToItsWeightsAndMetadata() throws {
        let classifier = Self.classifier()
        let bytes = classifier.encodedModelFile()
        let length = bytes[0 ..< 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + length) % 8 == 0, "the data buffer starts 8-byte aligned")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + length])) as? [String: Any])
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata["format"] == "classify" && metadata["format_version"] == "2" && metadata["cost"] == "cross-entropy")
        #expect(metadata["classes"] == #"["b","a","c"]"#)
        #expect(metadata["activations"] == #"["arctan","softmax"]"#)
        let input = try #require(try JSONSerialization.jsonObject(with: Data((metadata["input"] ?? "").utf8)) as? [String: Any])
        #expect(input["width"] as? Int == 3 && input["height"] as? Int == 2)
        #expect(input["color"] as? String == "rgb" && input["background"] as? String == "#000000")
        #expect(input["normalization"] as? String == "(value / 255 - input.mean) / input.deviation")
        #expect(metadata["temperature"].flatMap(Float.init) == classifier.temperature)
        let data = bytes[(8 + length)...]
        var end = 0
        for (l, layer) in classifier.network.layers.enumerated() {
            for (name, shape, values) in [("weight", [layer.outputCount, layer.inputCount], layer.weights.elements),
                                          ("bias", [layer.outputCount], layer.biases)] {
                let entry = try #require(header["layers.\(l).\(name)"] as? [String: Any])
                #expect(entry["dtype"] as? String == "F32" && entry["shape"] as? [Int] == shape)
                let offsets = try #require(entry["data_offsets"] as? [Int])
                #expect(offsets[1] - offsets[0] == 4 * values.count)
                let decoded = (0 ..< values.count).map { i in
                    Self.float(data[data.startIndex + offsets[0] + 4 * i ..< data.startIndex + offsets[0] + 4 * i + 4])
                }
                #expect(decoded == values, "layers.\(l).\(name)")
                end = max(end, offsets[1])
            }
        }
        let standardization = classifier.inputStandardization
        for (name, values) in [("input.mean", standardization.mean), ("input.deviation", standardization.deviation)] {
            let entry = try #require(header[name] as? [String: Any])
            #expect(entry["dtype"] as? String == "F32" && entry["shape"] as? [Int] == [values.count])
            let offsets = try #require(entry["data_offsets"] as? [Int])
            let decoded = (0 ..< values.count).map { i in
                Self.float(data[data.startIndex + offsets[0] + 4 * i ..< data.startIndex + offsets[0] + 4 * i + 4])
            }
            #expect(decoded == values, "\(name)")
            end = max(end, offsets[1])
        }
        #expect(end == data.count, "the tensors cover the whole buffer")
        #expect(header.count == 7, "four layer tensors, input.mean, input.deviation and the metadata")
    }

    @Test func aPythonWrittenFileLoadsWithNumpysWeightsAndProbabilities() throws {
        let classifier = try ImageClassifier(contentsOf: Self.fixtures.appendingPathComponent("python.safetensors"))
        let json = try Data(contentsOf: Self.fixtures.appendingPathComponent("python.json"))
        let oracle = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let weights = try #require(oracle["weights"] as? [String: [Double]])
        #expect(classifier.classes == ["cat", "dog", "bird"])
        #expect(classifier.inputFormat == InputFormat(width: 4, height: 3, color: .rgb, background: BackgroundColor(hex: "#336699")!))
        #expect(classifier.network.layers.map(\.activation) == [.tanh, .softmax] && classifier.network.cost == .crossEntropy)
        #expect(classifier.network.sizes == [36, 5, 3] && classifier.summary == nil)
        for (l, layer) in classifier.network.layers.enumerated() {
            #expect(layer.weights.elements == weights["layers.\(l).weight"]?.map { Float($0) })
            #expect(layer.biases == weights["layers.\(l).bias"]?.map { Float($0) })
        }
        let files = try #require(oracle["files"] as? [String: [String: Any]])
        for (name, expected) in files {
            let p = try classifier.probabilities(forFile: Self.fixtures.appendingPathComponent(name))
            let q = try #require(expected["probabilities"] as? [String: Double])
            for (j, label) in classifier.classes.enumerated() {
                #expect(isClose(Double(p[j]), q[label] ?? -1, absolute: 1e-6), "\(name) \(label)")
            }
        }
    }
}
