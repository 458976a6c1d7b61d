import Testing
@testable import Classifier

@Suite struct EnsembleTests {
    static func members(_ sizes: [Int], count: Int, activation: Activation = .relu, seed: UInt64) -> [Network] {
        var generator = SeededGenerator(seed: seed)
        return (0 ..< count).map { k in
            var network = Network(sizes: sizes, hiddenActivation: activation, cost: .crossEntropy, using: &generator)
            for l in network.layers.indices {
                network.layers[l].biases = randomFloats(network.layers[l].biases.count, scale: 0.3, seed: seed + UInt64(10 * k + l))
            }
            return network
        }
    }

    @Test("the combined network's logits are the mean of the members' (naive Double reference)", arguments: [
        ([5, 4, 3], 3), ([5, 4, 6, 3], 2), ([5, 3], 4), ([7, 2, 2], 5),
    ])
    func logitsAreTheMembersMean(sizes: [Int], count: Int) {
        let members = Self.members(sizes, count: count, activation: .tanh, seed: UInt64(sizes.count * 10 + count))
        let combined = Network(averaging: members)
        let hidden = sizes.dropFirst().dropLast().map { $0 * count }
        #expect(combined.sizes == [sizes[0]] + hidden + [sizes.last ?? 0], "members side by side in the hidden layers")
        let inputs = Matrix(rows: 4, columns: sizes[0], elements: randomFloats(4 * sizes[0], scale: 1.5, seed: 3))
        let z = combined.logits(inputs)
        for i in 0 ..< inputs.rows {
            let x = (0 ..< inputs.columns).map { Double(inputs[i, $0]) }
            let expected = members.map { member -> [Double] in
                var linear = ReferenceNetwork(member)
                linear.layers[linear.layers.count - 1].activation = .identity
                return linear.output(x)
            }.reduce([Double](repeating: 0, count: sizes.last ?? 0)) { zip($0, $1).map { $0 + $1 } }.map { $0 / Double(count) }
            for j in expected.indices {
                #expect(isClose(Double(z[i, j]), expected[j], absolute: 1e-5, relative: 1e-5), "row \(i) class \(j)")
            }
        }
    }

    @Test("one member is returned unchanged")
    func oneMemberIsItself() {
        let member = Self.members([4, 3, 2], count: 1, seed: 9)[0]
        #expect(Network(averaging: [member]) == member)
    }

    /// Two classes of 16×16 images (AugmentationTests.bars).
    @Test("an ensemble trains its first network exactly as a single training does, then more, reproducibly")
    func trainingAnEnsemble() throws {
        var configuration = TrainingConfiguration()
        (configuration.maxEpochs, configuration.hiddenLayers) = (6, [8])
        let data = AugmentationTests.bars(count: 120)
        let single = try Trainer(configuration: configuration).train(data)
        configuration.ensemble = 3
        var events: [EpochReport] = []
        let ensemble = try Trainer(configuration: configuration).train(data, progress: { if case let .epoch(r) = $0 { events.append(r) } })
        let again = try Trainer(configuration: configuration).train(data)
        #expect(ensemble.network == again.network, "bit-reproducible")
        #expect(ensemble.network.sizes == [256, 24, 2])
        // Rows 0..<8 of the hidden layer are the first network's: the single training's best weights.
        let first = single.network.layers[0].weights.elements
        #expect(Array(ensemble.network.layers[0].weights.elements[..<first.count]) == first)
        #expect(Array(ensemble.network.layers[0].weights.elements[first.count...]) != first + first, "the others differ")
        #expect(Set(events.map(\.member)) == [1, 2, 3] && events.allSatisfy { $0.members == 3 })
        #expect(ensemble.history.count == events.count && ensemble.summary.epochs == events.count)
        #expect(ensemble.summary.hyperparameters["ensemble"] == "3")
        #expect(ensemble.summary.hyperparameters["ensemble_best_epochs"]?.split(separator: ",").count == 3)
        #expect(TrainingTests.accuracy(ensemble, on: data) > 0.9)
    }

    @Test("an ensemble cannot be refitted, continue a model, or have 0 or 17 networks")
    func refusals() throws {
        var configuration = TrainingConfiguration()
        (configuration.maxEpochs, configuration.hiddenLayers, configuration.ensemble) = (2, [4], 2)
        let data = AugmentationTests.bars(count: 20)
        let trained = try Trainer(configuration: configuration).train(data)
        for (ensemble, refit) in [(0, false), (17, false), (2, true)] {
            var bad = configuration
            (bad.ensemble, bad.refit) = (ensemble, refit)
            #expect(throws: ClassifierError.self) { try bad.validate() }
        }
        var single = configuration
        single.ensemble = 1
        single.hiddenLayers = [8]
        let start = TrainingStart(network: trained.network, summary: trained.summary, standardization: trained.standardization)
        configuration.hiddenLayers = [8]
        do {
            _ = try Trainer(configuration: configuration).train(data, from: start)
            Issue.record("continuing as an ensemble was accepted")
        } catch {
            guard case .invalidConfiguration(.ensemble, _) = error else { Issue.record("\(error)"); return }
        }
        _ = try Trainer(configuration: single).train(data, from: start)  // the combined network continues as one
    }
}

@Suite struct EnsembleMemoryTests {
    @Test("the memory estimate counts an ensemble's kept and combined networks, and dropout's masks", arguments: [
        (1, Float(0)), (2, 0), (16, 0.5),
    ])
    func estimate(ensemble: Int, dropout: Float) throws {
        var configuration = TrainingConfiguration()
        (configuration.hiddenLayers, configuration.ensemble, configuration.dropout, configuration.batchSize) = ([10], ensemble, dropout, 8)
        let estimate = configuration.memoryEstimate(examples: 100, inputs: 20, classes: 3)
        let parameters = 20 * 10 + 10 + 10 * 3 + 3
        #expect(estimate.network == (6 + 3 * (ensemble - 1)) * 4 * parameters, "Adam: 5 copies + the encoded one, + 3 per extra network")
        #expect(estimate.batch == (dropout > 0 ? 4 : 3) * 4 * 8 * (20 + 10 + 3))
        #expect(estimate.data == 2 * 100 * 20)
        // A size that fits as one network is refused as sixteen.
        var big = TrainingConfiguration()
        big.hiddenLayers = [1000]
        let memory = UInt64(big.memoryEstimate(examples: 10, inputs: 10_000, classes: 2).total) * 2
        try big.checkMemory(examples: 10, inputs: 10_000, classes: 2, physicalMemory: memory)
        big.ensemble = 16
        #expect(throws: ClassifierError.self) { try big.checkMemory(examples: 10, inputs: 10_000, classes: 2, physicalMemory: memory) }
    }
}
