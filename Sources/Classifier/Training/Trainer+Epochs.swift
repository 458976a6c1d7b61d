import Platform

/// The epoch loop of one training run: shuffled mini-batches, an optimizer step per batch,
/// validation after each epoch, the best epoch's weights kept, early stopping. Both cores go to
/// the matrix products (`configuration.threads` threads inside each, on `configuration.engine`).
struct EpochLoop {
    let c: TrainingConfiguration
    private(set) var network: Network
    let training: Dataset, validation: Dataset
    let standardization: InputStandardization
    /// Epochs to run in this loop.
    let maxEpochs: Int
    /// Epochs an earlier training ran (continued training): epochs are numbered after them and
    /// their shuffles are replayed first, so the batches go on where that training stopped.
    let completedEpochs: Int
    let isRefit: Bool
    /// Which network of an ensemble this loop trains (1-based), and of how many.
    let member: Int, members: Int

    private(set) var best: Network
    private(set) var bestIndex = 0
    private(set) var history = [EpochReport]()
    private(set) var wasInterrupted = false, stoppedEarly = false

    init(configuration: TrainingConfiguration, network: Network, training: Dataset, validation: Dataset,
         standardization: InputStandardization, maxEpochs: Int, completedEpochs: Int = 0, isRefit: Bool = false,
         member: Int = 1, members: Int = 1) {
        self.member = member
        self.members = members
        self.c = configuration
        self.network = network
        self.best = network
        self.training = training
        self.validation = validation
        self.standardization = standardization
        self.maxEpochs = maxEpochs
        self.completedEpochs = completedEpochs
        self.isRefit = isRefit
    }

    /// Runs up to `maxEpochs` epochs (numbered `completedEpochs + 1 …`); afterwards `best` holds
    /// the best epoch's weights
    /// (`network` the last epoch's).
    mutating func run(using generator: inout SeededGenerator, progress: (TrainingEvent) -> Void,
                      shouldStop: () -> Bool) throws(ClassifierError) {
        let learningRate = c.effectiveLearningRate
        let hasValidation = validation.count > 0
        let m = min(c.batchSize, training.count)
        let classes = training.classCount
        var workspace = BackpropagationWorkspace(sizes: network.sizes, capacity: m, engine: c.engine, threads: c.threads)
        var optimizer = OptimizerState(optimizer: c.optimizer, learningRate: learningRate, l2: c.l2, network: network)
        var order = Array(0 ..< training.count)
        var sampler = c.classWeight.balances(training)
            ? BalancedSampler(byClass: training.indicesByClass(), exampleCount: training.count) : nil
        if let sampler { order = Array(repeating: 0, count: sampler.epochLength) }
        let batchCount = (order.count + m - 1) / m
        // Augmented copies of a batch's images, gathered from here instead of `training.inputs`.
        let shape = training.imageShape.flatMap { c.augmentation.changes($0) ? $0 : nil }
        var augmented = [UInt8](repeating: 0, count: shape == nil ? 0 : m * training.inputCount)
        let batchRows = Array(0 ..< m)
        let clock = ContinuousClock()
        var (bestAccuracy, bestLoss, bestCriterion) = (-1.0, Double.infinity, Double.infinity)
        let calibrates = hasValidation && c.selection == .calibratedLoss && c.cost == .crossEntropy
        // The validation logits of each epoch, for its temperature fit (filled by the validation pass).
        var validationLogits: [Float]? = calibrates ? [Float](repeating: 0, count: validation.count * classes) : nil
        // Cosine decay over a run of known length (the refit): η_t = η · ½(1 + cos(π t / T)), t = steps taken.
        let decays = isRefit && c.schedule == .cosine
        let totalSteps = Double(maxEpochs * batchCount)
        var step = 0
        // The averaged weights (`averageWeights`): a half-life of about a third of an epoch's steps.
        var averaged = network
        let averageDecay = Float(pow(max(0.9, min(0.999, 1 - 2 / Double(batchCount))), 4))
        var epochsWithoutImprovement = 0

        let lastEpoch = completedEpochs + maxEpochs
        func nextOrder() {
            if sampler != nil { order = sampler!.nextEpoch(using: &generator) }
            Dataset.shuffle(&order, using: &generator)
        }
        for _ in 0 ..< completedEpochs { nextOrder() }

        for epoch in completedEpochs + 1 ... lastEpoch {
            nextOrder()
            let start = clock.now
            var lastProgress = start
            var (lossSum, correct, seen) = (0.0, 0, 0)
            for batch in 0 ..< batchCount {
                let range = batch * m ..< min((batch + 1) * m, order.count)
                let rows = range.count
                if decays {
                    optimizer.learningRate = learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / totalSteps)))
                }
                step += 1
                for (i, index) in order[range].enumerated() { workspace.labels[i] = training.labels[index] }
                if let shape {
                    c.augmentation.apply(to: training.inputs, rows: order[range], shape: shape, into: &augmented, using: &generator)
                    standardization.gather(augmented, rows: batchRows[..<rows], into: &workspace.x)
                } else {
                    standardization.gather(training.inputs, rows: order[range], into: &workspace.x)
                }
                network.forward(rows: rows, workspace: &workspace, dropout: c.dropout, using: &generator)
                let (loss, ok) = c.cost.totalLoss(outputs: workspace.output, labels: workspace.labels[..<rows],
                                                  rows: rows, columns: classes)
                guard loss.isFinite else { throw .diverged(epoch: epoch, learningRate: learningRate) }
                if c.optimizer == .sgd {  // fast path: BP4 and the step in one sgemm
                    network.backwardWithGradientDescent(labels: workspace.labels[..<rows], rows: rows,
                                                        smoothing: c.labelSmoothing, learningRate: optimizer.learningRate, l2: c.l2, workspace: &workspace)
                } else {
                    network.backward(labels: workspace.labels[..<rows], rows: rows, smoothing: c.labelSmoothing,
                                     workspace: &workspace)
                    optimizer.update(&network, with: workspace)
                }
                (lossSum, correct, seen) = (lossSum + loss, correct + ok, seen + rows)
                // Every fourth step (and the epoch's last) with β⁴ per update, a quarter of the work.
                if c.averageWeights && (step % 4 == 0 || batch == batchCount - 1) {
                    averaged.average(towards: network, decay: averageDecay)
                }

