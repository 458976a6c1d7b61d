import Foundation
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

    /// Accuracy of a training result on a dataset, its inputs through the result's standardization.
    static func accuracy(_ result: TrainingResult, on dataset: Dataset) -> Double {
        let x = Matrix(rows: dataset.count, columns: dataset.inputCount,
                       elements: result.standardization.inputs(fromBytes: dataset.inputs))
        let output = result.network.forward(x)
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
        #expect(Self.accuracy(result, on: data) == 1)
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
        #expect(Self.accuracy(result, on: Self.xor) == 1)
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

    /// The validation set `Trainer.train` holds out: the same generator, drawn in the same
    /// order (initialisation first, then the stratified split).
    static func validationSet(of data: Dataset, _ c: TrainingConfiguration) -> Dataset {
        var generator = SeededGenerator(seed: c.seed)
        _ = Network(sizes: [data.inputCount] + c.hiddenLayers + [data.classCount], hiddenActivation: c.activation,
                    cost: c.cost, using: &generator)
        return data.stratifiedSplit(validationFraction: c.validationFraction, using: &generator).validation
    }

    @Test("early stopping keeps the best epoch's weights", arguments: EpochSelection.allCases)
    func earlyStoppingKeepsTheBestValidationWeights(selection: EpochSelection) throws {
        var configuration = TrainingConfiguration()
        configuration.patience = 2
        configuration.maxEpochs = 200
        configuration.learningRate = 0.05
        configuration.selection = selection
        configuration.refit = false
        let data = Self.separable(count: 300, seed: 4)
        let result = try Trainer(configuration: configuration).train(data)
        #expect(result.stoppedEarly)
        let best = try #require(result.history.first { $0.epoch == result.summary.bestEpoch })
        #expect(best.isBest)
        let losses = result.history.compactMap(\.validationLoss)
        switch selection {
        case .loss:
            #expect(best.validationLoss == losses.min())
        case .calibratedLoss:
            let calibrated = result.history.compactMap(\.calibratedValidationLoss)
            #expect(calibrated.count == result.history.count && best.calibratedValidationLoss == calibrated.min())
            #expect(zip(calibrated, losses).allSatisfy { $0 <= $1 + 1e-6 }, "T = 1 is among the temperatures tried")
        case .accuracy:
            let top = result.history.compactMap(\.validationAccuracy).max()
            #expect(best.validationAccuracy == top)
            #expect(best.validationLoss == result.history.filter { $0.validationAccuracy == top }.compactMap(\.validationLoss).min())
        }
        #expect(result.history.count == result.summary.bestEpoch + 2)
        #expect(result.summary.validationExamples == 30 && result.summary.trainingExamples == 270)
        #expect(result.summary.hyperparameters["learning_rate"] == "0.05")
        // The returned network is the best epoch's, not the last: its loss on the held-out set
        // is the best epoch's loss, and differs from the last epoch's.
        let validation = Self.validationSet(of: data, configuration)
        #expect(validation.count == 30)
        var workspace = BackpropagationWorkspace(sizes: result.network.sizes, capacity: validation.count)
        let returned = result.network.evaluate(validation, standardization: result.standardization, workspace: &workspace)
        #expect(returned.loss == best.validationLoss)
        #expect(returned.loss != result.history.last?.validationLoss)
        #expect(returned.accuracy == best.validationAccuracy)
    }

    @Test func withoutValidationTheLastEpochIsKept() throws {
        var configuration = TrainingConfiguration()
        configuration.validationFraction = 0
        configuration.maxEpochs = 4
        configuration.hiddenLayers = [8]
        let data = Self.separable(count: 120, seed: 6)
        let four = try Trainer(configuration: configuration).train(data)
        #expect(four.summary.bestEpoch == 4 && four.summary.validationExamples == 0 && four.summary.validationAccuracy == nil)
        #expect(four.history.allSatisfy { $0.validationLoss == nil })
        configuration.maxEpochs = 5
        let five = try Trainer(configuration: configuration).train(data)
        #expect(five.summary.bestEpoch == 5 && five.network != four.network, "the 5th epoch's weights, even if its loss is worse")
    }

    /// Every default that README and `--help` promise, in one table (issue 10 may change them: update here).
    @Test func defaultsAreThoseTheREADMEPromises() {
        let c = TrainingConfiguration()
        #expect(c.hiddenLayers == [128])
        #expect(c.activation == .relu && c.cost == .crossEntropy && c.optimizer == .adam)
        #expect(c.learningRate == nil && c.effectiveLearningRate == 0.001)
        #expect(c.batchSize == 32 && c.maxEpochs == 100 && c.patience == 25)
        #expect(c.standardization == .image && c.selection == .calibratedLoss && !c.refit && c.schedule == .constant)
        #expect(c.augmentation == Augmentation(shift: true, flipWhenSymmetric: true) && c.averageWeights && c.calibrate && c.classWeight == .auto)
        #expect(c.l2 == 1e-4 && c.validationFraction == 0.1 && c.seed == 42 && c.threads == 1)
        #expect(MirrorSymmetry.significance == 3 && MirrorSymmetry.minimumEffect == 0.02 && MirrorSymmetry.minimumImages == 50)
        let rates: [(Optimizer, Float)] = [(.adam, 0.001), (.momentum, 0.01), (.sgd, 0.1)]
        for (optimizer, rate) in rates { #expect(optimizer.defaultLearningRate == rate, "\(optimizer)") }
        #expect(Optimizer.momentumCoefficient == 0.9)
        #expect(Optimizer.adamBeta1 == 0.9 && Optimizer.adamBeta2 == 0.999 && Optimizer.adamEpsilon == 1e-8)
    }

    @Test func refitTrainsOnEveryImageForTheBestEpochCount() throws {
        var configuration = TrainingConfiguration()
        configuration.patience = 2
        configuration.learningRate = 0.05
        configuration.standardization = .perInput
        configuration.refit = true
        let data = Self.separable(count: 300, seed: 4)
        let result = try Trainer(configuration: configuration).train(data)
        let refit = result.history.filter(\.isRefit)
        #expect(refit.count == result.summary.bestEpoch && result.summary.refitEpochs == refit.count)
        #expect(result.summary.refitExamples == 300 && refit.allSatisfy { $0.validationLoss == nil })
        #expect(result.standardization == InputStandardization(fitting: data))
        #expect(result.temperature > 0 && result.temperature != 1)
    }

    @Test("auto balances only when the largest class has over 3× the smallest's examples", arguments: [
        ([10, 3], true), ([9, 3], false), ([1, 1], false), ([40, 0, 13], true), ([40, 0, 14], false),
    ])
    func autoClassWeight(counts: [Int], balances: Bool) {
        let labels = counts.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
        let data = Dataset(inputs: [UInt8](repeating: 0, count: labels.count), labels: labels, inputCount: 1, classCount: counts.count)
        #expect(ClassWeighting.auto.balances(data) == balances)
        #expect(ClassWeighting.balanced.balances(data) && !ClassWeighting.none.balances(data))
    }

    @Test func balancedClassWeightSamplesEveryClassEquallyOften() {
        var generator = SeededGenerator(seed: 5)
        // 9 examples, two classes with examples (7 and 2): ⌈9 / 2⌉ = 5 from each per epoch.
        var sampler = BalancedSampler(byClass: [[0, 1, 2, 3, 4, 5, 6], [7, 8], []], exampleCount: 9)
        #expect(sampler.perClass == 5 && sampler.epochLength == 10)
        let epochs = (0 ..< 7).map { _ in sampler.nextEpoch(using: &generator) }
        #expect(epochs.allSatisfy { $0.count == 10 && $0.prefix(5).allSatisfy { $0 < 7 } && $0.suffix(5).allSatisfy { $0 >= 7 } })
        // Each class's draws are whole shuffled cycles: over 35 draws from 7 examples each is drawn
        // 5 times, and every cycle (each run of 7) holds all seven once.
        let large = epochs.flatMap { $0.prefix(5) }
        #expect(stride(from: 0, to: 35, by: 7).allSatisfy { Set(large[$0 ..< $0 + 7]) == Set(0 ..< 7) })
        let small = epochs.flatMap { $0.suffix(5) }
        #expect(stride(from: 0, to: 34, by: 2).allSatisfy { Set(small[$0 ..< $0 + 2]) == [7, 8] })
        // The cycles are shuffled: the large class does not come out in index order every time.
        #expect(stride(from: 0, to: 35, by: 7).contains { !large[$0 ..< $0 + 7].elementsEqual(0 ..< 7) })
    }

    /// Inputs that say nothing (every example the same byte) leave the network only the classes'
    /// frequencies to learn: cross-entropy is lowest at the frequency each class is sampled with.
    /// 90 : 10 examples: about 0.1 for the small class unbalanced, about 0.5 when the training loop
    /// really samples the classes equally often.
    @Test("balanced class weighting makes the training loop sample the classes equally often",
          arguments: [(ClassWeighting.none, 0.0 ... 0.2), (.balanced, 0.4 ... 0.6), (.auto, 0.4 ... 0.6)])
    func balancedTrainingLearnsEqualPriors(weighting: ClassWeighting, expected: ClosedRange<Double>) throws {
        let labels = Array(repeating: 0, count: 90) + Array(repeating: 1, count: 10)
        let data = Dataset(inputs: [UInt8](repeating: 128, count: labels.count), labels: labels, inputCount: 1, classCount: 2)
        let configuration = Self.changed {
            ($0.classWeight, $0.hiddenLayers, $0.validationFraction) = (weighting, [4], 0)
            ($0.labelSmoothing, $0.maxEpochs, $0.learningRate) = (0, 40, 0.01)
        }
        let result = try Trainer(configuration: configuration).train(data)
        let z = result.network.logits(result.standardization.inputs(of: data.subset([0]))).elements
        let smallClass = 1 / (1 + exp(Double(z[0] - z[1])))
        #expect(expected.contains(smallClass), "p(class 1) = \(smallClass) with \(weighting)")
    }

    /// The default configuration with one change.
    static func changed(_ change: (inout TrainingConfiguration) -> Void) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        change(&configuration)
        return configuration
    }

    @Test("invalid settings are refused with the setting named and a reason", arguments: [
        (.batchSize, changed { $0.batchSize = 0 }, "batch size 0 must be at least 1"),
        (.hiddenLayers, changed { $0.hiddenLayers = [10, 0] }, "hidden layer width 0 is not allowed; every hidden layer needs 1 to "),
        (.hiddenLayers, changed { $0.hiddenLayers = [TrainingConfiguration.maximumHiddenWidth + 1] },
         "hidden layer width \(TrainingConfiguration.maximumHiddenWidth + 1) is not allowed"),
        (.learningRate, changed { $0.learningRate = -1 }, "learning rate -1.0 must be a positive number (e.g. 0.001)"),
        (.learningRate, changed { $0.learningRate = .nan }, "learning rate nan must be a positive number"),
        (.maxEpochs, changed { $0.maxEpochs = 0 }, "epochs 0 must be at least 1"),
        (.patience, changed { $0.patience = 0 }, "patience 0 must be at least 1 epoch"),
        (.l2, changed { $0.l2 = -0.1 }, "L2 weight decay -0.1 must be 0 or a positive number"),
        (.validationFraction, changed { $0.validationFraction = 1 }, "validation split 1.0 must be between 0 and "),
        (.validationFraction, changed { $0.validationFraction = 0.91 }, "validation split 0.91 must be between 0 and "),
        (.validationFraction, changed { $0.validationFraction = -0.1 }, "validation split -0.1 must be between 0 and "),
        (.activation, changed { $0.activation = .softmax }, "softmax cannot be a hidden activation; please choose"),
        (.threads, changed { $0.threads = 0 }, "threads 0 must be at least 1"),
    ] as [(TrainingConfiguration.Setting, TrainingConfiguration, String)])
    func invalidConfiguration(setting: TrainingConfiguration.Setting, configuration: TrainingConfiguration, reason expected: String) {
        #expect(throws: Never.self) { try TrainingConfiguration().validate() }
        #expect {
            try configuration.validate()
        } throws: { error in
            guard case let .invalidConfiguration(refused, reason)? = error as? ClassifierError else { return false }
            return refused == setting && reason.hasPrefix(expected)
        }
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
