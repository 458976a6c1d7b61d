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
    /// Whether this epoch's weights are the best so far (lowest validation loss, or the last epoch without validation).
    public var isBest: Bool
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
    /// One report per epoch run.
    public var history: [EpochReport]
    /// `shouldStop` returned true (e.g. Ctrl-C): training ended early by request.
    public var wasInterrupted: Bool
    /// Early stopping ended training: `patience` epochs without a new best validation loss.
    public var stoppedEarly: Bool
}

/// Trains a network on a dataset with mini-batch gradient descent and backpropagation.
///
/// Epochs of shuffled mini-batches (the last, partial batch included); per batch: the bytes are
/// converted to `x = value / 255`, forward pass, cost, backpropagation (BP1–BP4), one optimizer
/// step. Buffers are allocated once; the step allocates nothing. One `SeededGenerator(seed)`
/// drives initialisation, the split and shuffling, so the same data, seed and matrix engine
/// (for OpenBLAS also the thread count) give bit-identical weights. The products run on
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
        let learningRate = c.effectiveLearningRate
        var generator = SeededGenerator(seed: c.seed)
        var network = Network(sizes: [dataset.inputCount] + c.hiddenLayers + [dataset.classCount],
                              hiddenActivation: c.activation, cost: c.cost, using: &generator)
        let (training, validation) = c.validationFraction > 0
            ? dataset.stratifiedSplit(validationFraction: c.validationFraction, using: &generator)
            : (dataset, dataset.subset([]))
        let hasValidation = validation.count > 0

        let m = min(c.batchSize, training.count)
        let (inputs, classes) = (dataset.inputCount, dataset.classCount)
        // Both cores go to the matrix products (`c.threads` threads inside each), not to shards
        // of the batch: see `TrainingConfiguration.threads`.
        var workspace = BackpropagationWorkspace(sizes: network.sizes, capacity: m, engine: c.engine, threads: c.threads)
        var optimizer = OptimizerState(optimizer: c.optimizer, learningRate: learningRate, l2: c.l2, network: network)
        var order = Array(0 ..< training.count)
        let batchCount = (training.count + m - 1) / m
        let clock = ContinuousClock()

        var best = network
        var bestLoss = Double.infinity
        var bestIndex = 0
        var history = [EpochReport]()
        var epochsWithoutImprovement = 0
        var (wasInterrupted, stoppedEarly) = (false, false)

        for epoch in 1 ... c.maxEpochs {
            Dataset.shuffle(&order, using: &generator)
            let start = clock.now
            var lastProgress = start
            var (lossSum, correct, seen) = (0.0, 0, 0)
            for batch in 0 ..< batchCount {
                let range = batch * m ..< min((batch + 1) * m, training.count)
                let rows = range.count
                for (i, index) in order[range].enumerated() { workspace.labels[i] = training.labels[index] }
                Kernels.gatherScaledBytes(training.inputs, indices: order[range], columns: inputs, into: &workspace.x)
                network.forward(rows: rows, workspace: &workspace)
                let (loss, ok) = c.cost.totalLoss(outputs: workspace.output, labels: workspace.labels[..<rows],
                                                  rows: rows, columns: classes)
                guard loss.isFinite else { throw .diverged(epoch: epoch, learningRate: learningRate) }
                if c.optimizer == .sgd {  // fast path: BP4 and the step in one sgemm
                    network.backwardWithGradientDescent(labels: workspace.labels[..<rows], rows: rows,
                                                        learningRate: learningRate, l2: c.l2, workspace: &workspace)
                } else {
                    network.backward(labels: workspace.labels[..<rows], rows: rows, workspace: &workspace)
                    optimizer.update(&network, with: workspace)
                }
                (lossSum, correct, seen) = (lossSum + loss, correct + ok, seen + rows)

                let stop = shouldStop()
                let now = clock.now
                if stop || batch == batchCount - 1 || now - lastProgress >= .milliseconds(100) {
                    lastProgress = now
                    progress(.batch(BatchProgress(
                        epoch: epoch, maxEpochs: c.maxEpochs, batch: batch + 1, batchCount: batchCount,
                        loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                        samplesPerSecond: Double(seen) / Trainer.seconds(now - start))))
                }
                if stop { wasInterrupted = true; break }
            }
            let samplesPerSecond = Double(seen) / Trainer.seconds(clock.now - start)
            guard network.isFinite else { throw .diverged(epoch: epoch, learningRate: learningRate) }

            var report = EpochReport(epoch: epoch, maxEpochs: c.maxEpochs, trainingLoss: lossSum / Double(seen),
                                     trainingAccuracy: Double(correct) / Double(seen), validationLoss: nil,
                                     validationAccuracy: nil, samplesPerSecond: samplesPerSecond, isBest: true)
            if hasValidation {
                let (loss, accuracy) = network.evaluate(validation, workspace: &workspace)
                guard loss.isFinite else { throw .diverged(epoch: epoch, learningRate: learningRate) }
                report.validationLoss = loss
                report.validationAccuracy = accuracy
                report.isBest = loss < bestLoss
            }
            if report.isBest {
                best = network
                bestLoss = report.validationLoss ?? report.trainingLoss
                bestIndex = history.count
                epochsWithoutImprovement = 0
            } else {
                epochsWithoutImprovement += 1
            }
            history.append(report)
            progress(.epoch(report))
            if wasInterrupted { break }
            if hasValidation && epochsWithoutImprovement >= c.patience { stoppedEarly = true; break }
        }

        let bestReport = history[bestIndex]
        let summary = TrainingSummary(
            epochs: history.count, bestEpoch: bestReport.epoch, trainingAccuracy: bestReport.trainingAccuracy,
            validationAccuracy: bestReport.validationAccuracy, trainingExamples: training.count,
            validationExamples: validation.count, seed: c.seed, hyperparameters: c.hyperparameters)
        return TrainingResult(network: best, summary: summary, history: history,
                              wasInterrupted: wasInterrupted, stoppedEarly: stoppedEarly)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return max(Double(s) + Double(attoseconds) * 1e-18, 1e-9)
    }
}

extension Network {
    /// Mean cost and accuracy on a dataset, in batches through `workspace` (no allocation per batch).
    func evaluate(_ dataset: Dataset, workspace w: inout BackpropagationWorkspace) -> (loss: Double, accuracy: Double) {
        guard dataset.count > 0 else { return (0, 0) }
        let order = Array(0 ..< dataset.count)
        var (loss, correct) = (0.0, 0)
        var start = 0
        while start < dataset.count {
            let range = start ..< min(start + w.capacity, dataset.count)
            Kernels.gatherScaledBytes(dataset.inputs, indices: order[range], columns: dataset.inputCount, into: &w.x)
            forward(rows: range.count, workspace: &w)
            let batch = cost.totalLoss(outputs: w.output, labels: dataset.labels[range], rows: range.count,
                                       columns: dataset.classCount)
            loss += batch.loss
            correct += batch.correct
            start = range.upperBound
        }
        return (loss / Double(dataset.count), Double(correct) / Double(dataset.count))
    }
}
