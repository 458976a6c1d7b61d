import CGEMM
import Parallel

/// The optimizer steps (plain gradient descent, momentum, Adam) over contiguous parameter
/// buffers. The update rules are documented in
/// `Training/Optimizer.swift`'s terms; these loops are their fast form, tested against the formulas.
extension Kernels {
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
                         correction1 c1: Float, correction2 c2: Float, l2 λ: Float, threads: Int = 1,
                         vectorized: Bool = true) {
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
                                     beta1: β1, beta2: β2, epsilon: ε, correction1: c1, correction2: c2, l2: λ, vectorized: vectorized)
                        }
                    }
                }
            }
        }
    }

    /// Parameters from which `adamStep` splits its work over threads (smaller ones are one slice).
    static let adamParallelThreshold = 1 << 15

    /// Whether Adam runs in AVX registers (`CGEMM_AVX2_FMA`, the CPU has AVX2) or one element at a
    /// time; both give the same bits (`cgemm.h`).
    static let adamKernel = cgemm_best_kernel()

    /// `adamStep` over `count` consecutive elements of the four buffers, in C (`cgemm_adam_step`): Swift's
    /// SIMD8<Float> is two SSE halves on baseline x86-64, and with three Newton steps for the
    /// square root the arithmetic, not the memory, was the limit (32 % of a single-threaded
    /// weather4 run, as much as the matrix products).
    private static func adamStep(_ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                                 _ v: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, count: Int,
                                 learningRate η: Float, beta1 β1: Float, beta2 β2: Float, epsilon ε: Float,
                                 correction1 c1: Float, correction2 c2: Float, l2 λ: Float, vectorized: Bool) {
        cgemm_adam_step(vectorized ? adamKernel : CGEMM_PORTABLE, w, m, v, g, count, η / c1, β1, β2, ε, 1 / c2, λ)
    }
}
