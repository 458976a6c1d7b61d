import Foundation
import Testing
@testable import Classifier

@Suite struct ActivationTests {
    static let elementwise: [Activation] = [.sigmoid, .tanh, .relu, .arctan, .identity]
    static let points: [Float] = [-3.1, -0.7, -0.05, 0.3, 1.2, 4.5]

    /// The oracle is the Double closed form of f (`ReferenceNetwork.activate`), differentiated
    /// centrally with h = 1e-5 (error ~1e-10). The Float f′ itself is good to a few Float
    /// roundings of 1 (tanh′ = 1 − tanh² loses digits near 1): absolute 2e-7 + relative 1e-5.
    /// So tanh′(4.5) = 4.9e-4 cannot pass as 0, nor σ′(−3.1) = 0.041 as σ(1 − σ) with a wrong sign.
    @Test("f′ matches central finite differences of f, and f its Double closed form", arguments: elementwise)
    func derivativeMatchesFiniteDifferences(activation: Activation) {
        let h = 1e-5
        for s in Self.points {
            let f = { (x: Double) in ReferenceNetwork.activate(activation, [x])[0] }
            let numeric = (f(Double(s) + h) - f(Double(s) - h)) / (2 * h)
            #expect(isClose(Double(activation.derivative(s)), numeric, absolute: 2e-7, relative: 1e-5), "f′ of \(activation) at \(s)")
            #expect(isClose(Double(activation(s)), f(Double(s)), absolute: 1e-7, relative: 1e-6), "f of \(activation) at \(s)")
        }
    }

    @Test("softmax has no scalar value or derivative: asking is a programmer error")
    func softmaxIsNotElementwise() async {
        #expect(!Activation.softmax.isElementwise)
        await #expect(processExitsWith: .failure) { _ = Activation.softmax.callAsFunction(0) }
        await #expect(processExitsWith: .failure) { _ = Activation.softmax.derivative(0) }
    }

    static let valuesByHand: [(Activation, Float, Float)] = [
        (.sigmoid, 0, 0.5), (.tanh, 0.5, 0.46211716), (.relu, -2, 0),
        (.relu, 2, 2), (.arctan, 1, 0.78539816), (.identity, -7, -7),
    ]

    @Test("known values of f", arguments: valuesByHand)
    func knownValues(activation: Activation, s: Float, a: Float) {
        #expect(isClose(activation(s), a))
    }

    @Test("bias add + activation kernel equals the scalar function", arguments: elementwise)
    func kernelMatchesScalar(activation: Activation) {
        let (rows, columns) = (3, 5)
        let original = randomFloats(rows * columns, scale: 3, seed: 7), biases = randomFloats(columns, seed: 8)
        var s = original, a = [Float](repeating: 0, count: rows * columns)
        Kernels.addBiasAndActivate(activation, s: &s, a: &a, biases: biases, rows: rows, columns: columns)
        for i in 0 ..< rows * columns {
            #expect(s[i] == original[i] + biases[i % columns])
            #expect(isClose(a[i], activation(s[i])))
        }
        var delta = [Float](repeating: 2, count: rows * columns)
        Kernels.multiplyByDerivative(activation, delta: &delta, s: s, count: rows * columns)
        for i in 0 ..< rows * columns { #expect(isClose(delta[i], 2 * activation.derivative(s[i]))) }
    }

    static let logits: [[Float]] = [[1e4, 1e4 - 1, -1e4], [-1e4, -1e4, -1e4 + 2], [0, 0, 0, 0], [88, 89, 90], [-3, 0.5, 2]]

    @Test("softmax is stable for huge logits and rows sum to 1", arguments: logits)
    func softmaxIsStable(s: [Float]) throws {
        let a = Activation.softmax(s)
        #expect(a.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(isClose(a.reduce(0, +), 1, absolute: 1e-6))
        // Shift invariance: softmax(s) = softmax(s − max s), computed in Double as the oracle.
        let maximum = try #require(s.max())
        let e = s.map { Foundation.exp(Double($0 - maximum)) }
        let total = e.reduce(0, +)
        for (x, y) in zip(a, e) { #expect(isClose(Double(x), y / total, absolute: 1e-6)) }
    }

    @Test func softmaxNormalisesEveryRow() {
        var a: [Float] = [1, 2, 3, 1e4, 0, -1e4]
        Kernels.softmaxRows(&a, rows: 2, columns: 3)
        #expect(isClose(a[0 ..< 3].reduce(0, +), 1) && isClose(a[3 ..< 6].reduce(0, +), 1))
        #expect(a[3] == 1 && a[5] == 0)
    }

    @Test("cross-entropy output delta is a − y", arguments: [0, 2])
    func crossEntropyDelta(label: Int) {
        let a: [Float] = [0.2, 0.5, 0.3]
        var delta = [Float](repeating: 9, count: 3)
        Cost.crossEntropy.outputDelta(outputs: a, weightedSums: [0, 0, 0], labels: [label][...], rows: 1, columns: 3, into: &delta)
        for j in 0 ..< 3 { #expect(isClose(delta[j], a[j] - (j == label ? 1 : 0))) }
    }

    @Test func lossesByHand() {
        let a: [Float] = [0.25, 0.75, 0.5, 0.5]
        let ce = Cost.crossEntropy.totalLoss(outputs: a, labels: [1, 0][...], rows: 2, columns: 2)
        #expect(isClose(ce.loss, -Foundation.log(0.75) - Foundation.log(0.5), absolute: 1e-6))
        #expect(ce.correct == 2)  // ties go to the first class
        let q = Cost.quadratic.totalLoss(outputs: a, labels: [0, 0][...], rows: 2, columns: 2)
        let expected = 0.5 * (0.5625 + 0.5625) + 0.5 * (0.25 + 0.25)  // ½‖a − y‖² per row, summed
        #expect(isClose(q.loss, expected, absolute: 1e-6))
        #expect(q.correct == 1)
    }
}