                let stop = shouldStop()
                let now = clock.now
                if stop || batch == batchCount - 1 || now - lastProgress >= .milliseconds(100) {
                    lastProgress = now
                    progress(.batch(BatchProgress(
                        epoch: epoch, maxEpochs: lastEpoch, batch: batch + 1, batchCount: batchCount,
                        loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                        samplesPerSecond: Double(seen) / Trainer.seconds(now - start), member: member, members: members)))
                }
                if stop { wasInterrupted = true; break }
            }
            let samplesPerSecond = Double(seen) / Trainer.seconds(clock.now - start)
            guard network.isFinite else { throw .diverged(epoch: epoch, learningRate: learningRate) }
            // What the epoch is judged by and may keep: the averaged weights, or the last step's.
            let judged = c.averageWeights ? averaged : network

            var report = EpochReport(epoch: epoch, maxEpochs: lastEpoch, trainingLoss: lossSum / Double(seen),
                                     trainingAccuracy: Double(correct) / Double(seen), validationLoss: nil,
                                     validationAccuracy: nil, samplesPerSecond: samplesPerSecond, isBest: true,
                                     isRefit: isRefit, member: member, members: members)
            if hasValidation {
                let (loss, accuracy) = judged.evaluate(validation, standardization: standardization, workspace: &workspace,
                                                       logits: &validationLogits)
                guard loss.isFinite else { throw .diverged(epoch: epoch, learningRate: learningRate) }
                report.validationLoss = loss
                report.validationAccuracy = accuracy
                if let z = validationLogits {
                    report.calibratedValidationLoss = Trainer.temperatureFit(
                        logits: Matrix(rows: validation.count, columns: classes, elements: z), labels: validation.labels).loss
                }
                report.isBest = c.selection == .accuracy ? accuracy > bestAccuracy || (accuracy == bestAccuracy && loss < bestLoss)
                    : (report.calibratedValidationLoss ?? loss) < bestCriterion
            }
            if report.isBest {
                best = judged
                (bestAccuracy, bestLoss) = (report.validationAccuracy ?? 0, report.validationLoss ?? report.trainingLoss)
                bestCriterion = report.calibratedValidationLoss ?? bestLoss
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
    }
}

extension Network {
    /// Polyak–Ruppert averaging with exponential weights: `θ̄ ← β θ̄ + (1 − β) θ` for every
    /// weight and bias `θ` of `network` (same sizes).
    mutating func average(towards network: Network, decay β: Float) {
        for l in layers.indices {
            Kernels.movingAverage(&layers[l].weights.elements, towards: network.layers[l].weights.elements, decay: β)
            Kernels.movingAverage(&layers[l].biases, towards: network.layers[l].biases, decay: β)
        }
    }

    /// Mean cost and accuracy on a dataset, in batches through `workspace` (no allocation per batch).
    func evaluate(_ dataset: Dataset, standardization: InputStandardization,
                  workspace: inout BackpropagationWorkspace) -> (loss: Double, accuracy: Double) {
        var none: [Float]? = nil
        return evaluate(dataset, standardization: standardization, workspace: &workspace, logits: &none)
    }

    /// `evaluate`, also copying the output layer's weighted sums `zᴸ` (the logits, `N × classes`)
    /// into `logits` when it is not `nil`: what the temperature fit needs, from the same forward pass.
    func evaluate(_ dataset: Dataset, standardization: InputStandardization, workspace: inout BackpropagationWorkspace,
                  logits: inout [Float]?) -> (loss: Double, accuracy: Double) {
        guard dataset.count > 0 else { return (0, 0) }
        let order = Array(0 ..< dataset.count)
        let k = dataset.classCount
        var (loss, correct) = (0.0, 0)
        var start = 0
        while start < dataset.count {
            let range = start ..< min(start + workspace.capacity, dataset.count)
            standardization.gather(dataset.inputs, rows: order[range], into: &workspace.x)
            forward(rows: range.count, workspace: &workspace)
            let batch = cost.totalLoss(outputs: workspace.output, labels: dataset.labels[range], rows: range.count,
                                       columns: k)
            loss += batch.loss
            correct += batch.correct
            if logits != nil, let z = workspace.s.last {
                logits![(range.lowerBound * k) ..< (range.upperBound * k)] = z[..<(range.count * k)]
            }
            start = range.upperBound
        }
        return (loss / Double(dataset.count), Double(correct) / Double(dataset.count))
    }
}

extension Dataset {
    /// The example indices of each class, in example order.
    func indicesByClass() -> [[Int]] {
        var byClass = [[Int]](repeating: [], count: classCount)
        for (i, label) in labels.enumerated() { byClass[label].append(i) }
        return byClass
    }
}
