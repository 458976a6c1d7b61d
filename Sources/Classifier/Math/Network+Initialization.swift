import Platform

extension Network {
    /// A freshly initialised network: layer `l` maps `sizes[l]` inputs to `sizes[l + 1]` neurons.
    ///
    /// Weights are drawn uniformly from `[−r, r]` with
    /// - He (Kaiming) for ReLU layers: `r = √(6 / nᵢₙ)` (variance `2 / nᵢₙ`),
    /// - Xavier/Glorot for sigmoid, tanh, arctan, identity and the output layer:
    ///   `r = √(6 / (nᵢₙ + nₒᵤₜ))` (variance `2 / (nᵢₙ + nₒᵤₜ)`);
    /// biases start at 0. The output activation follows the cost (softmax for cross-entropy,
    /// sigmoid for quadratic). References: Glorot & Bengio 2010; He et al. 2015.
    ///
    /// - Parameters:
    ///   - sizes: neurons per layer, input first, classes last: `[inputs, hidden…, classes]`
    ///     (at least two entries, all positive).
    ///   - hiddenActivation: `f` of every hidden layer (element-wise; not softmax).
    ///   - cost: the cost, which fixes the output activation.
    ///   - generator: the source of randomness (pass the seeded generator for reproducibility).
    public init(sizes: [Int], hiddenActivation: Activation, cost: Cost,
                using generator: inout some RandomNumberGenerator) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 },
                     "sizes \(sizes) need an input and an output layer, all positive")
        precondition(hiddenActivation.isElementwise, "softmax cannot be a hidden activation")
        var layers = [DenseLayer]()
        for l in 0 ..< sizes.count - 1 {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let activation = l == sizes.count - 2 ? cost.outputActivation : hiddenActivation
            let r = activation == .relu ? (6 / Float(inputs)).squareRoot()
                                        : (6 / Float(inputs + outputs)).squareRoot()
            var weights = [Float](repeating: 0, count: outputs * inputs)
            for i in weights.indices {
                // 24 random bits → [−r, r): exact and independent of the standard library's Float.random.
                let unit = Float(generator.next() >> 40) * (1.0 / 16_777_216.0)
                weights[i] = (2 * unit - 1) * r
            }
            layers.append(DenseLayer(weights: Matrix(rows: outputs, columns: inputs, elements: weights),
                                     biases: [Float](repeating: 0, count: outputs), activation: activation))
        }
        self.init(layers: layers, cost: cost)
    }

    /// Whether every weight and bias is finite (no NaN or ±∞).
    public var isFinite: Bool {
        layers.allSatisfy { $0.weights.elements.allSatisfy(\.isFinite) && $0.biases.allSatisfy(\.isFinite) }
    }
}
