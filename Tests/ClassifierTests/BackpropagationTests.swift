import Foundation
import Testing
@testable import Classifier

@Suite struct BackpropagationTests {
    /// The oracle: the batch-mean cost computed naively in Double, example by example,
    /// `sˡ = Wˡ aˡ⁻¹ + bˡ`, `aˡ = f(sˡ)`, softmax + cross-entropy or sigmoid + quadratic.
    static func referenceLoss(_ network: Network, inputs: Matrix, labels: [Int]) -> Double {
        var total = 0.0
        for i in 0 ..< inputs.rows {
            var a = (0 ..< inputs.columns).map { Double(inputs[i, $0]) }
            for layer in network.layers {
                var s = [Double](repeating: 0, count: layer.outputCount)
                for r in 0 ..< layer.outputCount {
                    s[r] = Double(layer.biases[r])
                    for c in 0 ..< layer.inputCount { s[r] += Double(layer.weights[r, c]) * a[c] }
                }
                switch layer.activation {
                case .sigmoid: a = s.map { 1 / (1 + Foundation.exp(-$0)) }
                case .tanh: a = s.map { Foundation.tanh($0) }
                case .relu: a = s.map { max(0, $0) }
                case .arctan: a = s.map { Foundation.atan($0) }
                case .identity: a = s
                case .softmax:
                    let e = s.map { Foundation.exp($0 - s.max()!) }
                    a = e.map { $0 / e.reduce(0, +) }
                }
            }
            switch network.cost {
            case .crossEntropy: total -= Foundation.log(a[labels[i]])
            case .quadratic:
                total += 0.5 * a.enumerated().map { ($1 - ($0 == labels[i] ? 1 : 0)) * ($1 - ($0 == labels[i] ? 1 : 0)) }.reduce(0, +)
            }
        }
        return total / Double(inputs.rows)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var activation: Activation, cost: Cost
        var testDescription: String { "\(activation) + \(cost)" }
    }

    static let cases: [Case] = ActivationTests.elementwise.flatMap { a in Cost.allCases.map { Case(activation: a, cost: $0) } }

    static func network(_ c: Case, seed: UInt64) -> Network {
        var generator = SeededGenerator(seed: seed)
        var network = Network(sizes: [4, 6, 5, 3], hiddenActivation: c.activation, cost: c.cost, using: &generator)
        // Non-zero biases so that BP3 is exercised away from the initial state.
        for l in network.layers.indices {
            network.layers[l].biases = randomFloats(network.layers[l].biases.count, scale: 0.3, seed: seed + UInt64(l))
        }
        return network
    }

    @Test("BP1–BP4 gradients equal central finite differences (two hidden layers)", arguments: cases)
    func gradientMatchesFiniteDifferences(c: Case) {
        let network = Self.network(c, seed: 11)
        let inputs = Matrix(rows: 5, columns: 4, elements: randomFloats(20, scale: 1.5, seed: 12))
        let labels = [0, 2, 1, 2, 0]
        let analytic = network.gradients(inputs: inputs, labels: labels)
        #expect(isClose(analytic.loss, Self.referenceLoss(network, inputs: inputs, labels: labels), absolute: 1e-5, relative: 1e-4))

        // Perturb each parameter by ±h. The oracle loss is Double but the weights are Float, so
        // h is a power of two: w ± h is exact in Float for |w| < 1.
        let h: Float = 1.0 / 1024
        func numeric(_ perturb: (inout Network, Float) -> Void) -> Double {
            var plus = network, minus = network
            perturb(&plus, h)
            perturb(&minus, -h)
            return (Self.referenceLoss(plus, inputs: inputs, labels: labels)
                    - Self.referenceLoss(minus, inputs: inputs, labels: labels)) / (2 * Double(h))
        }
        for l in network.layers.indices {
            for i in network.layers[l].weights.elements.indices {
                let expected = numeric { $0.layers[l].weights.elements[i] += $1 }
                let actual = Double(analytic.weights[l].elements[i])
                #expect(isClose(actual, expected, absolute: 1e-4, relative: 1e-3), "∂J/∂W layer \(l) element \(i)")
            }
            for i in network.layers[l].biases.indices {
                let expected = numeric { $0.layers[l].biases[i] += $1 }
                #expect(isClose(Double(analytic.biases[l][i]), expected, absolute: 1e-4, relative: 1e-3), "∂J/∂b layer \(l) element \(i)")
            }
        }
    }

