/// Builds an ONNX graph as a chain of steps: each step reads the current value, adds its node
/// (and its constant tensors as initializers) and makes its output the current value.
///
/// The classifier's forward pass maps onto steps one to one — `Gemm` then the activation, per
/// layer — so a new step of the forward pass is one more call, e.g. input standardization
/// `x′ = (x − μ) / σ` as `elementwise("Sub", μ)` then `elementwise("Div", σ)` before the first
/// `Gemm`, or a softmax temperature as `elementwise("Div", [T])` before the output activation.
struct ONNXGraphBuilder {
    private(set) var graph: ONNX.Graph
    /// The name of the value the next step reads.
    private(set) var current: String

    /// A graph reading the input `input` (its first value).
    init(name: String, input: ONNX.ValueInfo) {
        graph = ONNX.Graph(name: name, inputs: [input])
        current = input.name
    }

    /// Adds `opType(current, constants…)` named `name`; its output, called `output` (default
    /// `name`), becomes the current value.
    mutating func apply(_ opType: String, name: String, constants: [ONNX.Tensor] = [],
                        attributes: [ONNX.Attribute] = [], output: String? = nil) {
        let output = output ?? name
        graph.initializers += constants
        graph.nodes.append(ONNX.Node(inputs: [current] + constants.map(\.name), outputs: [output], name: name,
                                     opType: opType, attributes: attributes))
        current = output
    }

    /// One dense layer's weighted sums, `S = A·Wᵀ + b`, as `Gemm(A, W, b)` with `transB = 1`:
    /// the weights stay `[out, in]` as in the model file.
    ///
    /// Shapes: current `N × in`, `W` is `out × in`, `b` has `out` values; the output is `N × out`.
    mutating func gemm(weights: Matrix, biases: [Float], name: String, output: String? = nil) {
        apply("Gemm", name: name,
              constants: [ONNX.Tensor(name: name + ".weight", dimensions: [weights.rows, weights.columns],
                                      values: weights.elements),
                          ONNX.Tensor(name: name + ".bias", dimensions: [biases.count], values: biases)],
              attributes: [.init(name: "alpha", value: .float(1)), .init(name: "beta", value: .float(1)),
                           .init(name: "transB", value: .int(1))],
              output: output)
    }

    /// `A = f(S)`: `Sigmoid`, `Tanh`, `Relu`, `Atan`, `Identity`, or `Softmax` over the last axis
    /// (opset 13 normalises each row on its own, like `Kernels.softmaxRows`).
    mutating func activation(_ activation: Activation, name: String, output: String? = nil) {
        switch activation {
        case .sigmoid: apply("Sigmoid", name: name, output: output)
        case .tanh: apply("Tanh", name: name, output: output)
        case .relu: apply("Relu", name: name, output: output)
        case .arctan: apply("Atan", name: name, output: output)
        case .identity: apply("Identity", name: name, output: output)
        case .softmax: apply("Softmax", name: name, attributes: [.init(name: "axis", value: .int(-1))], output: output)
        }
    }

    /// `current ∘ c` for an element-wise binary operator (`Add`, `Sub`, `Mul`, `Div`) and a
    /// constant `c` broadcast along the rows (numpy rules): one value per column, or one value.
    mutating func elementwise(_ opType: String, _ constant: [Float], name: String, output: String? = nil) {
        apply(opType, name: name, constants: [ONNX.Tensor(name: name + ".constant", dimensions: [constant.count],
                                                          values: constant)],
              output: output)
    }

    /// A second output computed from the current value without replacing it: `ArgMax` over
    /// the last axis (`keepdims = 0`, first index on ties), an `int64` per row.
    mutating func addArgMax(name: String, output: String) {
        graph.nodes.append(ONNX.Node(inputs: [current], outputs: [output], name: name, opType: "ArgMax",
                                     attributes: [.init(name: "axis", value: .int(-1)),
                                                  .init(name: "keepdims", value: .int(0)),
                                                  .init(name: "select_last_index", value: .int(0))]))
    }

    /// Declares a graph output (its name must be a value some node produced).
    mutating func addOutput(_ output: ONNX.ValueInfo) {
        graph.outputs.append(output)
    }

    /// Sets the graph's description.
    mutating func describe(_ docString: String) {
        graph.docString = docString
    }
}
