import Platform
import Imaging

/// Exporting a classifier as an ONNX model (opset 13) that onnxruntime, OpenVINO, Triton and the
/// other ONNX runtimes run, giving the probabilities `classify predict` gives.
///
/// The graph, for layers `l = 0 … L−1` (weights `[out, in]`, unchanged from the model file):
/// ```
/// pixels [N, inputs] ─▶ Gemm(transB=1) ─▶ f ─▶ … ─▶ Gemm(transB=1) ─▶ Softmax(axis=−1) ─▶ probabilities [N, classes]
///                                                                 (Sigmoid for quadratic cost)   └▶ ArgMax ─▶ label [N]
/// ```
/// A non-identity input standardization adds `Sub(μ)` and `Div(σ)` (`input.mean`, `input.deviation`)
/// before the first `Gemm`; a softmax temperature `T ≠ 1` adds `Div(T)` (`temperature`) before `Softmax`.
/// `pixels` are the model's input vectors: the image composited onto the background, converted
/// to the model's colour, resized to its size, then `value / 255` — row-major, channels
/// interleaved, values in 0…1 (`ImageClassifier.inputBytes(for:)` / 255). `metadata_props` carry the
/// model file's `__metadata__` under the same keys (`classes`, `input` with the background, …).
extension ImageClassifier {
    /// The exported graph's input name.
    public static let onnxInputName = "pixels"
    /// The exported graph's probability output name.
    public static let onnxProbabilitiesName = "probabilities"
    /// The exported graph's optional predicted-class output name (`int64` class index per row).
    public static let onnxLabelName = "label"

    /// The ONNX model's bytes: deterministic, so the same classifier gives identical bytes.
    ///
    /// - Parameters:
    ///   - includeLabel: also output `label`, the index of the most probable class (`ArgMax`).
    ///   - producerVersion: stored as `producer_version` (the producer is `classify`).
    public func onnxModel(includeLabel: Bool = true, producerVersion: String = "") -> [UInt8] {
        // Image centering folded into the first layer, as the model file has it.
        let (network, inputStandardization) = self.inputStandardization.folded(into: self.network)
        let f = inputFormat
        let classCount = classes.count
        var graph = ONNXGraphBuilder(name: "classify", input: ONNX.ValueInfo(
            name: Self.onnxInputName, elementType: .float, shape: [.parameter("N"), .value(f.inputCount)],
            docString: "\(f.width)×\(f.height) \(f.color.rawValue) pixels, value / 255 (0…1), row-major, "
                + "\(f.color == .rgb ? "channels interleaved (RGB), " : "")transparency composited onto "
                + "\(f.background); see `classify preview` for the preprocessing"))
        graph.describe("classify: \(network.sizes.map(String.init).joined(separator: "-")) network, \(network.cost.rawValue) cost; "
            + "classes in output order: \(classes.joined(separator: ", "))")
        // Input standardization x′ = (x − μ) / σ, as the forward pass has it (model format 2).
        let standardization = inputStandardization
        if !standardization.isIdentity {
            graph.elementwise("Sub", standardization.mean, name: "input.mean")
            graph.elementwise("Div", standardization.deviation, name: "input.deviation")
        }
        let last = network.layers.count - 1
        for (l, layer) in network.layers.enumerated() {
            graph.gemm(weights: layer.weights, biases: layer.biases, name: "layers.\(l)")
            if l < last {
                graph.activation(layer.activation, name: "layers.\(l).\(layer.activation.rawValue)")
            } else {
                // The softmax temperature: p = softmax(z / T), as `Network.forward(_:temperature:)`.
                if temperature != 1 && layer.activation == .softmax {
                    graph.elementwise("Div", [temperature], name: "temperature")
                }
                graph.activation(layer.activation, name: "layers.\(l).\(layer.activation.rawValue)",
                                 output: Self.onnxProbabilitiesName)
            }
        }
        graph.addOutput(ONNX.ValueInfo(
            name: Self.onnxProbabilitiesName, elementType: .float, shape: [.parameter("N"), .value(classCount)],
            docString: network.cost == .crossEntropy
                ? "softmax probability of each class, in the order of the 'classes' metadata; rows sum to 1"
                : "sigmoid output of each class (quadratic cost), in the order of the 'classes' metadata"))
        if includeLabel {
            graph.addArgMax(name: "label", output: Self.onnxLabelName)
            graph.addOutput(ONNX.ValueInfo(name: Self.onnxLabelName, elementType: .int64, shape: [.parameter("N")],
                                           docString: "index of the most probable class in the 'classes' metadata"))
        }
        let model = ONNX.Model(producerName: Self.modelFileFormat, producerVersion: producerVersion,
                               graph: graph.graph, metadata: modelFile().metadata)
        return model.encoded()
    }

    /// Writes the ONNX model atomically, like the model file: a temporary file in the same folder,
    /// `fsync`, then `rename` over `url`; on failure an existing file at `url` is untouched.
    /// - Throws: `ClassifierError.unwritableModelFile(file:reason:)` with the system's reason.
    public func writeONNXModel(to url: URL, includeLabel: Bool = true, producerVersion: String = "") throws(ClassifierError) {
        try ModelFile.writeAtomically(onnxModel(includeLabel: includeLabel, producerVersion: producerVersion), to: url)
    }
}
