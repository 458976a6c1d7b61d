/// Every knob of training, with defaults that give a good model without flags: one ReLU hidden
/// layer of 128, softmax + cross-entropy towards labels smoothed by ε = 0.05, Adam, mini-batches of
/// 32, inputs centred on the training images' mean, training images shifted at random by up to
/// 1/14 of their size (and mirrored when they are mirror-symmetric), weights averaged
/// over the last steps, a stratified 10 % validation split, the best epoch by the validation loss
/// at its fitted temperature, early stopping after 25 epochs without a new best, a softmax
/// temperature fitted on the validation images, no refit, seed 42.
/// The choices are measured in `Benchmarks/accuracy.py` (see Benchmarks/README.md).
public struct TrainingConfiguration: Sendable, Equatable {
    /// Widths of the hidden layers, first to last (`--hidden 128,64`); may be empty (a linear classifier).
    public var hiddenLayers: [Int] = [128]
    /// `f` of every hidden layer (not softmax).
    public var activation: Activation = .relu
    /// The cost; it fixes the output activation.
    public var cost: Cost = .crossEntropy
    /// How gradients become steps.
    public var optimizer: Optimizer = .adam
    /// The learning rate `η`; `nil` uses `optimizer.defaultLearningRate`.
    public var learningRate: Float? = nil
    /// Examples per mini-batch `m`.
    public var batchSize: Int = 32
    /// Upper bound on epochs.
    public var maxEpochs: Int = 100
    /// Epochs without a new best validation loss before training stops early.
    public var patience: Int = 25
    /// L2 weight decay `λ` (adds `λ w` to weight gradients).
    public var l2: Float = 1e-4
    /// Dropout probability `p` of every hidden unit during training (inverted dropout: kept units
    /// are scaled by `1 / (1 − p)`, so prediction uses the weights as they are); 0 turns it off.
    public var dropout: Float = 0
    /// Label smoothing `ε`: the cost's targets are `(1 − ε)·onehot + ε/K` for `K` classes instead
    /// of one-hot, so no output is pushed towards a probability of exactly 1; 0 turns it off.
    /// The validation loss, the selection and the temperature use the plain labels.
    public var labelSmoothing: Float = 0.05
    /// Networks trained one after another on the same split, each from its own initial weights
    /// and shuffles (drawn in turn from the one generator), combined into one model whose logits
    /// are their mean (`Network(averaging:)`); 1 trains a single network.
    public var ensemble: Int = 1
    /// Fraction of each class held out for validation, in `[0, 0.9]`; 0 means no validation
    /// (no early stopping; the last epoch's weights are the result).
    public var validationFraction: Double = 0.1
    /// What computes the matrix products (`MatrixEngine.preferred()` picks OpenBLAS when it is
    /// installed); the default, the built-in kernel, needs nothing installed.
    public var engine: MatrixEngine = .builtin
    /// Threads of each matrix product (`--threads`). Training uses them inside the products
    /// rather than on shards of a mini-batch: shards of a batch of 64 are products too small to
    /// keep a core busy (figures in Benchmarks/README.md).
    public var threads: Int = 1
    /// Seed of the one generator behind initialisation, split and shuffling.
    public var seed: UInt64 = 42
    /// How inputs are standardised before the network (`InputStandardization`).
    public var standardization: StandardizationMode = .image
    /// What picks the best epoch on the validation images.
    public var selection: EpochSelection = .calibratedLoss
    /// After choosing the epoch count on the validation images, train a fresh network on every
    /// image for that many epochs and keep it (no effect without validation).
    public var refit = false
    /// Fit a softmax temperature on the validation images (cross-entropy only).
    public var calibrate = true
    /// The learning-rate schedule of the refit (constant during the validated run; reduce-on-plateau
    /// was measured there and dropped, see Benchmarks/README.md).
    public var schedule: LearningRateSchedule = .constant
    /// Random shifts (scales, flips) of the training images, per example and epoch (`Augmentation`):
    /// shifts, and flips when the training images are mirror-symmetric (`MirrorSymmetry`).
    public var augmentation = Augmentation(shift: true, flipWhenSymmetric: true)
    /// Judge and keep the exponential moving average of the weights (`θ̄ ← β⁴ θ̄ + (1 − β⁴) θ` after
    /// every fourth step and an epoch's last, `β = 1 − 2 / batches per epoch` within `[0.9, 0.999]`)
    /// instead of the last step's.
    public var averageWeights = true
    /// How the classes weigh in training: `.none` (as many as their examples) or `.balanced`
    /// (every class sampled equally often per epoch).
    public var classWeight: ClassWeighting = .auto

