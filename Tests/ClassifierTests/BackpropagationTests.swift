import Foundation
import Testing
@testable import Classifier

@Suite struct BackpropagationTests {
    /// The oracle: the batch-mean cost computed naively in Double (`ReferenceNetwork`).
    static func referenceLoss(_ network: Network, inputs: Matrix, labels: [Int]) -> Double {
        ReferenceNetwork(network).loss(inputs: inputs, labels: labels)
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

    /// `(J(θ + h) − J(θ − h)) / 2h` for the parameter `perturb` moves, `h = 1e-6`, in Double.
    static func centralDifference(_ reference: ReferenceNetwork, _ perturb: (inout ReferenceNetwork, Double) -> Void,
                                  loss: (ReferenceNetwork) -> Double) -> Double {
        let h = 1e-6
        var plus = reference, minus = reference
        perturb(&plus, h)
        perturb(&minus, -h)
        return (loss(plus) - loss(minus)) / (2 * h)
    }

    @Test("BP1–BP4 gradients equal central finite differences (two hidden layers)", arguments: cases)
    func gradientMatchesFiniteDifferences(c: Case) {
        let network = Self.network(c, seed: 11)
        let inputs = Matrix(rows: 5, columns: 4, elements: randomFloats(20, scale: 1.5, seed: 12))
        let labels = [0, 2, 1, 2, 0]
        let analytic = network.gradients(inputs: inputs, labels: labels)
        #expect(isClose(analytic.loss, Self.referenceLoss(network, inputs: inputs, labels: labels), absolute: 1e-5, relative: 1e-4))

        // Central differences of the Double oracle with Double parameters: h = 1e-6 gives a
        // truncation error ~h²·J‴ ≈ 1e-12 and a rounding error ~1e-16/h ≈ 1e-10, far below the
        // Float gradient's own error (~1e-7 relative). So the tolerance is the gradient-check
        // standard: relative error ≤ 1e-4, with an absolute floor of 1e-7 (a few Float roundings
        // of terms of size 0.1) for gradients that are exactly 0 (dead ReLU units).
        let reference = ReferenceNetwork(network)
        func numeric(_ perturb: (inout ReferenceNetwork, Double) -> Void) -> Double {
            Self.centralDifference(reference, perturb) { $0.loss(inputs: inputs, labels: labels) }
        }
        var worst = 0.0
        func check(_ actual: Double, _ expected: Double, _ what: String) {
            let error = abs(actual - expected) / max(abs(actual), abs(expected), 1e-3)
            worst = max(worst, error)
            #expect(isClose(actual, expected, absolute: 1e-7, relative: 1e-4), "\(what): \(actual) vs \(expected)")
        }
        var nonZero = 0
        for l in network.layers.indices {
            for i in network.layers[l].weights.elements.indices {
                let expected = numeric { $0.layers[l].weights[i] += $1 }
                check(Double(analytic.weights[l].elements[i]), expected, "∂J/∂W layer \(l) element \(i)")
                if abs(expected) > 1e-4 { nonZero += 1 }
            }
            for i in network.layers[l].biases.indices {
                check(Double(analytic.biases[l][i]), numeric { $0.layers[l].biases[i] += $1 }, "∂J/∂b layer \(l) element \(i)")
            }
        }
        #expect(nonZero > network.parameterCount / 3, "the check is not vacuous: most gradients are non-zero")
        #expect(worst < 1e-4, "worst relative error \(worst)")
    }

    @Test("with dropout, BP1–BP4 give the finite differences of the masked network's cost",
          arguments: ActivationTests.elementwise)
    func dropoutGradientMatchesFiniteDifferences(activation: Activation) {
        let network = Self.network(Case(activation: activation, cost: .crossEntropy), seed: 13)
        let (rows, p) = (6, Float(0.4))
        let inputs = Matrix(rows: rows, columns: 4, elements: randomFloats(24, scale: 1.5, seed: 14))
        let labels = [0, 2, 1, 2, 0, 1]
        var workspace = BackpropagationWorkspace(sizes: network.sizes, capacity: 8)
        workspace.x.replaceSubrange(0 ..< 24, with: inputs.elements)
        var generator = SeededGenerator(seed: 15)
        network.forward(rows: rows, workspace: &workspace, dropout: p, using: &generator)
        network.backward(labels: labels[...], rows: rows, workspace: &workspace)

        // The masks: every entry 0 or 1/(1 − p), some of each.
        let masks = workspace.masks
        #expect(masks.count == 2)
        let used = zip(masks, network.sizes.dropFirst()).flatMap { $0[..<(rows * $1)] }
        #expect(used.allSatisfy { $0 == 0 || $0 == 1 / (1 - p) } && used.contains(0) && used.contains { $0 > 0 })
        func rowMasks(_ i: Int) -> [[Double]] {
            zip(masks, network.sizes.dropFirst()).map { mask, n in mask[i * n ..< (i + 1) * n].map(Double.init) }
        }
        let reference = ReferenceNetwork(network)
        func numeric(_ perturb: (inout ReferenceNetwork, Double) -> Void) -> Double {
            Self.centralDifference(reference, perturb) { $0.loss(inputs: inputs, labels: labels, masks: rowMasks) }
        }
        var nonZero = 0
        for l in network.layers.indices {
            for i in network.layers[l].weights.elements.indices {
                let expected = numeric { $0.layers[l].weights[i] += $1 }
                let actual = Double(workspace.weightGradient[l][i])
                #expect(isClose(actual, expected, absolute: 1e-7, relative: 1e-4), "∂J/∂W layer \(l) element \(i): \(actual) vs \(expected)")
                if abs(expected) > 1e-4 { nonZero += 1 }
            }
            for i in network.layers[l].biases.indices {
                let expected = numeric { $0.layers[l].biases[i] += $1 }
                #expect(isClose(Double(workspace.biasGradient[l][i]), expected, absolute: 1e-7, relative: 1e-4), "∂J/∂b layer \(l) element \(i)")
            }
        }
        #expect(nonZero > network.parameterCount / 4, "the check is not vacuous")
        // The unmasked gradient differs: dropout changed what was differentiated.
        #expect(network.gradients(inputs: inputs, labels: labels).weights[0].elements != Array(workspace.weightGradient[0]))
        // An evaluation pass after it clears the masks for the next backward pass.
        network.forward(rows: rows, workspace: &workspace)
        #expect(!workspace.isMasked)
    }

    @Test("with label smoothing, BP1–BP4 give the finite differences of the cost with targets (1 − ε)·onehot + ε/K",
          arguments: cases)
    func labelSmoothingGradientMatchesFiniteDifferences(c: Case) {
        let network = Self.network(c, seed: 17)
        let ε = 0.2
        let inputs = Matrix(rows: 5, columns: 4, elements: randomFloats(20, scale: 1.5, seed: 18))
        let labels = [2, 0, 1, 1, 0]
        let analytic = network.gradients(inputs: inputs, labels: labels, smoothing: Float(ε))
        let reference = ReferenceNetwork(network)
        #expect(isClose(analytic.loss, reference.loss(inputs: inputs, labels: labels, smoothing: ε), absolute: 1e-5, relative: 1e-4))
        func numeric(_ perturb: (inout ReferenceNetwork, Double) -> Void) -> Double {
            Self.centralDifference(reference, perturb) { $0.loss(inputs: inputs, labels: labels, smoothing: ε) }
        }
        var nonZero = 0
        for l in network.layers.indices {
            for i in network.layers[l].weights.elements.indices {
                let expected = numeric { $0.layers[l].weights[i] += $1 }
                let actual = Double(analytic.weights[l].elements[i])
                #expect(isClose(actual, expected, absolute: 1e-7, relative: 1e-4), "∂J/∂W layer \(l) element \(i): \(actual) vs \(expected)")
                if abs(expected) > 1e-4 { nonZero += 1 }
            }
            for i in network.layers[l].biases.indices {
                let expected = numeric { $0.layers[l].biases[i] += $1 }
                #expect(isClose(Double(analytic.biases[l][i]), expected, absolute: 1e-7, relative: 1e-4), "∂J/∂b layer \(l) element \(i)")
            }
        }
        #expect(nonZero > network.parameterCount / 4, "the check is not vacuous")
        let plain = network.gradients(inputs: inputs, labels: labels)
        #expect(plain.biases.last != analytic.biases.last, "smoothing changed what was differentiated")
    }

    @Test("dropout drops about p of the hidden units and keeps the others scaled by 1/(1 − p)", arguments: [Float(0.1), 0.5, 0.9])
    func dropoutRate(p: Float) {
        var generator = SeededGenerator(seed: 16)
        let count = 40_000
        var a = [Float](repeating: 2, count: count), mask = [Float](repeating: -1, count: count)
        Kernels.dropOut(&a, mask: &mask, count: count, probability: p, using: &generator)
        let dropped = Double(mask.filter { $0 == 0 }.count) / Double(count)
        #expect(abs(dropped - Double(p)) < 0.015, "dropped \(dropped)")
        #expect(zip(a, mask).allSatisfy { $0 == 2 * $1 } && mask.allSatisfy { $0 == 0 || $0 == 1 / (1 - p) })
    }

    @Test("forward equals the naive Double forward; softmax rows sum to 1", arguments: cases)
    func forwardMatchesReference(c: Case) {
        let network = Self.network(c, seed: 21)
        let inputs = Matrix(rows: 3, columns: 4, elements: randomFloats(12, seed: 22))
        let output = network.forward(inputs)
        #expect(output.rows == 3 && output.columns == 3)
        let reference = ReferenceNetwork(network)
        for i in 0 ..< 3 {
            let expected = reference.output((0 ..< 4).map { Double(inputs[i, $0]) })
            for j in 0 ..< 3 {
                #expect(isClose(Double(output[i, j]), expected[j], absolute: 1e-6, relative: 1e-5), "row \(i) class \(j) (\(c.cost))")
            }
            if c.cost == .crossEntropy {
                #expect(isClose(output.elements[i * 3 ..< i * 3 + 3].reduce(0, +), 1, absolute: 1e-5))
            } else {
                #expect(output.elements[i * 3 ..< i * 3 + 3].allSatisfy { $0 > 0 && $0 < 1 }, "sigmoid outputs")
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
