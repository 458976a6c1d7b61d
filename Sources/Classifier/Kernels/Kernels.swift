import Foundation
#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// The numeric kernels of the network: BLAS matrix products and the few fused element-wise
/// loops around them.
///
/// This is the only file with BLAS calls and unsafe pointers. Every kernel checks its shapes
/// with a `precondition` naming them (a mismatch is a programmer error), then works inside
/// `withUnsafe…` closures; no pointer escapes. Buffers may be longer than the shapes say (a
/// workspace sized for a full mini-batch also serves the last, partial one): only the leading
/// `rows × columns` elements are read or written.
public enum Kernels {
    /// Sets how many threads BLAS may use (`--threads`); values below 1 are treated as 1.
    ///
    /// OpenBLAS's sgemm results do not depend on thread scheduling: the same thread count always
    /// gives bit-identical products (checked: two trainings at 2 threads give identical weights).
    /// A *different* thread count may change the last bits (1 vs 2 threads do differ), which is
    /// why determinism is promised for the same data, seed and thread count.
    public static func setThreadCount(_ n: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(clamping: max(1, n)))
        #endif
    }

    /// The number of threads BLAS uses.
    public static var threadCount: Int {
        #if canImport(Accelerate)
        return 1
        #else
        return Int(openblas_get_num_threads())
        #endif
    }

    // MARK: - Data parallelism

    /// A value handed to `DispatchQueue.concurrentPerform`'s `@Sendable` closure. Only used
    /// below, where each worker touches disjoint memory and the call returns after all workers.
    private struct UncheckedSendable<T>: @unchecked Sendable { let value: T }

    /// Runs `body(k)` for `k` in `0 ..< workers` concurrently (on libdispatch's long-lived pool
    /// threads and the calling one) and returns when all are done; `workers == 1` runs inline.
    static func concurrently(_ workers: Int, _ body: (Int) -> Void) {
        guard workers > 1 else { if workers == 1 { body(0) }; return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(value: body)
            DispatchQueue.concurrentPerform(iterations: workers) { k in box.value(k) }
        }
    }

    /// Runs `body(k, &items[k])` for every `k` concurrently: each worker owns one element
    /// (e.g. one shard's workspace), so no two workers touch the same memory.
    static func concurrentlyUpdate<T>(_ items: inout [T], _ body: (Int, inout T) -> Void) {
        let count = items.count
        items.withUnsafeMutableBufferPointer { items in
            concurrently(count) { k in body(k, &items[k]) }
        }
    }

    /// Adds the gradients of shards `1 ..< n` into shard 0's, in shard order (a fixed reduction
    /// order, so the sum does not depend on scheduling): `∂J/∂W = Σₖ ∂Jₖ/∂W`, likewise for biases.
    /// The elements are split into `shards.count` contiguous chunks summed concurrently.
    ///
    /// Shapes: every shard's `weightGradient[l]` / `biasGradient[l]` has the same count.
    static func addShardGradients(_ shards: inout [BackpropagationWorkspace]) {
        let n = shards.count
        guard n > 1 else { return }
        // Shard 0's buffers become uniquely referenced here, on one thread; the workers then
        // write disjoint chunks of them through pointers taken by non-mutating (read) access.
        for l in shards[0].weightGradient.indices {
            shards[0].weightGradient[l].withUnsafeMutableBufferPointer { _ in }
            shards[0].biasGradient[l].withUnsafeMutableBufferPointer { _ in }
        }
        @inline(__always) func add(_ k: Int, _ target: [Float], _ source: [Float]) {
            precondition(source.count == target.count, "shard gradient \(source.count) vs \(target.count)")
            let chunk = k * target.count / n ..< (k + 1) * target.count / n
            target.withUnsafeBufferPointer { t in
                source.withUnsafeBufferPointer { s in
                    guard let t = t.baseAddress, let s = s.baseAddress else { return }
                    let t0 = UnsafeMutablePointer(mutating: t)
                    for i in chunk { t0[i] += s[i] }
                }
            }
        }
        shards.withUnsafeBufferPointer { shards in
            concurrently(n) { k in
                for j in 1 ..< n {
                    for l in shards[0].weightGradient.indices {
                        add(k, shards[0].weightGradient[l], shards[j].weightGradient[l])
                        add(k, shards[0].biasGradient[l], shards[j].biasGradient[l])
                    }
                }
            }
        }
    }

    // MARK: - Matrix products

    /// `C = α·op(A)·op(B) + β·C` on matrices, where `op(X)` is `X` or `Xᵀ`.
    ///
    /// Shapes: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n` (checked).
    public static func multiply(_ a: Matrix, transposed transposeA: Bool = false,
                                _ b: Matrix, transposed transposeB: Bool = false,
                                alpha: Float = 1, beta: Float = 0, into c: inout Matrix) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kb && c.rows == m && c.columns == n,
                     "op(A) \(m)×\(k) · op(B) \(kb)×\(n) cannot go into C \(c.rows)×\(c.columns)")
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
              alpha: alpha, a: a.elements, b: b.elements, beta: beta, c: &c.elements)
    }

    /// `C = α·op(A)·op(B) + β·C` on row-major buffers (`cblas_sgemm`).
    ///
    /// Shapes: `op(A)` is `m × k` (`A` stored `m × k`, or `k × m` when transposed), `op(B)` is
    /// `k × n` (`B` stored `k × n`, or `n × k`), `C` is `m × n`; leading dimensions are the
    /// stored column counts.
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      alpha: Float, a: [Float], b: [Float], beta: Float, c: inout [Float]) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative sgemm shape m \(m) n \(n) k \(k)")
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n,
                     "sgemm buffers A \(a.count), B \(b.count), C \(c.count) too small for (\(m)×\(k))·(\(k)×\(n))")
        guard m > 0, n > 0 else { return }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        if k == 0 {  // BLAS would be fine, but some reject lda 0: C = β·C.
            for i in 0 ..< m * n { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    cblas_sgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                a.baseAddress, Int32(lda), b.baseAddress, Int32(ldb),
                                beta, c.baseAddress, Int32(n))
                }
            }
        }
    }

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
                    let e = Foundation.exp(row[j] - maximum)
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

    /// `δ ⊙= f′(s)` using the layer's activations `a = f(s)` where `f′` is cheaper in `a`:
    /// `σ′ = a (1 − a)`, `tanh′ = 1 − a²` (no second `exp`/`tanh` per element, measured 20 %
    /// of a sigmoid training step); other activations use `s` as above.
    ///
    /// Shapes: `delta`, `s` and `a` hold at least `count` values.
    static func multiplyByDerivative(_ activation: Activation, delta: inout [Float], s: [Float], a: [Float], count: Int) {
        precondition(delta.count >= count && a.count >= count, "δ ⊙ f′(a): δ \(delta.count), a \(a.count), count \(count)")
        switch activation {
        case .sigmoid:
            a.withUnsafeBufferPointer { a in
                delta.withUnsafeMutableBufferPointer { delta in
                    for i in 0 ..< count { delta[i] *= a[i] * (1 - a[i]) }
                }
            }
        case .tanh:
            a.withUnsafeBufferPointer { a in
                delta.withUnsafeMutableBufferPointer { delta in
                    for i in 0 ..< count { delta[i] *= 1 - a[i] * a[i] }
                }
            }
        default:
            multiplyByDerivative(activation, delta: &delta, s: s, count: count)
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

    // MARK: - Input conversion

    /// Gathers the rows `indices` of a byte matrix into a Float matrix, standardised:
    /// `xᵢⱼ = (bytes[indicesᵢ, j] / 255 − meanⱼ) / deviationⱼ` (`InputStandardization`, the one
    /// conversion from stored bytes to network inputs; with mean 0 and deviation 1 it is exactly
    /// `b / 255`, correctly rounded).
    ///
    /// Shapes: `bytes` is `N × columns`, `mean` and `deviation` have `columns` values, `x` gets
    /// `indices.count × columns`.
    static func gatherInputs(_ bytes: [UInt8], indices: ArraySlice<Int>, columns: Int,
                             mean: [Float], deviation: [Float], into x: inout [Float]) {
        precondition(x.count >= indices.count * columns && mean.count == columns && deviation.count == columns,
                     "gather: x \(x.count) for \(indices.count)×\(columns), mean \(mean.count), deviation \(deviation.count)")
        let rowCount = columns == 0 ? 0 : bytes.count / columns
        bytes.withUnsafeBufferPointer { bytes in
            x.withUnsafeMutableBufferPointer { x in
                mean.withUnsafeBufferPointer { mean in
                    deviation.withUnsafeBufferPointer { deviation in
                        guard let bytes = bytes.baseAddress, let x = x.baseAddress,
                              let mean = mean.baseAddress, let deviation = deviation.baseAddress else { return }
                        var target = x
                        for index in indices {
                            precondition(index >= 0 && index < rowCount, "gather: row \(index) of \(rowCount)")
                            let source = bytes + index * columns
                            for j in 0 ..< columns { target[j] = (Float(source[j]) / 255 - mean[j]) / deviation[j] }
                            target += columns
                        }
                    }
                }
            }
        }
    }

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
                         correction1 c1: Float, correction2 c2: Float, l2 λ: Float) {
        precondition(w.count == g.count && m.count == g.count && v.count == g.count,
                     "adam: parameters \(w.count), m \(m.count), v \(v.count), gradient \(g.count)")
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
        let count = w.count
        g.withUnsafeBufferPointer { g in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    w.withUnsafeMutableBufferPointer { w in
                        guard let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress,
                              let w = w.baseAddress else { return }
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
            }
        }
    }
}
