import Foundation
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

    public init(epochs: Int, bestEpoch: Int, trainingAccuracy: Double, validationAccuracy: Double?,
                trainingExamples: Int, validationExamples: Int, seed: UInt64,
                hyperparameters: [String: String]) {
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.trainingAccuracy = trainingAccuracy
        self.validationAccuracy = validationAccuracy
        self.trainingExamples = trainingExamples
        self.validationExamples = validationExamples
        self.seed = seed
        self.hyperparameters = hyperparameters
    }
}

/// A trained classifier: the network, the class names of its output neurons, and the
/// `InputFormat` that turns any image into its input vector.
public struct ImageClassifier: Sendable, Equatable {
    public var network: Network
    /// One name per output neuron, in output order.
    public var classes: [String]
    public var inputFormat: InputFormat
    public var summary: TrainingSummary?
    /// One record per epoch trained, in order (empty for models saved before the history was kept).
    /// Training that continues from this model appends to it.
    public var trainingHistory: [EpochRecord]

    public init(network: Network, classes: [String], inputFormat: InputFormat, summary: TrainingSummary? = nil,
                trainingHistory: [EpochRecord] = []) {
        precondition(network.sizes.last == classes.count,
                     "network has \(network.sizes.last ?? 0) outputs but \(classes.count) classes")
        precondition(network.sizes.first == inputFormat.inputCount,
                     "network takes \(network.sizes.first ?? 0) inputs but the input format gives \(inputFormat.inputCount)")
        self.network = network
        self.classes = classes
        self.inputFormat = inputFormat
        self.summary = summary
        self.trainingHistory = trainingHistory
    }
}
