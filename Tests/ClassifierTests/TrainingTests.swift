import Testing
@testable import Classifier

/// Serialized: `threadCountChangesAreSeenByBLAS` changes the process-wide BLAS thread count,
/// which must not happen in the middle of the determinism test.
@Suite(.serialized) struct TrainingTests {
    /// Two classes split by the line x = y, with a margin of 30 grey levels.
    static func separable(count: Int, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var (inputs, labels) = ([UInt8](), [Int]())
        while labels.count < count {
            let x = UInt8.random(in: 0 ... 255, using: &generator), y = UInt8.random(in: 0 ... 255, using: &generator)
            guard abs(Int(x) - Int(y)) >= 30 else { continue }
            inputs += [x, y]
            labels.append(x > y ? 1 : 0)
        }
        return Dataset(inputs: inputs, labels: labels, inputCount: 2, classCount: 2)
    }

    /// XOR of two bits (0 or 255), each of the four points repeated.
    static let xor = Dataset(inputs: Array(repeating: [0, 0, 0, 255, 255, 0, 255, 255] as [UInt8], count: 8).flatMap { $0 },
                             labels: Array(repeating: [0, 1, 1, 0], count: 8).flatMap { $0 }, inputCount: 2, classCount: 2)

    static func accuracy(_ network: Network, on dataset: Dataset) -> Double {
        let x = Matrix(rows: dataset.count, columns: dataset.inputCount, elements: dataset.inputs.map { Float($0) / 255 })
        let output = network.forward(x)
        let correct = (0 ..< dataset.count).filter { i in
            (0 ..< dataset.classCount).max { output[i, $0] < output[i, $1] } == dataset.labels[i]
        }
        return Double(correct.count) / Double(dataset.count)
    }

    @Test("a linearly separable set reaches 100 % training accuracy", arguments: [Cost.crossEntropy, .quadratic])
    func separableSetIsLearned(cost: Cost) throws {
        var configuration = TrainingConfiguration()
        configuration.cost = cost
        configuration.hiddenLayers = [8]
        configuration.validationFraction = 0
        configuration.maxEpochs = 60
        configuration.learningRate = 0.01
        let data = Self.separable(count: 200, seed: 3)
        let result = try Trainer(configuration: configuration).train(data)
        #expect(Self.accuracy(result.network, on: data) == 1)
        #expect(result.history.count == 60 && !result.stoppedEarly && !result.wasInterrupted)
    }

    @Test("XOR is learned with one hidden layer", arguments: [Activation.tanh, .relu, .sigmoid])
    func xorIsLearned(activation: Activation) throws {
        var configuration = TrainingConfiguration()
        configuration.activation = activation
        configuration.hiddenLayers = [8]
        configuration.validationFraction = 0
        configuration.batchSize = 4
        configuration.learningRate = 0.02
        configuration.maxEpochs = 200
        let result = try Trainer(configuration: configuration).train(Self.xor)
        #expect(Self.accuracy(result.network, on: Self.xor) == 1)
        #expect(try #require(result.history.last).trainingLoss < 0.1)
    }

    @Test("the same seed gives bit-identical weights; another seed differs", arguments: Optimizer.allCases)
    func determinism(optimizer: Optimizer) throws {
        var configuration = TrainingConfiguration()
        configuration.optimizer = optimizer
        configuration.maxEpochs = 3
        configuration.hiddenLayers = [16, 8]
        let data = Self.separable(count: 150, seed: 9)
        let first = try Trainer(configuration: configuration).train(data)
        let second = try Trainer(configuration: configuration).train(data)
        #expect(first.network == second.network)
        #expect(first.summary == second.summary)
        configuration.seed = 43
        let third = try Trainer(configuration: configuration).train(data)
        #expect(first.network != third.network)
    }

    /// 344 examples of 300 random bytes, labelled by which of the first two is larger: wide
    /// enough that the products of a batch of 256 are split across threads.
    static func wide(seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        let inputs = (0 ..< 344 * 300).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let labels = (0 ..< 344).map { inputs[$0 * 300] > inputs[$0 * 300 + 1] ? 1 : 0 }
        return Dataset(inputs: inputs, labels: labels, inputCount: 300, classCount: 2)
    }

    /// Three epochs of batches of 256 with a last, partial batch of 344 − 256 = 88 rows.
    static func engineConfiguration(_ optimizer: Optimizer, engine: MatrixEngine, threads: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.optimizer = optimizer
        configuration.maxEpochs = 3
        configuration.hiddenLayers = [200, 8]
        configuration.batchSize = 256
        configuration.validationFraction = 0
        configuration.engine = engine
        configuration.threads = threads
        return configuration
    }

    @Test("same seed and engine give bit-identical weights run to run, on every engine at 2 threads", arguments: engines)
    func engineDeterminism(engine: MatrixEngine) throws {
        let configuration = Self.engineConfiguration(.adam, engine: engine, threads: 2)
        let data = Self.wide(seed: 11)
        let first = try Trainer(configuration: configuration).train(data)
        let second = try Trainer(configuration: configuration).train(data)
        #expect(first.network == second.network)
        #expect(first.summary == second.summary)
    }

    @Test("the built-in kernel trains the same bits on 1 and 2 threads", arguments: Optimizer.allCases)
    func builtinThreadInvariance(optimizer: Optimizer) throws {
        let data = Self.wide(seed: 11)
        let one = try Trainer(configuration: Self.engineConfiguration(optimizer, engine: .builtin, threads: 1)).train(data)
        let two = try Trainer(configuration: Self.engineConfiguration(optimizer, engine: .builtin, threads: 2)).train(data)
        #expect(one.network == two.network)
    }