    /// All defaults.
    public init() {}

    /// The learning rate actually used: `learningRate ?? optimizer.defaultLearningRate`.
    public var effectiveLearningRate: Float { learningRate ?? optimizer.defaultLearningRate }

    /// A setting that `validate()` can reject (the command line maps each to its option).
    public enum Setting: String, Sendable, CaseIterable {
        case hiddenLayers, activation, learningRate, batchSize, threads, maxEpochs, patience, l2, dropout, labelSmoothing, ensemble
        case validationFraction
        /// The run as a whole: data and network together need more memory than the machine has.
        case memory
    }

    /// The widest hidden layer allowed: 2¹⁶ neurons.
    public static let maximumHiddenWidth = 65_536

    /// The most networks in an ensemble.
    public static let maximumEnsemble = 16

    /// The largest dropout probability: 0.9, so that a tenth of the hidden units still learn.
    public static let maximumDropout: Float = 0.9

    /// The largest label smoothing: 0.5, so that the label's target stays above every other's
    /// for any number of classes.
    public static let maximumLabelSmoothing: Float = 0.5

    /// The largest validation fraction: 0.9, so that at least a tenth of the data trains.
    public static let maximumValidationFraction = 0.9

    /// Checks every setting; this is the one place the bounds live.
    /// - Throws: `ClassifierError.invalidConfiguration` naming the setting and what is allowed.
    public func validate() throws(ClassifierError) {
        func invalid(_ setting: Setting, _ reason: String) -> ClassifierError {
            .invalidConfiguration(setting: setting, reason: reason)
        }
        if let width = hiddenLayers.first(where: { $0 < 1 || $0 > Self.maximumHiddenWidth }) {
            throw invalid(.hiddenLayers, "hidden layer width \(width) is not allowed; "
                + "every hidden layer needs 1 to \(Self.maximumHiddenWidth) neurons")
        }
        if !activation.isElementwise {
            throw invalid(.activation, "softmax cannot be a hidden activation; please choose sigmoid, tanh, relu, arctan or identity")
        }
        if let rate = learningRate, !(rate.isFinite && rate > 0) {
            throw invalid(.learningRate, "learning rate \(rate) must be a positive number (e.g. 0.001)")
        }
        if batchSize < 1 { throw invalid(.batchSize, "batch size \(batchSize) must be at least 1") }
        if threads < 1 { throw invalid(.threads, "threads \(threads) must be at least 1") }
        if maxEpochs < 1 { throw invalid(.maxEpochs, "epochs \(maxEpochs) must be at least 1") }
        if patience < 1 { throw invalid(.patience, "patience \(patience) must be at least 1 epoch") }
        if !(l2.isFinite && l2 >= 0) { throw invalid(.l2, "L2 weight decay \(l2) must be 0 or a positive number") }
        if !(dropout >= 0 && dropout <= Self.maximumDropout) {
            throw invalid(.dropout, "dropout \(dropout) must be between 0 and \(Self.maximumDropout) (e.g. 0.2)")
        }
        if !(labelSmoothing >= 0 && labelSmoothing <= Self.maximumLabelSmoothing) {
            throw invalid(.labelSmoothing, "label smoothing \(labelSmoothing) must be between 0 and "
                + "\(Self.maximumLabelSmoothing) (e.g. 0.05)")
        }
        if ensemble < 1 || ensemble > Self.maximumEnsemble {
            throw invalid(.ensemble, "an ensemble of \(ensemble) networks is not allowed; use 1 to \(Self.maximumEnsemble)")
        }
        if ensemble > 1 && refit {
            throw invalid(.ensemble, "an ensemble cannot be refitted: each network chooses its own epoch on the validation images")
        }
        if !(validationFraction >= 0 && validationFraction <= Self.maximumValidationFraction) {
            throw invalid(.validationFraction, "validation split \(validationFraction) must be between 0 and "
                + "\(Self.maximumValidationFraction) (e.g. 0.1)")
        }
    }

