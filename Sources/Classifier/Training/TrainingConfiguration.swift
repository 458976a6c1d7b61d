/// Every knob of training, with defaults that give a good model without flags: one ReLU hidden
/// layer of 128, softmax + cross-entropy, Adam, mini-batches of 32, a stratified 10 % validation
/// split, early stopping after 10 epochs without validation-loss improvement, seed 42.
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
    public var patience: Int = 10
    /// L2 weight decay `λ` (adds `λ w` to weight gradients).
    public var l2: Float = 1e-4
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

    /// All defaults.
    public init() {}

    /// The learning rate actually used: `learningRate ?? optimizer.defaultLearningRate`.
    public var effectiveLearningRate: Float { learningRate ?? optimizer.defaultLearningRate }

    /// A setting that `validate()` can reject (the command line maps each to its option).
    public enum Setting: String, Sendable, CaseIterable {
        case hiddenLayers, activation, learningRate, batchSize, threads, maxEpochs, patience, l2, validationFraction
    }

    /// The widest hidden layer allowed: 2¹⁶ neurons.
    public static let maximumHiddenWidth = 65_536

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
            "max_epochs": "\(maxEpochs)",
            "patience": "\(patience)",
            "validation_split": "\(validationFraction)",
        ]
    }
}
