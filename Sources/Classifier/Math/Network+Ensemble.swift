extension Network {
    /// One network whose output weighted sums are the mean of the members': `zᴸ = (1/N) Σₖ zᴸₖ`,
    /// so its softmax is the members' logit average (a geometric mean of their probabilities).
    ///
    /// The members (same sizes, activations and cost) sit side by side in every hidden layer:
    /// - layer 0: `W⁰ = [W⁰₁; …; W⁰ₙ]` stacked (`N·n₁ × n₀`), `b⁰ = [b⁰₁; …; b⁰ₙ]`;
    /// - each further hidden layer: `Wˡ` block-diagonal (`N·nₗ₊₁ × N·nₗ`), biases stacked;
    /// - the output layer: `Wᴸ = (1/N) [Wᴸ₁ … Wᴸₙ]` (`classes × N·n_L`), `bᴸ = (1/N) Σₖ bᴸₖ`.
    /// Without hidden layers the output layer alone is averaged. One member is returned as is.
    ///
    /// Exact up to Float rounding, since each member's hidden units see only its own units.
    public init(averaging members: [Network]) {
        precondition(!members.isEmpty, "an ensemble needs at least one network")
        let first = members[0]
        precondition(members.allSatisfy { $0.sizes == first.sizes && $0.cost == first.cost
                         && zip($0.layers, first.layers).allSatisfy { $0.activation == $1.activation } },
                     "ensemble members differ in sizes, activations or cost")
        guard members.count > 1 else { self = first; return }
        let n = members.count
        let scale = 1 / Float(n)
        var layers: [DenseLayer] = []
        for l in first.layers.indices {
            let (outputs, inputs) = (first.layers[l].outputCount, first.layers[l].inputCount)
            let isOutput = l == first.layers.count - 1
            let rows = isOutput ? outputs : n * outputs
            let columns = l == 0 ? inputs : n * inputs
            var weights = [Float](repeating: 0, count: rows * columns)
            var biases = [Float](repeating: 0, count: rows)
            for (k, member) in members.enumerated() {
                let w = member.layers[l].weights.elements, b = member.layers[l].biases
                // Member k's block: its rows (hidden) or all rows (output), its columns (after layer 0) or all;
                // blocks are disjoint except the output layer of a network without hidden layers, which adds up.
                let rowOffset = isOutput ? 0 : k * outputs, columnOffset = l == 0 ? 0 : k * inputs
                for r in 0 ..< outputs {
                    for c in 0 ..< inputs {
                        weights[(rowOffset + r) * columns + columnOffset + c] += isOutput ? scale * w[r * inputs + c] : w[r * inputs + c]
                    }
                    if isOutput { biases[r] += scale * b[r] } else { biases[rowOffset + r] = b[r] }
                }
            }
            layers.append(DenseLayer(weights: Matrix(rows: rows, columns: columns, elements: weights), biases: biases,
                                     activation: first.layers[l].activation))
        }
        self.init(layers: layers, cost: first.cost)
    }
}
