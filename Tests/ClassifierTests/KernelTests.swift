import Testing
@testable import Classifier

@Suite struct KernelTests {
    @Test func columnSumsAddRowsAndScale() {
        var sum = [Float](repeating: 9, count: 3)
        Kernels.columnSums([1, 2, 3, 4, 5, 6, 100, 100, 100], rows: 2, columns: 3, scale: 0.5, into: &sum)
        #expect(sum == [2.5, 3.5, 4.5])
    }

    @Test func gatherStandardizesBytesAgainstTheNaiveFormula() {
        var x = [Float](repeating: -1, count: 6)
        let (mean, deviation): ([Float], [Float]) = ([0.25, 0], [0.5, 1])
        let bytes: [UInt8] = [0, 51, 255, 102, 204, 0]
        Kernels.gatherInputs(bytes, indices: [2, 0][...], columns: 2, mean: mean, deviation: deviation, into: &x)
        let naive = [2, 0].flatMap { i in (0 ..< 2).map { j in (Float(bytes[i * 2 + j]) / 255 - mean[j]) / deviation[j] } }
        #expect(x[0 ..< 4].map(\.bitPattern) == naive.map(\.bitPattern))
        #expect(x[4] == -1, "rows past the batch are untouched")
    }

    @Test func sgdStepAddsWeightDecayToTheGradient() {
        var w: [Float] = [1, -2]
        Kernels.sgdStep(parameters: &w, gradient: [0.5, 1], learningRate: 0.1, l2: 0.01)
        // w − η (g + λ w) = 1 − 0.1·(0.5 + 0.01) = 0.949; −2 − 0.1·(1 − 0.02) = −2.098
        #expect(isClose(w[0], 0.949) && isClose(w[1], -2.098))
    }

    @Test func momentumAccumulatesVelocity() {
        var w: [Float] = [1], v: [Float] = [0]
        Kernels.momentumStep(parameters: &w, velocity: &v, gradient: [1], learningRate: 0.1, momentum: 0.9, l2: 0)
        Kernels.momentumStep(parameters: &w, velocity: &v, gradient: [1], learningRate: 0.1, momentum: 0.9, l2: 0)
        // v₁ = −0.1, w₁ = 0.9; v₂ = −0.09 − 0.1 = −0.19, w₂ = 0.71
        #expect(isClose(v[0], -0.19) && isClose(w[0], 0.71))
    }

    @Test("Adam (SIMD lanes and scalar tail) matches the formula in Double", arguments: [1, 8, 19])
    func adamMatchesFormula(count: Int) {
        let g = randomFloats(count, seed: 41), w0 = randomFloats(count, seed: 42)
        var w = w0, m = randomFloats(count, scale: 0.1, seed: 43), v = randomFloats(count, scale: 0.1, seed: 44).map(abs)
        let (m0, v0) = (m, v)
        let (η, β1, β2, ε, c1, c2, λ) = (0.01, 0.9, 0.999, 1e-8, 0.19, 0.002, 0.05)
        Kernels.adamStep(parameters: &w, m: &m, v: &v, gradient: g, learningRate: Float(η), beta1: Float(β1), beta2: Float(β2),
                         epsilon: Float(ε), correction1: Float(c1), correction2: Float(c2), l2: Float(λ))
        for i in 0 ..< count {
            let gi = Double(g[i]) + λ * Double(w0[i])
            let mi = β1 * Double(m0[i]) + (1 - β1) * gi, vi = β2 * Double(v0[i]) + (1 - β2) * gi * gi
            let wi = Double(w0[i]) - η * (mi / c1) / ((vi / c2).squareRoot() + ε)
            #expect(isClose(Double(m[i]), mi, absolute: 1e-7) && isClose(Double(v[i]), vi, absolute: 1e-7))
            #expect(isClose(Double(w[i]), wi, absolute: 1e-6), "element \(i) of \(count)")
        }
    }

    @Test("Adam split over threads gives the same bits as one thread", arguments: [
        (Kernels.adamParallelThreshold + 19, 2), (Kernels.adamParallelThreshold * 3 + 5, 3), (Kernels.adamParallelThreshold, 2),
    ])
    func adamThreadsAreBitIdentical(count: Int, threads: Int) {
        let g = randomFloats(count, seed: 51), w0 = randomFloats(count, seed: 52)
        let m0 = randomFloats(count, scale: 0.1, seed: 53), v0 = randomFloats(count, scale: 0.1, seed: 54).map(abs)
        var (w1, m1, v1) = (w0, m0, v0), (w2, m2, v2) = (w0, m0, v0)
        Kernels.adamStep(parameters: &w1, m: &m1, v: &v1, gradient: g, learningRate: 0.01, beta1: 0.9, beta2: 0.999,
                         epsilon: 1e-8, correction1: 0.19, correction2: 0.002, l2: 0.05, threads: 1)
        Kernels.adamStep(parameters: &w2, m: &m2, v: &v2, gradient: g, learningRate: 0.01, beta1: 0.9, beta2: 0.999,
                         epsilon: 1e-8, correction1: 0.19, correction2: 0.002, l2: 0.05, threads: threads)
        #expect(w1.map(\.bitPattern) == w2.map(\.bitPattern) && m1 == m2 && v1 == v2)
        #expect(w1 != w0, "the step moved the weights")
    }

