/// A fully connected feed-forward network trained by backpropagation.
///
/// `layers[0]` reads the input vector; the last layer has one neuron per class. The cost fixes
/// the output activation (softmax for cross-entropy, sigmoid for quadratic).
public struct Network: Sendable, Equatable {
    public var layers: [DenseLayer]
    public var cost: Cost

    public init(layers: [DenseLayer], cost: Cost) {
        for (l, (previous, next)) in zip(layers, layers.dropFirst()).enumerated() {
            precondition(previous.outputCount == next.inputCount,
                         "layer \(l) has \(previous.outputCount) outputs but layer \(l + 1) takes \(next.inputCount)")
        }
        self.layers = layers
        self.cost = cost
    }

    /// Neurons per layer, input first: e.g. `[784, 128, 10]`.
    public var sizes: [Int] {
        guard let first = layers.first else { return [] }
        return [first.inputCount] + layers.map(\.outputCount)
    }

    /// Total trainable parameters.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
}
