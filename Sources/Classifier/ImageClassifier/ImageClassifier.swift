import Platform
import Imaging

/// What training recorded about how a model was made; stored in the model file's metadata.
/// No timestamps or timings: the same data and seed must give a byte-identical file.
public struct TrainingSummary: Sendable, Codable, Equatable {
    public var epochs: Int
    public var bestEpoch: Int
    public var trainingAccuracy: Double
    public var validationAccuracy: Double?
    public var trainingExamples: Int
    public var validationExamples: Int
    public var seed: UInt64
    /// Hyper-parameters as given (optimizer, learning rate, batch size, l2, …), by name.
    public var hyperparameters: [String: String]
    /// Images of the refit on every image (training + validation), `nil` without a refit.
    public var refitExamples: Int? = nil
    /// Epochs of the refit (the best epoch of the validated run), `nil` without a refit.
    public var refitEpochs: Int? = nil

    public init(epochs: Int, bestEpoch: Int, trainingAccuracy: Double, validationAccuracy: Double?,
                trainingExamples: Int, validationExamples: Int, seed: UInt64,
                hyperparameters: [String: String], refitExamples: Int? = nil, refitEpochs: Int? = nil) {
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.trainingAccuracy = trainingAccuracy
        self.validationAccuracy = validationAccuracy
        self.trainingExamples = trainingExamples
        self.validationExamples = validationExamples
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.refitExamples = refitExamples
        self.refitEpochs = refitEpochs
    }
}

/// A trained classifier: the network, the class names of its output neurons, the `InputFormat`
/// that turns any image into bytes, the `InputStandardization` that turns bytes into inputs,
/// and the softmax temperature of its probabilities.
///
/// The whole forward pass, for the preprocessed image's bytes `b`:
/// ```
/// x = (b / 255 − inputMean) / inputDeviation          InputStandardization
/// zᴸ = network's output-layer weighted sum sᴸ for x
/// p = softmax(zᴸ / temperature)                        (cross-entropy models; T = 1 is plain softmax)
/// ```
public struct ImageClassifier: Sendable, Equatable {
    public var network: Network
    /// One name per output neuron, in output order.
    public var classes: [String]
    public var inputFormat: InputFormat
    /// `x = (b / 255 − mean) / deviation`, fitted on the training images (identity for format-1 files).
    public var inputStandardization: InputStandardization
    /// `T > 0` of `p = softmax(zᴸ / T)`, fitted on the validation images (1 when there were none,
    /// for format-1 files, and for the quadratic cost's sigmoid outputs).
    public var temperature: Float
    public var summary: TrainingSummary?
    /// One record per epoch trained, in order (empty for models saved before the history was kept).
    /// Training that continues from this model appends to it.
    public var trainingHistory: [EpochRecord]

    public init(network: Network, classes: [String], inputFormat: InputFormat,
                inputStandardization: InputStandardization? = nil, temperature: Float = 1,
                summary: TrainingSummary? = nil, trainingHistory: [EpochRecord] = []) {
        precondition(network.sizes.last == classes.count,
                     "network has \(network.sizes.last ?? 0) outputs but \(classes.count) classes")
        precondition(network.sizes.first == inputFormat.inputCount,
                     "network takes \(network.sizes.first ?? 0) inputs but the input format gives \(inputFormat.inputCount)")
        precondition(inputStandardization.map { $0.inputCount == inputFormat.inputCount } ?? true,
                     "standardization has \(inputStandardization?.inputCount ?? 0) inputs, the format \(inputFormat.inputCount)")
        precondition(temperature > 0 && temperature.isFinite, "temperature \(temperature) must be positive")
        self.network = network
        self.classes = classes
        self.inputFormat = inputFormat
        self.inputStandardization = inputStandardization ?? .identity(inputCount: inputFormat.inputCount)
        self.temperature = temperature
        self.summary = summary
        self.trainingHistory = trainingHistory
    }
}
