/// One finished epoch, as shown to the user after it.
public struct EpochReport: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The configured upper bound on epochs.
    public var maxEpochs: Int
    /// Mean cost over the epoch's mini-batches (weights change during the epoch).
    public var trainingLoss: Double
    /// Fraction of training examples classified correctly during the epoch.
    public var trainingAccuracy: Double
    /// Mean cost on the validation part after the epoch; `nil` without validation.
    public var validationLoss: Double?
    /// Fraction of validation examples classified correctly after the epoch; `nil` without validation.
    public var validationAccuracy: Double?
    /// Training throughput of the epoch (examples per second of forward + backward + update).
    public var samplesPerSecond: Double
    /// Whether this epoch's weights are the best so far (highest validation accuracy, lower
    /// validation loss breaking ties; the last epoch without validation).
    public var isBest: Bool
    /// Whether this epoch belongs to the refit on every image (after the epoch count was chosen).
    public var isRefit: Bool = false
}

/// Progress inside an epoch, sent every tenth of a second or so and after the last batch.
public struct BatchProgress: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The configured upper bound on epochs.
    public var maxEpochs: Int
    /// 1-based mini-batch number within the epoch.
    public var batch: Int
    /// Mini-batches per epoch, the last one possibly partial: `⌈training examples / batch size⌉`.
    public var batchCount: Int
    /// Running mean cost over the epoch so far.
    public var loss: Double
    /// Running training accuracy over the epoch so far.
    public var accuracy: Double
    /// Training throughput so far in this epoch.
    public var samplesPerSecond: Double
}

/// What training reports while it runs.
public enum TrainingEvent: Sendable {
    /// Progress inside an epoch.
    case batch(BatchProgress)
    /// An epoch finished (after validation).
    case epoch(EpochReport)
}

/// The outcome of training.
public struct TrainingResult: Sendable {
    /// The best-validation weights (the last epoch's without validation).
    public var network: Network
    /// What the model file records about the training (epochs, best epoch, accuracies, hyper-parameters).
    public var summary: TrainingSummary
    /// One report per epoch run (the refit's epochs last, marked `isRefit`).
    public var history: [EpochReport]
    /// `x = (b / 255 − mean) / deviation` that the network was trained with.
    public var standardization: InputStandardization
    /// The softmax temperature fitted on the validation images (1 without validation).
    public var temperature: Float
    /// `shouldStop` returned true (e.g. Ctrl-C): training ended early by request.
    public var wasInterrupted: Bool
    /// Early stopping ended training: `patience` epochs without a new best validation accuracy or loss.
    public var stoppedEarly: Bool
}

/// Trains a network on a dataset with mini-batch gradient descent and backpropagation.
///
/// 1. Split off a stratified validation part (`validationFraction`); fit the input
///    standardization on the training part (`InputStandardization(fitting:)`).
/// 2. Epochs of shuffled mini-batches (the last, partial batch included); per batch: the bytes
///    become inputs through the standardization, forward pass, cost, backpropagation (BP1–BP4),
///    one optimizer step. After each epoch the validation accuracy and loss; the best epoch is
///    the one with the highest validation accuracy, the lower loss breaking ties; training stops
///    after `patience` epochs without a new best.
/// 3. The softmax temperature is fitted on the validation images (`Trainer.fitTemperature`).
/// 4. With `refit`, a fresh network is trained on every image (training + validation, the
///    standardization fitted on all of them) for the best epoch count, and is the result.
///
/// Buffers are allocated once; the step allocates nothing. One `SeededGenerator(seed)` drives
/// initialisation, the split and shuffling, so the same data, seed and matrix engine (for
/// OpenBLAS also the thread count) give bit-identical weights. The products run on
/// `configuration.engine` with `configuration.threads` threads.
public struct Trainer: Sendable {
    /// The settings of every training this trainer runs.
    public var configuration: TrainingConfiguration

    /// A trainer with the given settings (checked when `train` starts).
    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// Trains a new network `[dataset.inputCount, hiddenLayers…, dataset.classCount]`.
    ///
    /// - Parameters:
    ///   - progress: receives `.batch` events about ten times a second and `.epoch` after each epoch.
    ///   - shouldStop: polled after every batch; when it returns true, the epoch is closed
    ///     (validated) and training returns the best weights so far with `wasInterrupted`.
    /// - Throws: `.invalidConfiguration` for a bad setting, `.unusableData` for an empty dataset
    ///   or fewer than two classes with examples, `.diverged` as soon as the loss is NaN or infinite.
    public func train(_ dataset: Dataset, progress: (TrainingEvent) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) throws(ClassifierError) -> TrainingResult {
        let c = configuration
        try c.validate()
        guard dataset.count > 0, dataset.inputCount > 0 else {
            throw .unusableData(reason: "there are no examples to train on")
        }
        guard dataset.classCount >= 2, Set(dataset.labels).count >= 2 else {
            throw .unusableData(reason: "training needs examples of at least two classes")
        }
        var generator = SeededGenerator(seed: c.seed)
        let network = Network(sizes: [dataset.inputCount] + c.hiddenLayers + [dataset.classCount],
                              hiddenActivation: c.activation, cost: c.cost, using: &generator)
        let (training, validation) = c.validationFraction > 0
            ? dataset.stratifiedSplit(validationFraction: c.validationFraction, using: &generator)
            : (dataset, dataset.subset([]))
        let standardization = c.standardization.fitted(on: training)
        var run = EpochLoop(configuration: c, network: network, training: training, validation: validation,
                            standardization: standardization, maxEpochs: c.maxEpochs)
        try run.run(using: &generator, progress: progress, shouldStop: shouldStop)

        let bestReport = run.history[run.bestIndex]
        var temperature: Float = 1
        if validation.count > 0 && c.cost == .crossEntropy && c.calibrate {
            temperature = Trainer.fitTemperature(run.best, on: validation, standardization: standardization)
        }
        var result = TrainingResult(
            network: run.best, summary: TrainingSummary(
                epochs: run.history.count, bestEpoch: bestReport.epoch, trainingAccuracy: bestReport.trainingAccuracy,
                validationAccuracy: bestReport.validationAccuracy, trainingExamples: training.count,
                validationExamples: validation.count, seed: c.seed, hyperparameters: c.hyperparameters),
            history: run.history, standardization: standardization, temperature: temperature,
            wasInterrupted: run.wasInterrupted, stoppedEarly: run.stoppedEarly)
        guard c.refit, validation.count > 0, !run.wasInterrupted else { return result }

        // The refit: every image, the chosen epoch count, a fresh network from the same generator.
        let everything = c.standardization.fitted(on: dataset)
        let fresh = Network(sizes: network.sizes, hiddenActivation: c.activation, cost: c.cost, using: &generator)
        var refit = EpochLoop(configuration: c, network: fresh, training: dataset, validation: dataset.subset([]),
                              standardization: everything, maxEpochs: bestReport.epoch, isRefit: true)
        try refit.run(using: &generator, progress: progress, shouldStop: shouldStop)
        result.network = refit.network
        result.standardization = everything
        result.history += refit.history
        result.summary.refitExamples = dataset.count
        result.summary.refitEpochs = refit.history.count
        result.wasInterrupted = refit.wasInterrupted
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return max(Double(s) + Double(attoseconds) * 1e-18, 1e-9)
    }
}
