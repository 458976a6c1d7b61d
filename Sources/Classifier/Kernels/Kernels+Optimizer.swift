import Parallel

/// The optimizer steps (plain gradient descent, momentum, Adam) over contiguous parameter
/// buffers, and the vector square root Adam needs. The update rules are documented in
/// `Training/Optimizer.swift`'s terms; these loops are their fast form, tested against the formulas.
extension Kernels {
    // MARK: - Vector square root

    /// `√x` lane by lane for `x ≥ 0`, in vector registers: the bit-level estimate of `1/√x`
    /// (Lomont's constant `0x5F375A86`), three Newton steps `y ← y (3/2 − (x/2) y²)` (relative
    /// error 3.4e-2 → 1.7e-3 → 4.4e-6 → below Float rounding), then `√x = x · y` (exactly 0 at 0).
    /// Within 2 ulp of the correctly rounded root for normal `x`; pure arithmetic, so deterministic.
    @inline(__always) static func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        var y = unsafeBitCast(SIMD8<UInt32>(repeating: 0x5F37_5A86) &- (bits &>> 1), to: SIMD8<Float>.self)
        let half = 0.5 * x
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        return x * y
    }

    // MARK: - Optimizer updates

    /// Plain gradient descent: `w ← w − η (g + λ w)`.
    static func sgdStep(parameters w: inout [Float], gradient g: [Float], learningRate η: Float, l2 λ: Float) {
        precondition(w.count == g.count, "sgd: parameters \(w.count), gradient \(g.count)")
        g.withUnsafeBufferPointer { g in
            w.withUnsafeMutableBufferPointer { w in
                for i in 0 ..< w.count { w[i] -= η * (g[i] + λ * w[i]) }
            }
        }
    }

    /// Exponential moving average of parameters: `w̄ ← β w̄ + (1 − β) w`.
    static func movingAverage(_ average: inout [Float], towards w: [Float], decay β: Float) {
        precondition(average.count == w.count, "moving average: \(average.count) averages, \(w.count) parameters")
        w.withUnsafeBufferPointer { w in
            average.withUnsafeMutableBufferPointer { a in
                for i in 0 ..< a.count { a[i] = β * a[i] + (1 - β) * w[i] }
            }
        }
    }

    /// Momentum: `v ← μ v − η (g + λ w)`, `w ← w + v`.
    ///
    /// Eight lanes at a time (explicit SIMD8, like Adam), the tail in the low lanes of one
    /// vector; velocities below the normal range are flushed to 0 (a weight whose gradient stays
    /// 0 has `v` decay by μ a step into subnormals, where each multiply is ~100× slower).
    static func momentumStep(parameters w: inout [Float], velocity v: inout [Float], gradient g: [Float],
                             learningRate η: Float, momentum μ: Float, l2 λ: Float) {
        precondition(w.count == g.count && v.count == g.count,
                     "momentum: parameters \(w.count), velocity \(v.count), gradient \(g.count)")
        let tiny = SIMD8<Float>(repeating: .leastNormalMagnitude)
        @inline(__always) func step(_ g: SIMD8<Float>, _ w: inout SIMD8<Float>, _ v: inout SIMD8<Float>) {
            v = μ * v - η * (g + λ * w)
            v.replace(with: 0, where: (v .< tiny) .& (v .> -tiny))
            w += v
        }
        let count = w.count
        g.withUnsafeBufferPointer { g in
            v.withUnsafeMutableBufferPointer { v in
                w.withUnsafeMutableBufferPointer { w in
                    guard let g = g.baseAddress, let v = v.baseAddress, let w = w.baseAddress else { return }
                    var i = 0
                    while i + 8 <= count {
                        let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                        var wi = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self)
                        var vi = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
                        step(gi, &wi, &vi)
                        UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                        i += 8
                    }
                    if i < count {
                        var (gi, wi, vi) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                        for j in 0 ..< count - i { (gi[j], wi[j], vi[j]) = (g[i + j], w[i + j], v[i + j]) }
                        step(gi, &wi, &vi)
                        for j in 0 ..< count - i { (w[i + j], v[i + j]) = (wi[j], vi[j]) }
                    }
                }
            }
        }
    }

    /// Adam (Kingma & Ba 2015) with L2 added to the gradient, `gₜ = g + λ w`:
    /// `m ← β₁ m + (1 − β₁) gₜ`, `v ← β₂ v + (1 − β₂) gₜ²`,
    /// `w ← w − η · (m / c₁) / (√(v / c₂) + ε)` with bias corrections `c₁ = 1 − β₁ᵗ`, `c₂ = 1 − β₂ᵗ`.
    static func adamStep(parameters w: inout [Float], m: inout [Float], v: inout [Float], gradient g: [Float],
                         learningRate η: Float, beta1 β1: Float, beta2 β2: Float, epsilon ε: Float,
                         correction1 c1: Float, correction2 c2: Float, l2 λ: Float, threads: Int = 1) {
        precondition(w.count == g.count && m.count == g.count && v.count == g.count,
                     "adam: parameters \(w.count), m \(m.count), v \(v.count), gradient \(g.count)")
        let count = w.count
        // Large layers are split into `threads` slices of whole vectors: at a batch of 32 the step
        // over a 2,916 × 128 layer (four 1.5 MB arrays) took 40 % of the training thread (perf,
        // weather4) while the other core waited. Each element's arithmetic is the same in any
        // slice, so the result does not depend on the thread count.
        let slices = count >= adamParallelThreshold ? max(1, threads) : 1
        let sliceLength = ((count + slices - 1) / slices + 7) / 8 * 8
        g.withUnsafeBufferPointer { g in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    w.withUnsafeMutableBufferPointer { w in
                        guard let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress,
                              let w = w.baseAddress else { return }
                        Parallel.forEach(slices, threads: slices) { slice in
                            let start = min(slice * sliceLength, count), end = min(start + sliceLength, count)
                            adamStep(w + start, m + start, v + start, g + start, count: end - start, learningRate: η,
                                     beta1: β1, beta2: β2, epsilon: ε, correction1: c1, correction2: c2, l2: λ)
                        }
                    }
                }
            }
        }
    }

    /// Parameters from which `adamStep` splits its work over threads (smaller ones are one slice).
    static let adamParallelThreshold = 1 << 15

    /// `adamStep` over `count` consecutive elements of the four buffers.
    private static func adamStep(_ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                                 _ v: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, count: Int,
                                 learningRate η: Float, beta1 β1: Float, beta2 β2: Float, epsilon ε: Float,
                                 correction1 c1: Float, correction2 c2: Float, l2 λ: Float) {
        let stepSize = η / c1, inverseC2 = 1 / c2
        // Explicit SIMD8: with four pointers the compiler kept the plain loop scalar. And no
        // `squareRoot()`: on Linux it lowers to `sqrtss` plus a `sqrtf` call per lane (errno),
        // 38 % of an Adam run; `Kernels.squareRoot` stays in vector registers.
        @inline(__always) func step(_ g: SIMD8<Float>, _ w: inout SIMD8<Float>, _ m: inout SIMD8<Float>, _ v: inout SIMD8<Float>) {
            let gi = g + λ * w
            m = β1 * m + (1 - β1) * gi
            v = β2 * v + (1 - β2) * gi * gi
            // Flush subnormal moments to 0: a weight whose gradient stays 0 (a dead ReLU unit,
            // no L2) has m decay by 0.9 a step into the subnormal range within ~840 steps,
            // where every multiply traps to microcode (measured: Adam 82k → 60k samples/s
            // after the first epoch). Their step, ~1e-38/ε·η, is below any weight's ulp.
            let tiny = SIMD8<Float>(repeating: .leastNormalMagnitude)
            m.replace(with: 0, where: (m .< tiny) .& (m .> -tiny))
            v.replace(with: 0, where: v .< tiny)
            w -= stepSize * m / (squareRoot(v * inverseC2) + ε)
        }
        var i = 0
        while i + 8 <= count {
            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
            var wi = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self)
            var mi = UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self)
            var vi = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
            step(gi, &wi, &mi, &vi)
            UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {  // the tail in the low lanes of one vector (zeros above: harmless)
            var (gi, wi, mi, vi) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            for j in 0 ..< count - i { (gi[j], wi[j], mi[j], vi[j]) = (g[i + j], w[i + j], m[i + j], v[i + j]) }
            step(gi, &wi, &mi, &vi)
            for j in 0 ..< count - i { (w[i + j], m[i + j], v[i + j]) = (wi[j], mi[j], vi[j]) }
        }
    }
}
