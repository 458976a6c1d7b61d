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
    /// The validation loss at the temperature that minimises it (`Trainer.temperatureFit`): what
    /// `EpochSelection.calibratedLoss` ranks epochs by; `nil` under the other selections.
    public var calibratedValidationLoss: Double? = nil
    /// Fraction of validation examples classified correctly after the epoch; `nil` without validation.
    public var validationAccuracy: Double?
    /// Training throughput of the epoch (examples per second of forward + backward + update).
    public var samplesPerSecond: Double
    /// Whether this epoch's weights are the best so far by `TrainingConfiguration.selection`
    /// (always true without validation: the last epoch is the result).
    public var isBest: Bool
    /// Whether this epoch belongs to the refit on every image (after the epoch count was chosen).
    public var isRefit: Bool = false
    /// Which network of an ensemble (`TrainingConfiguration.ensemble`) this epoch trained, 1-based.
    public var member: Int = 1
    /// Networks in the ensemble (1 without one).
    public var members: Int = 1
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
    /// Which network of an ensemble is training (1-based), and of how many (1 without one).
    public var member: Int = 1, members: Int = 1
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
    /// `x = (b / 255 − mean) / deviation` that the network was trained with (with image centering,
    /// `centersEachImage`: the model file folds it into the first layer).
    public var standardization: InputStandardization
    /// The softmax temperature fitted on the validation images (1 without validation).
    public var temperature: Float
    /// `shouldStop` returned true (e.g. Ctrl-C): training ended early by request.
    public var wasInterrupted: Bool
    /// Early stopping ended training: `patience` epochs without a new best validation accuracy or loss.
    public var stoppedEarly: Bool
    /// The mirror-symmetry test that decided `auto-flip` on the training part (`nil` when none ran).
    public var mirrorSymmetry: MirrorSymmetry? = nil
}