    @Test("Adam's first bias-corrected step is η·sign(g)", arguments: [Float(3), -0.02, 1e-3])
    func adamFirstStep(gradient: Float) {
        var w: [Float] = [0.5], m: [Float] = [0], v: [Float] = [0]
        Kernels.adamStep(parameters: &w, m: &m, v: &v, gradient: [gradient], learningRate: 0.01,
                         beta1: 0.9, beta2: 0.999, epsilon: 1e-8, correction1: 0.1, correction2: 0.001, l2: 0)
        #expect(isClose(w[0], 0.5 - 0.01 * (gradient > 0 ? 1 : -1), absolute: 1e-5))
    }

    @Test("δ ⊙ f′ from the activations a = f(s) equals δ ⊙ f′(s)", arguments: Activation.allCases.filter(\.isElementwise))
    func derivativeFromActivations(activation: Activation) {
        let s = randomFloats(37, scale: 4, seed: 5)
        let a = s.map { activation($0) }
        let delta = randomFloats(37, seed: 6)
        var fromS = delta, fromA = delta
        Kernels.multiplyByDerivative(activation, delta: &fromS, s: s, count: 37)
        Kernels.multiplyByDerivative(activation, delta: &fromA, s: s, a: a, count: 37)
        for (x, y) in zip(fromS, fromA) { #expect(isClose(x, y, absolute: 1e-6, relative: 1e-5), "\(x) vs \(y)") }
        #expect(fromA != delta || activation == .identity)
    }

    @Test("Adam in AVX registers and one element at a time both equal the naive Float formula, bit for bit",
          arguments: [1, 7, 8, 19, 1000])
    func adamPathsMatchTheNaiveFloatFormula(count: Int) {
        let g = randomFloats(count, seed: 61), w0 = randomFloats(count, seed: 62)
        var m0 = randomFloats(count, scale: 0.1, seed: 63), v0 = randomFloats(count, scale: 0.01, seed: 64).map { $0 * $0 }
        if count > 4 { (m0[1], v0[1], m0[3], v0[3]) = (1.5e-38, 1e-39, -1.1e-38, 0) }   // moments that flush to 0
        let (η, β1, β2, ε, c1, c2, λ): (Float, Float, Float, Float, Float, Float, Float) = (0.003, 0.9, 0.999, 1e-8, 0.27, 0.004, 1e-4)
        var naive = (w: w0, m: m0, v: v0)
        let (stepSize, inverseC2) = (η / c1, 1 / c2)
        for i in 0 ..< count {
            let gi = g[i] + λ * w0[i]
            var mi = β1 * m0[i] + (1 - β1) * gi, vi = β2 * v0[i] + (1 - β2) * gi * gi
            if abs(mi) < .leastNormalMagnitude { mi = 0 }
            if vi < .leastNormalMagnitude { vi = 0 }
            naive.m[i] = mi
            naive.v[i] = vi
            naive.w[i] = w0[i] - stepSize * mi / ((vi * inverseC2).squareRoot() + ε)
        }
        for vectorized in [true, false] {
            var (w, m, v) = (w0, m0, v0)
            Kernels.adamStep(parameters: &w, m: &m, v: &v, gradient: g, learningRate: η, beta1: β1, beta2: β2, epsilon: ε,
                             correction1: c1, correction2: c2, l2: λ, vectorized: vectorized)
            #expect(w.map(\.bitPattern) == naive.w.map(\.bitPattern), "weights, vectorized: \(vectorized)")
            #expect(m.map(\.bitPattern) == naive.m.map(\.bitPattern) && v.map(\.bitPattern) == naive.v.map(\.bitPattern),
                    "moments, vectorized: \(vectorized)")
        }
    }

    @Test("Adam flushes moments that decay below the normal range to 0", arguments: [1, 8, 11])
    func adamFlushesSubnormalMoments(count: Int) {
        var w = [Float](repeating: 0.5, count: count)
        var m = [Float](repeating: 1.2e-38, count: count), v = [Float](repeating: 1e-39, count: count)
        Kernels.adamStep(parameters: &w, m: &m, v: &v, gradient: [Float](repeating: 0, count: count), learningRate: 0.01,
                         beta1: 0.9, beta2: 0.999, epsilon: 1e-8, correction1: 1, correction2: 1, l2: 0)
        #expect(m == [Float](repeating: 0, count: count) && v == [Float](repeating: 0, count: count))
        #expect(w == [Float](repeating: 0.5, count: count))
    }

    @Test("momentum (SIMD lanes and tail) matches the formula; subnormal velocities flush to 0", arguments: [1, 8, 19])
    func momentumMatchesFormula(count: Int) {
        let g = randomFloats(count, seed: 51), w0 = randomFloats(count, seed: 52), v0 = randomFloats(count, scale: 0.1, seed: 53)
        var (w, v) = (w0, v0)
        Kernels.momentumStep(parameters: &w, velocity: &v, gradient: g, learningRate: 0.1, momentum: 0.9, l2: 0.05)
        for i in 0 ..< count {
            let vi = 0.9 * Double(v0[i]) - 0.1 * (Double(g[i]) + 0.05 * Double(w0[i]))
            #expect(isClose(Double(v[i]), vi, absolute: 1e-7) && isClose(Double(w[i]), Double(w0[i]) + vi, absolute: 1e-6))
        }
        var tinyV = [Float](repeating: -1.2e-38, count: count), same = w0
        Kernels.momentumStep(parameters: &same, velocity: &tinyV, gradient: [Float](repeating: 0, count: count),
                             learningRate: 0.1, momentum: 0.9, l2: 0)
        #expect(tinyV == [Float](repeating: 0, count: count) && same == w0)
    }
}
