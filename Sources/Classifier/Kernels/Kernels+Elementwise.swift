import Platform

/// Element-wise work around the matrix products: bias add + activation (forward), softmax,
/// `δ ⊙ f′` (BP1 for the quadratic cost, BP2) and column sums (BP3). The functions `f` and `f′`
/// themselves live in `Math/Activation+Functions.swift`; these loops only run them over
/// contiguous buffers, specialised per function so that they vectorise. Shapes are checked with
/// a `precondition`; pointers never leave their `withUnsafe…` closure.
enum Kernels {
    // MARK: - Forward: bias add + activation

    /// `sᵢⱼ += bⱼ; aᵢⱼ = f(sᵢⱼ)` for every row `i` (softmax normalises each row of `a`).
    ///
    /// Shapes: `s` and `a` are `rows × columns`, `biases` has `columns` values.
    static func addBiasAndActivate(_ activation: Activation, s: inout [Float], a: inout [Float],
                                   biases: [Float], rows: Int, columns: Int) {
        switch activation {
        case .sigmoid: addBiasAndActivate(Sigmoid.self, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
        case .tanh: addBiasAndActivate(HyperbolicTangent.self, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
        case .relu: addBiasAndActivate(RectifiedLinear.self, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
        case .arctan: addBiasAndActivate(Arctangent.self, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
        case .identity: addBiasAndActivate(Identity.self, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
        case .softmax:
            addBiasAndActivate(Identity.self, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
            softmaxRows(&a, rows: rows, columns: columns)
        }
    }

    private static func addBiasAndActivate<F: ElementwiseFunction>(
        _: F.Type, s: inout [Float], a: inout [Float], biases: [Float], rows: Int, columns: Int
    ) {
        precondition(s.count >= rows * columns && a.count >= rows * columns && biases.count == columns,
                     "bias+activation: s \(s.count), a \(a.count) for \(rows)×\(columns), biases \(biases.count)")
        // Row pointers, not `row + j` indices: the overflow check of `row + j` would stop vectorisation.
        biases.withUnsafeBufferPointer { b in
            s.withUnsafeMutableBufferPointer { s in
                a.withUnsafeMutableBufferPointer { a in
                    guard let b = b.baseAddress, let s = s.baseAddress, let a = a.baseAddress else { return }
                    for i in 0 ..< rows {
                        let (sRow, aRow) = (s + i * columns, a + i * columns)
                        for j in 0 ..< columns {
                            let sij = sRow[j] + b[j]
                            sRow[j] = sij
                            aRow[j] = F.f(sij)
                        }
                    }
                }
            }
        }
    }

    /// Softmax of each row in place, stable for large logits:
    /// `aᵢⱼ = e^(aᵢⱼ − maxₖ aᵢₖ) / Σₖ e^(aᵢₖ − maxₖ aᵢₖ)`.
    ///
    /// Shapes: `a` is `rows × columns`.
    static func softmaxRows(_ a: inout [Float], rows: Int, columns: Int) {
        precondition(a.count >= rows * columns, "softmax: buffer \(a.count) for \(rows)×\(columns)")
        guard columns > 0 else { return }
        a.withUnsafeMutableBufferPointer { a in
            for i in 0 ..< rows {
                let row = UnsafeMutableBufferPointer(rebasing: a[i * columns ..< (i + 1) * columns])
                var maximum = row[0]
                for j in 1 ..< columns { maximum = Swift.max(maximum, row[j]) }
                var sum: Float = 0
                for j in 0 ..< columns {
                    let e = expf(row[j] - maximum)
                    row[j] = e
                    sum += e
                }
                let inverse = 1 / sum
                for j in 0 ..< columns { row[j] *= inverse }
            }
        }
    }

    // MARK: - Backward

    /// `δ ⊙= f′(s)` element-wise over the first `count` values (BP1 for quadratic cost, BP2).
    static func multiplyByDerivative(_ activation: Activation, delta: inout [Float], s: [Float], count: Int) {
        switch activation {
        case .sigmoid: multiplyByDerivative(Sigmoid.self, delta: &delta, s: s, count: count)
        case .tanh: multiplyByDerivative(HyperbolicTangent.self, delta: &delta, s: s, count: count)
        case .relu: multiplyByDerivative(RectifiedLinear.self, delta: &delta, s: s, count: count)
        case .arctan: multiplyByDerivative(Arctangent.self, delta: &delta, s: s, count: count)
        case .identity, .softmax: return
        }
    }

    /// `δ ⊙= f′(s)` using the layer's activations `a = f(s)` too, for the functions whose `f′` is
    /// cheaper in `a` (`ElementwiseFunction.fPrime(s:a:)`: σ′ = a (1 − a), tanh′ = 1 − a², no
    /// second `exp` or `tanh` per element) (BP2).
    ///
    /// Shapes: `delta`, `s` and `a` hold at least `count` values.
    static func multiplyByDerivative(_ activation: Activation, delta: inout [Float], s: [Float], a: [Float], count: Int) {
        switch activation {
        case .sigmoid: multiplyByDerivative(Sigmoid.self, delta: &delta, s: s, a: a, count: count)
        case .tanh: multiplyByDerivative(HyperbolicTangent.self, delta: &delta, s: s, a: a, count: count)
        case .relu: multiplyByDerivative(RectifiedLinear.self, delta: &delta, s: s, a: a, count: count)
        case .arctan: multiplyByDerivative(Arctangent.self, delta: &delta, s: s, a: a, count: count)
        case .identity, .softmax: return
        }
    }

    private static func multiplyByDerivative<F: ElementwiseFunction>(
        _: F.Type, delta: inout [Float], s: [Float], a: [Float], count: Int
    ) {
        precondition(delta.count >= count && s.count >= count && a.count >= count,
                     "δ ⊙ f′(s, a): δ \(delta.count), s \(s.count), a \(a.count), count \(count)")
        s.withUnsafeBufferPointer { s in
            a.withUnsafeBufferPointer { a in
                delta.withUnsafeMutableBufferPointer { delta in
                    for i in 0 ..< count { delta[i] *= F.fPrime(s: s[i], a: a[i]) }
                }
            }
        }
    }

    private static func multiplyByDerivative<F: ElementwiseFunction>(
        _: F.Type, delta: inout [Float], s: [Float], count: Int
    ) {
        precondition(delta.count >= count && s.count >= count,
                     "δ ⊙ f′(s): δ \(delta.count), s \(s.count), count \(count)")
        s.withUnsafeBufferPointer { s in
            delta.withUnsafeMutableBufferPointer { delta in
                for i in 0 ..< count { delta[i] *= F.fPrime(s[i]) }
            }
        }
    }

    /// `sumⱼ = scale · Σᵢ xᵢⱼ`, rows added in order `i = 0, 1, …` (fixed reduction order).
    ///
    /// Shapes: `x` is `rows × columns`, `sum` has `columns` values.
    static func columnSums(_ x: [Float], rows: Int, columns: Int, scale: Float, into sum: inout [Float]) {
        precondition(x.count >= rows * columns && sum.count == columns,
                     "column sums: x \(x.count) for \(rows)×\(columns), sum \(sum.count)")
        x.withUnsafeBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { sum in
                for j in 0 ..< columns { sum[j] = 0 }
                guard let x = x.baseAddress else { return }
                for i in 0 ..< rows {
                    let row = x + i * columns
                    for j in 0 ..< columns { sum[j] += row[j] }
                }
                for j in 0 ..< columns { sum[j] *= scale }
            }
        }
    }

    /// Inverted dropout of `count` activations: `mask[i] = 0` with probability `p`, else
    /// `1 / (1 − p)`, and `a[i] ⊙= mask[i]`. One 64-bit draw serves four units (16 bits each:
    /// dropped when below `⌊p · 65536⌉`).
    static func dropOut(_ a: inout [Float], mask: inout [Float], count: Int, probability p: Float,
                        using generator: inout some RandomNumberGenerator) {
        precondition(a.count >= count && mask.count >= count, "dropout: a \(a.count), mask \(mask.count), count \(count)")
        let threshold = UInt64((p * 65536).rounded()), kept = 1 / (1 - p)
        var bits: UInt64 = 0
        for i in 0 ..< count {
            if i % 4 == 0 { bits = generator.next() }
            mask[i] = bits & 0xFFFF < threshold ? 0 : kept
            bits >>= 16
            a[i] *= mask[i]
        }
    }

    /// `x[i] ⊙= y[i]` for the first `count` values.
    static func multiply(_ x: inout [Float], by y: [Float], count: Int) {
        precondition(x.count >= count && y.count >= count, "x ⊙ y: x \(x.count), y \(y.count), count \(count)")
        for i in 0 ..< count { x[i] *= y[i] }
    }
}