    /// The hyper-parameters by name, as recorded in the model file's training summary.
    public var hyperparameters: [String: String] {
        [
            "hidden": hiddenLayers.map(String.init).joined(separator: ","),
            "activation": activation.rawValue,
            "cost": cost.rawValue,
            "optimizer": optimizer.rawValue,
            "learning_rate": "\(effectiveLearningRate)",
            "batch_size": "\(batchSize)",
            "l2": "\(l2)",
            "dropout": "\(dropout)",
            "label_smoothing": "\(labelSmoothing)",
            "ensemble": "\(ensemble)",
            "max_epochs": "\(maxEpochs)",
            "patience": "\(patience)",
            "validation_split": "\(validationFraction)",
            "standardization": standardization.rawValue,
            "selection": selection.rawValue,
            "refit": "\(refit)",
            "class_weight": classWeight.rawValue,
            "schedule": schedule.rawValue,
            "augment": augmentation.description,
            "average_weights": "\(averageWeights)",
        ]
    }
}

/// How the trainer standardises inputs: `x = (b / 255 − mean) / deviation` (`InputStandardization`).
public enum StandardizationMode: String, Sendable, Equatable, CaseIterable {
    /// Mean and deviation of each input over the training images (deviations floored).
    case perInput = "per-input"
    /// One mean and one deviation over all inputs of the training images.
    case global
    /// One mean over all inputs of the training images subtracted, no scaling: `x = b / 255 − mean`.
    case center
    /// None: `x = b / 255`.
    case none
    /// Each image's own mean value subtracted, no scaling: `x = b / 255 − b̄ / 255` with `b̄` the
    /// mean byte of that image (after augmentation). Folded into the first layer when saved.
    case image

    /// The standardization this mode fits on `dataset`.
    func fitted(on dataset: Dataset) -> InputStandardization {
        switch self {
        case .perInput: InputStandardization(fitting: dataset, perInput: true)
        case .global: InputStandardization(fitting: dataset, perInput: false)
        case .center:
            InputStandardization(mean: InputStandardization(fitting: dataset, perInput: false).mean,
                                 deviation: [Float](repeating: 1, count: dataset.inputCount))
        case .none: .identity(inputCount: dataset.inputCount)
        case .image: .imageCentering(inputCount: dataset.inputCount)
        }
    }
}

/// What makes an epoch the best on the validation images.
public enum EpochSelection: String, Sendable, Equatable, CaseIterable {
    /// Highest validation accuracy, the lower validation loss breaking ties.
    case accuracy
    /// Lowest validation loss.
    case loss
    /// Lowest validation loss at the temperature fitted for that epoch (`Trainer.temperatureFit`):
    /// overconfidence, which temperature scaling removes anyway, no longer ends training while
    /// the ranking of the classes still improves (cross-entropy; the plain loss otherwise).
    case calibratedLoss = "calibrated-loss"
}

/// How much each class weighs in training.
public enum ClassWeighting: String, Sendable, Equatable, CaseIterable {
    /// Every example once per epoch: a class weighs as much as it has examples.
    case none
    /// Balanced sampling (`BalancedSampler`): every epoch, as long as an ordinary one, draws
    /// `⌈n / K⌉` examples from each class, so each class weighs the same. Against weights in the
    /// cost (`n / (K · n_c)` per example, a prototype) on the 10:1 digits below: the same 92.3 %
    /// (seeds 1–3), in 3.3 against 3.8 s.
    case balanced
    /// `.balanced` when the largest class has more than `imbalanceRatio` (3) times the smallest
    /// one's training examples, `.none` otherwise. On 28×28 digits whose classes 5–9 kept a tenth
    /// of their images (10:1), balanced sampling scored 92.3 % against 87.8 % (balanced test set).
    case auto

    /// The class-size ratio above which `.auto` balances (and `train` warns).
    public static let imbalanceRatio = 3

    /// Whether the largest of these class sizes is more than `imbalanceRatio` times the smallest
    /// (classes without examples left out).
    public static func isImbalanced(_ counts: [Int]) -> Bool {
        let present = counts.filter { $0 > 0 }
        guard let smallest = present.min(), let largest = present.max() else { return false }
        return largest > imbalanceRatio * smallest
    }

    /// Whether training on `dataset` samples every class equally often.
    func balances(_ dataset: Dataset) -> Bool {
        switch self {
        case .none: return false
        case .balanced: return true
        case .auto: return Self.isImbalanced(dataset.indicesByClass().map(\.count))
        }
    }
}

/// How the learning rate changes during the refit on every image.
public enum LearningRateSchedule: String, Sendable, Equatable, CaseIterable {
    /// `η` throughout.
    case constant
    /// Cosine decay from `η` to 0 over the refit's steps: `η_t = η · ½(1 + cos(π t / T))`.
    case cosine
}