/// Trains a network on a dataset with mini-batch gradient descent and backpropagation.
///
/// 1. Split off a stratified validation part (`validationFraction`); fit the input
///    standardization on the training part (`InputStandardization(fitting:)`).
/// 2. Epochs of shuffled mini-batches (the last, partial batch included, classes balanced when
///    `classWeight` says so); per batch: the bytes (augmented copies, `Augmentation`) become
///    inputs through the standardization, forward pass (hidden units dropped at random with
///    `dropout`), cost, backpropagation (BP1–BP4), one optimizer step, and every fourth step the
///    moving average of the weights. After each epoch
///    the judged weights (the average, or the last step's) are validated; the best epoch is chosen
///    by `selection` (default: the lowest validation loss at its fitted temperature); training
///    stops after `patience` epochs without a new best.
/// 3. The softmax temperature is fitted on augmented copies of the validation images (on the
///    images themselves when the augmentation changes nothing; `Trainer.fitTemperature`).
/// 4. With `refit`, a fresh network is trained on every image (training + validation, the
///    standardization fitted on all of them) for the best epoch count, and is the result.
/// 5. With `ensemble` N > 1 (no refit, no continuation), networks 2 … N are trained the same way
///    on the same split, each from fresh weights and shuffles drawn in turn from the generator,
///    and the result is their combination `Network(averaging:)` with a temperature fitted on it.
///
/// A continued training (`from: start`) keeps the start's standardization in every step, numbers
/// its epochs after `start.completedEpochs`, and its refit continues `start.network` on every image
/// up to the best epoch. The temperature is fitted again on validation (the weights changed);
/// without validation or calibration it stays the start's.
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

    /// Trains a new network `[dataset.inputCount, hiddenLayers…, dataset.classCount]`, or continues
    /// training `start.network` (same sizes, activation and cost) with epochs numbered after its.
    ///
    /// - Parameters:
    ///   - start: the weights to continue from; `nil` initialises fresh ones. The generator draws
    ///     the fresh weights either way and then skips `start.completedEpochs` shuffles, so with the
    ///     same data and seed the validation split is the earlier training's and the batches go on
    ///     where it stopped. Its input standardization is used instead of fitting a new one.
    ///   - progress: receives `.batch` events about ten times a second and `.epoch` after each epoch.
    ///   - shouldStop: polled after every batch; when it returns true, the epoch is closed
    ///     (validated) and training returns the best weights so far with `wasInterrupted`.
    /// - Throws: `.invalidConfiguration` for a bad setting, `.unusableData` for an empty dataset
    ///   or fewer than two classes with examples, `.diverged` as soon as the loss is NaN or infinite.
    public func train(_ dataset: Dataset, from start: TrainingStart? = nil, progress: (TrainingEvent) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) throws(ClassifierError) -> TrainingResult {
        var c = configuration
        try c.validate()
        guard dataset.count > 0, dataset.inputCount > 0 else {
            throw .unusableData(reason: "there are no examples to train on")
        }
        guard dataset.classCount >= 2, Set(dataset.labels).count >= 2 else {
            throw .unusableData(reason: "training needs examples of at least two classes")
        }
        if c.ensemble > 1 && start != nil {
            throw .invalidConfiguration(setting: .ensemble, reason: "an ensemble is trained from new weights; it cannot continue a model")
        }
        var generator = SeededGenerator(seed: c.seed)
        var network = Network(sizes: [dataset.inputCount] + c.hiddenLayers + [dataset.classCount],
                              hiddenActivation: c.activation, cost: c.cost, using: &generator)
        let completedEpochs = start?.completedEpochs ?? 0
        if let start {
            guard start.network.sizes == network.sizes, start.network.cost == c.cost,
                  zip(start.network.layers, network.layers).allSatisfy({ $0.activation == $1.activation }) else {
                let (from, to) = (start.network.sizes.map(String.init), network.sizes.map(String.init))
                throw .invalidConfiguration(setting: .hiddenLayers,
                                            reason: "the network to continue from (\(from.joined(separator: "-"))) does not match "
                    + "the configuration and data (\(to.joined(separator: "-")), \(c.activation.rawValue), \(c.cost.rawValue))")
            }
            network = start.network
        }
        let (training, validation) = c.validationFraction > 0
            ? dataset.stratifiedSplit(validationFraction: c.validationFraction, using: &generator)
            : (dataset, dataset.subset([]))
        // Continuing keeps the earlier model's standardization: its weights were trained on those inputs.
        let standardization = Self.continuing(start, mode: c.standardization) ?? c.standardization.fitted(on: training)
        // `auto-flip` is decided once, on the training part; the summary records what ran.
        let symmetry: MirrorSymmetry?
        (c.augmentation, symmetry) = c.augmentation.resolved(for: training)
        var run = EpochLoop(configuration: c, network: network, training: training, validation: validation,
                            standardization: standardization, maxEpochs: c.maxEpochs, completedEpochs: completedEpochs,
                            members: c.ensemble)
        try run.run(using: &generator, progress: progress, shouldStop: shouldStop)
        if c.ensemble > 1 {
            var result = try trainEnsemble(c, first: run, training: training, validation: validation, standardization: standardization,
                                     using: &generator, progress: progress, shouldStop: shouldStop)
            result.record(symmetry)
            return result
        }

        let bestReport = run.history[run.bestIndex]
        // A continued training keeps the earlier model's temperature unless it is refitted here.
        var temperature: Float = start?.temperature ?? 1
        if validation.count > 0 && c.cost == .crossEntropy && c.calibrate {
            temperature = Trainer.fitTemperature(run.best, on: validation, standardization: standardization,
                                                 augmentation: c.augmentation, seed: c.seed)
        }
        var hyperparameters = c.hyperparameters
        if completedEpochs > 0 { hyperparameters["continued_after_epoch"] = "\(completedEpochs)" }
        var result = TrainingResult(
            network: run.best, summary: TrainingSummary(
                epochs: completedEpochs + run.history.count, bestEpoch: bestReport.epoch, trainingAccuracy: bestReport.trainingAccuracy,
                validationAccuracy: bestReport.validationAccuracy, trainingExamples: training.count,
                validationExamples: validation.count, seed: c.seed, hyperparameters: hyperparameters),
            history: run.history, standardization: standardization, temperature: temperature,
            wasInterrupted: run.wasInterrupted, stoppedEarly: run.stoppedEarly)
        result.record(symmetry)
        guard c.refit, validation.count > 0, !run.wasInterrupted else { return result }

        // The refit: every image, the chosen epoch count, a fresh network from the same generator
        // (continuing: the start network and its standardization again, for the epochs after it).
        let everything = Self.continuing(start, mode: c.standardization) ?? c.standardization.fitted(on: dataset)
        let fresh = Network(sizes: network.sizes, hiddenActivation: c.activation, cost: c.cost, using: &generator)
        var refit = EpochLoop(configuration: c, network: start?.network ?? fresh, training: dataset,
                              validation: dataset.subset([]), standardization: everything,
                              maxEpochs: bestReport.epoch - completedEpochs, completedEpochs: completedEpochs, isRefit: true)
        try refit.run(using: &generator, progress: progress, shouldStop: shouldStop)
        result.network = refit.best
        result.standardization = everything
        result.history += refit.history
        result.summary.refitExamples = dataset.count
        result.summary.refitEpochs = completedEpochs + refit.history.count
        result.wasInterrupted = refit.wasInterrupted
        return result
    }

    /// The standardization a continued training keeps: the start's, with image centering again
    /// when the model was trained with it (its folded first layer sums every row to 0, so centring
    /// its inputs changes nothing it computes, and the steps stay as the first training's).
    static func continuing(_ start: TrainingStart?, mode: StandardizationMode) -> InputStandardization? {
        guard let standardization = start?.standardization else { return nil }
        return mode == .image && standardization.isIdentity ? .imageCentering(inputCount: standardization.inputCount) : standardization
    }

    /// Networks 2 … `ensemble` after the first (`first`), each from fresh weights drawn from
    /// `generator` on the same split and standardization, then combined by `Network(averaging:)`;
    /// the temperature is fitted on the combination. The summary's accuracies are the
    /// combination's (training images unaugmented); its best epoch is the first network's, the
    /// others' are listed under `ensemble_best_epochs`; `epochs` counts every network's epochs.
    private func trainEnsemble(_ c: TrainingConfiguration, first: EpochLoop, training: Dataset, validation: Dataset,
                               standardization: InputStandardization, using generator: inout SeededGenerator,
                               progress: (TrainingEvent) -> Void, shouldStop: () -> Bool) throws(ClassifierError) -> TrainingResult {
        var (members, bestEpochs, history) = ([first.best], [first.history[first.bestIndex].epoch], first.history)
        var (wasInterrupted, stoppedEarly) = (first.wasInterrupted, first.stoppedEarly)
        for k in 2 ... c.ensemble where !wasInterrupted {
            let fresh = Network(sizes: first.network.sizes, hiddenActivation: c.activation, cost: c.cost, using: &generator)
            var run = EpochLoop(configuration: c, network: fresh, training: training, validation: validation,
                                standardization: standardization, maxEpochs: c.maxEpochs, member: k, members: c.ensemble)
            try run.run(using: &generator, progress: progress, shouldStop: shouldStop)
            members.append(run.best)
            bestEpochs.append(run.history[run.bestIndex].epoch)
            history += run.history
            wasInterrupted = run.wasInterrupted
            stoppedEarly = stoppedEarly && run.stoppedEarly
        }
        let combined = Network(averaging: members)
        var workspace = BackpropagationWorkspace(sizes: combined.sizes, capacity: min(256, max(1, training.count)),
                                                 engine: c.engine, threads: c.threads)
        let trainingAccuracy = combined.evaluate(training, standardization: standardization, workspace: &workspace).accuracy
        let validationAccuracy = validation.count > 0
            ? combined.evaluate(validation, standardization: standardization, workspace: &workspace).accuracy : nil
        var temperature: Float = 1
        if validation.count > 0 && c.cost == .crossEntropy && c.calibrate {
            temperature = Trainer.fitTemperature(combined, on: validation, standardization: standardization,
                                                 augmentation: c.augmentation, seed: c.seed)
        }
        var hyperparameters = c.hyperparameters
        hyperparameters["ensemble_best_epochs"] = bestEpochs.map(String.init).joined(separator: ",")
        return TrainingResult(
            network: combined, summary: TrainingSummary(
                epochs: history.count, bestEpoch: bestEpochs[0], trainingAccuracy: trainingAccuracy,
                validationAccuracy: validationAccuracy, trainingExamples: training.count,
                validationExamples: validation.count, seed: c.seed, hyperparameters: hyperparameters),
            history: history, standardization: standardization, temperature: temperature,
            wasInterrupted: wasInterrupted, stoppedEarly: stoppedEarly)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return max(Double(s) + Double(attoseconds) * 1e-18, 1e-9)
    }
}

extension TrainingResult {
    /// Keeps the `auto-flip` test and records its largest `rₖ` as `mirror_asymmetry` (two decimals).
    mutating func record(_ symmetry: MirrorSymmetry?) {
        mirrorSymmetry = symmetry
        guard let symmetry else { return }
        let r = symmetry.largestSignificance
        summary.hyperparameters["mirror_asymmetry"] = r.isFinite ? "\((r * 100).rounded() / 100)" : "inf"
    }
}