    @Test("every engine trains the same weights up to rounding", arguments: engines)
    func enginesAgree(engine: MatrixEngine) throws {
        let data = Self.wide(seed: 11)
        let reference = try Trainer(configuration: Self.engineConfiguration(.sgd, engine: .builtin, threads: 1)).train(data)
        let other = try Trainer(configuration: Self.engineConfiguration(.sgd, engine: engine, threads: 2)).train(data)
        for (a, b) in zip(reference.network.layers, other.network.layers) {
            for (x, y) in zip(a.weights.elements + a.biases, b.weights.elements + b.biases) {
                #expect(isClose(x, y, absolute: 1e-4, relative: 1e-3), "\(x) vs \(y)")
            }
        }
    }

    @Test func hugeLearningRateThrowsDiverged() {
        var configuration = TrainingConfiguration()
        configuration.optimizer = .sgd
        configuration.learningRate = 1e30
        configuration.cost = .quadratic
        configuration.maxEpochs = 5
        #expect(throws: ClassifierError.diverged(epoch: 1, learningRate: 1e30)) {
            try Trainer(configuration: configuration).train(Self.separable(count: 100, seed: 1))
        }
    }

    @Test func shouldStopInterruptsWithFiniteWeights() throws {
        var configuration = TrainingConfiguration()
        configuration.batchSize = 10
        var batches = 0
        var events = [TrainingEvent]()
        let result = try Trainer(configuration: configuration).train(Self.separable(count: 200, seed: 2),
                                                                     progress: { events.append($0) },
                                                                     shouldStop: { batches += 1; return batches == 5 })
        #expect(result.wasInterrupted && !result.stoppedEarly)
        #expect(batches == 5)
        #expect(result.history.count == 1 && result.summary.epochs == 1)
        #expect(result.network.isFinite)
        guard case .batch(let progress) = try #require(events.first) else { Issue.record("first event is not a batch"); return }
        #expect(progress.batch == 5 && progress.batchCount == 18)
    }

    @Test func earlyStoppingKeepsTheBestValidationWeights() throws {
        var configuration = TrainingConfiguration()
        configuration.patience = 2
        configuration.maxEpochs = 200
        configuration.learningRate = 0.05
        let result = try Trainer(configuration: configuration).train(Self.separable(count: 300, seed: 4))
        #expect(result.stoppedEarly)
        let best = try #require(result.history.first { $0.epoch == result.summary.bestEpoch })
        #expect(best.isBest)
        let losses = result.history.compactMap(\.validationLoss)
        #expect(best.validationLoss == losses.min())
        #expect(result.history.count == result.summary.bestEpoch + 2)
        #expect(result.summary.validationExamples == 30 && result.summary.trainingExamples == 270)
        #expect(result.summary.hyperparameters["learning_rate"] == "0.05")
    }

    /// The default configuration with one change.
    static func changed(_ change: (inout TrainingConfiguration) -> Void) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        change(&configuration)
        return configuration
    }

    @Test("invalid settings are refused with the setting named and a reason", arguments: [
        (.batchSize, changed { $0.batchSize = 0 }),
        (.hiddenLayers, changed { $0.hiddenLayers = [10, 0] }),
        (.hiddenLayers, changed { $0.hiddenLayers = [TrainingConfiguration.maximumHiddenWidth + 1] }),
        (.learningRate, changed { $0.learningRate = -1 }),
        (.learningRate, changed { $0.learningRate = .nan }),
        (.maxEpochs, changed { $0.maxEpochs = 0 }),
        (.patience, changed { $0.patience = 0 }),
        (.l2, changed { $0.l2 = -0.1 }),
        (.validationFraction, changed { $0.validationFraction = 1 }),
        (.validationFraction, changed { $0.validationFraction = 0.91 }),
        (.validationFraction, changed { $0.validationFraction = -0.1 }),
        (.activation, changed { $0.activation = .softmax }),
        (.threads, changed { $0.threads = 0 }),
    ] as [(TrainingConfiguration.Setting, TrainingConfiguration)])
    func invalidConfiguration(setting: TrainingConfiguration.Setting, configuration: TrainingConfiguration) {
        #expect(throws: Never.self) { try TrainingConfiguration().validate() }
        #expect {
            try configuration.validate()
        } throws: { error in
            guard case let .invalidConfiguration(refused, reason)? = error as? ClassifierError else { return false }
            return refused == setting && !reason.isEmpty
        }
    }

    @Test("the bounds themselves are allowed", arguments: [
        changed { $0.validationFraction = TrainingConfiguration.maximumValidationFraction },
        changed { $0.validationFraction = 0 },
        changed { $0.hiddenLayers = [1, TrainingConfiguration.maximumHiddenWidth] },
        changed { $0.hiddenLayers = [] },
    ])
    func boundsAreAllowed(configuration: TrainingConfiguration) {
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test("unusable data is refused", arguments: [
        Dataset(inputs: [], labels: [], inputCount: 2, classCount: 2),
        Dataset(inputs: [1, 2, 3, 4], labels: [1, 1], inputCount: 2, classCount: 2),
        Dataset(inputs: [1, 2], labels: [0], inputCount: 2, classCount: 1),
    ])
    func unusableData(dataset: Dataset) {
        #expect {
            try Trainer(configuration: TrainingConfiguration()).train(dataset)
        } throws: { error in
            guard case .unusableData? = error as? ClassifierError else { return false }
            return true
        }
    }
}