    @Test("forward equals the naive Double forward; softmax rows sum to 1", arguments: cases)
    func forwardMatchesReference(c: Case) {
        let network = Self.network(c, seed: 21)
        let inputs = Matrix(rows: 3, columns: 4, elements: randomFloats(12, seed: 22))
        let output = network.forward(inputs)
        #expect(output.rows == 3 && output.columns == 3)
        for i in 0 ..< 3 {
            let row = Matrix(rows: 1, columns: 4, elements: Array(inputs.elements[i * 4 ..< i * 4 + 4]))
            // Per-class loss of the reference recovers each output: cross-entropy −ln aⱼ.
            if c.cost == .crossEntropy {
                #expect(isClose(output.elements[i * 3 ..< i * 3 + 3].reduce(0, +), 1, absolute: 1e-5))
                for j in 0 ..< 3 {
                    let a = Foundation.exp(-Self.referenceLoss(network, inputs: row, labels: [j]))
                    #expect(isClose(Double(output[i, j]), a, absolute: 1e-5, relative: 1e-4))
                }
            }
        }
    }

    @Test("SGD fast path (BP4 fused with the step) equals backward + separate step", arguments: [Float(0), 0.01])
    func fusedGradientDescentStep(l2: Float) {
        let c = Case(activation: .tanh, cost: .crossEntropy)
        let network = Self.network(c, seed: 31)
        let inputs = Matrix(rows: 6, columns: 4, elements: randomFloats(24, seed: 32))
        let labels = [0, 1, 2, 2, 1, 0]
        var workspace = BackpropagationWorkspace(sizes: network.sizes, capacity: 8)
        workspace.x.replaceSubrange(0 ..< 24, with: inputs.elements)

        var separate = network
        var optimizer = OptimizerState(optimizer: .sgd, learningRate: 0.5, l2: l2, network: network)
        separate.forward(rows: 6, workspace: &workspace)
        separate.backward(labels: labels[...], rows: 6, workspace: &workspace)
        optimizer.update(&separate, with: workspace)

        var fused = network
        fused.forward(rows: 6, workspace: &workspace)
        fused.backwardWithGradientDescent(labels: labels[...], rows: 6, learningRate: 0.5, l2: l2, workspace: &workspace)
        #expect(fused != network, "the step changed the weights")
        for (f, s) in zip(fused.layers, separate.layers) {
            for (x, y) in zip(f.weights.elements + f.biases, s.weights.elements + s.biases) {
                #expect(isClose(x, y, absolute: 1e-6, relative: 1e-5))
            }
        }
    }

    @Test("initialisation: shapes, zero biases, He bound for ReLU and Xavier otherwise", arguments: [Activation.relu, .tanh])
    func initialisation(activation: Activation) {
        var generator = SeededGenerator(seed: 5)
        let network = Network(sizes: [50, 30, 20, 4], hiddenActivation: activation, cost: .crossEntropy, using: &generator)
        #expect(network.sizes == [50, 30, 20, 4])
        #expect(network.layers.map(\.activation) == [activation, activation, .softmax])
        #expect(network.layers.allSatisfy { $0.biases.allSatisfy { $0 == 0 } })
        let first = network.layers[0].weights.elements
        let bound = activation == .relu ? (6.0 / 50).squareRoot() : (6.0 / 80).squareRoot()
        #expect(first.allSatisfy { abs(Double($0)) <= bound })
        #expect(first.map { abs(Double($0)) }.max()! > 0.9 * bound, "weights fill the range")
        #expect(network.parameterCount == 50 * 30 + 30 + 30 * 20 + 20 + 20 * 4 + 4)
    }
}
