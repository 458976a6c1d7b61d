/// A fully connected layer: every neuron computes `s = w·a + b` and `a = f(s)`.
///
/// Shapes: `weights` is `out × in` (rows = neurons of this layer, columns = neurons of the
/// previous layer), `biases` has `out` values.
public struct DenseLayer: Sendable, Equatable {
    public var weights: Matrix
    public var biases: [Float]
    public var activation: Activation

    public init(weights: Matrix, biases: [Float], activation: Activation) {
        precondition(biases.count == weights.rows,
                     "biases.count \(biases.count) != weights.rows \(weights.rows)")
        self.weights = weights
        self.biases = biases
        self.activation = activation
    }

    /// Neurons of the previous layer.
    public var inputCount: Int { weights.columns }
    /// Neurons of this layer.
    public var outputCount: Int { weights.rows }
    /// Weights plus biases.
    public var parameterCount: Int { weights.elements.count + biases.count }
}
