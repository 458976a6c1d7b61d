import Foundation
import Testing
@testable import Classifier

/// The graph builder's element-wise steps (input standardization `(x − μ) / σ` before the first
/// `Gemm`, a softmax temperature before `Softmax`) run in onnxruntime as computed by hand, so a
/// forward pass that gains such steps can export them as nodes.
@Suite struct ONNXGraphBuilderTests {
    @Test func standardizationAndTemperatureNodesRunAsComputedByHand() throws {
        guard PythonRuntime.isAvailable(["onnx", "onnxruntime", "numpy"], for: "ONNX graph builder check in onnxruntime") else { return }
        let (mean, deviation, temperature): ([Float], [Float], Float) = ([0.5, 0.25, 0, 1], [0.5, 2, 1, 0.125], 1.5)
        var generator = SeededGenerator(seed: 8)
        let network = Network(sizes: [4, 3, 2], hiddenActivation: .tanh, cost: .crossEntropy, using: &generator)

        var graph = ONNXGraphBuilder(name: "test", input: ONNX.ValueInfo(name: "pixels", elementType: .float,
                                                                         shape: [.parameter("N"), .value(4)]))
        graph.elementwise("Sub", mean, name: "input.mean")
        graph.elementwise("Div", deviation, name: "input.deviation")
        graph.gemm(weights: network.layers[0].weights, biases: network.layers[0].biases, name: "layers.0")
        graph.activation(.tanh, name: "layers.0.tanh")
        graph.gemm(weights: network.layers[1].weights, biases: network.layers[1].biases, name: "layers.1")
        graph.elementwise("Div", [temperature], name: "temperature")
        graph.activation(.softmax, name: "softmax", output: "probabilities")
        graph.addOutput(ONNX.ValueInfo(name: "probabilities", elementType: .float, shape: [.parameter("N"), .value(2)]))
        let model = ONNX.Model(producerName: "classify", producerVersion: "test", graph: graph.graph, metadata: [:])
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let file = tmp.appendingPathComponent("steps.onnx")
        try Data(model.encoded()).write(to: file)

        let inputs: [[Float]] = [[0, 0.5, 1, 0.25], [1, 1, 0, 0.75], [0.2, 0.4, 0.6, 0.8]]
        // By hand: p = softmax((W₁ tanh(W₀ (x − μ)/σ + b₀) + b₁) / T).
        let expected = inputs.map { x -> [Double] in
            let standardized = Matrix(rows: 1, columns: 4, elements: (0 ..< 4).map { (x[$0] - mean[$0]) / deviation[$0] })
            var z = standardized.elements
            for (l, layer) in network.layers.enumerated() {
                z = (0 ..< layer.outputCount).map { i in
                    let s = (0 ..< layer.inputCount).reduce(layer.biases[i]) { $0 + layer.weights.elements[i * layer.inputCount + $1] * z[$1] }
                    return l == 0 ? Foundation.tanh(s) : s / temperature
                }
            }
            let e = z.map { Foundation.exp(Double($0 - (z.max() ?? 0))) }
            return e.map { $0 / e.reduce(0, +) }
        }
        let job: [[String: Any]] = [["model": file.path, "inputs": inputs.map { $0.map(Double.init) }]]
        let script = PythonRuntime.scripts.appendingPathComponent("onnx_check.py").path
        let checked = try PythonRuntime.run([script], input: try JSONSerialization.data(withJSONObject: job))
        try #require(checked.status == 0, "onnx_check.py failed:\n\(checked.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [[String: Any]])
        let runtime = try #require(results.first?["probabilities"] as? [[Double]])
        try #require(runtime.count == expected.count)
        for (p, q) in zip(expected, runtime) {
            #expect(zip(p, q).allSatisfy { abs($0 - $1) <= 1e-6 }, "by hand \(p), onnxruntime \(q)")
        }
    }
}
