import Platform

extension Cost {
    /// The cost summed over a batch (divide by `rows` for the mean), with targets
    /// `yᵢⱼ = (1 − ε)·[j = labelᵢ] + ε/K` (`K = columns`; `ε = 0`, the default, is one-hot):
    ///
    /// - cross-entropy: `Σᵢ −Σⱼ yᵢⱼ ln aᵢⱼ`, one-hot `Σᵢ −ln aᵢ,labelᵢ` (probabilities clamped at 1e-12
    ///   so a confident miss costs ~27.6, not ∞)
    /// - quadratic: `Σᵢ ½ Σⱼ (aᵢⱼ − yᵢⱼ)²`
    ///
    /// Shapes: `a` is `rows × columns` (at least), `labels` has `rows` values (at least).
    /// Also counts the rows whose largest output is the label (`correct`).
    func totalLoss(outputs a: [Float], labels: ArraySlice<Int>, rows: Int, columns: Int,
                   smoothing ε: Float = 0) -> (loss: Double, correct: Int) {
        precondition(a.count >= rows * columns && labels.count >= rows,
                     "loss: outputs \(a.count) for \(rows)×\(columns), labels \(labels.count)")
        var loss = 0.0
        var correct = 0
        let base = labels.startIndex
        for i in 0 ..< rows {
            let row = i * columns, label = labels[base + i]
            if argmax(a, from: row, count: columns) == label { correct += 1 }
            switch self {
            case .crossEntropy:
                if ε == 0 {
                    loss -= log(Double(max(a[row + label], 1e-12)))
                } else {
                    for j in 0 ..< columns {
                        loss -= Double(j == label ? 1 - ε + ε / Float(columns) : ε / Float(columns))
                            * log(Double(max(a[row + j], 1e-12)))
                    }
                }
            case .quadratic:
                var sum: Float = 0
                for j in 0 ..< columns {
                    let difference = a[row + j] - ((j == label ? 1 - ε : 0) + ε / Float(columns))
                    sum += difference * difference
                }
                loss += 0.5 * Double(sum)
            }
        }
        return (loss, correct)
    }

    /// BP1, the output delta `δᴸ = ∂J/∂aᴸ ⊙ f′(sᴸ)` for the targets `y` of `totalLoss`
    /// (label smoothing `ε`: `y = (1 − ε)·onehot + ε/K`):
    ///
    /// - cross-entropy with softmax: `δᴸ = aᴸ − y` (`Σⱼ yⱼ = 1`, so the softmax Jacobian still collapses)
    /// - quadratic with sigmoid: `δᴸ = (aᴸ − y) ⊙ σ′(sᴸ)`
    ///
    /// Shapes: `a`, `s` and `delta` are `rows × columns`, `labels` has `rows` values.
    func outputDelta(outputs a: [Float], weightedSums s: [Float], labels: ArraySlice<Int>,
                     rows: Int, columns: Int, smoothing ε: Float = 0, into delta: inout [Float]) {
        precondition(a.count >= rows * columns && s.count >= rows * columns && delta.count >= rows * columns
                     && labels.count >= rows, "BP1: a \(a.count), s \(s.count), δ \(delta.count) for \(rows)×\(columns)")
        let floor = ε / Float(columns)
        for i in 0 ..< rows * columns { delta[i] = a[i] - floor }
        let base = labels.startIndex
        for i in 0 ..< rows { delta[i * columns + labels[base + i]] -= 1 - ε }
        if self == .quadratic {
            Kernels.multiplyByDerivative(outputActivation, delta: &delta, s: s, count: rows * columns)
        }
    }
}
