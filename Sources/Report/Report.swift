import Classifier
import Platform
import Imaging

/// What `classify report` shows about a classifier on a labelled test folder: the numbers of
/// `evaluate` (the same `Evaluation`, from `ImageClassifier.evaluation(on:)`) plus the pictures behind them.
///
/// Shapes: `dataset` has `n` examples of `classifier.inputFormat.inputCount` bytes (what the network
/// saw); `evaluation` has `n` answers; `files` has `n` paths, as the user would write them.
public struct Report: Sendable {
    /// Confidence against accuracy in bins of the top probability (a reliability diagram's data).
    public struct Calibration: Sendable, Equatable {
        /// One confidence bin.
        public struct Bin: Sendable, Equatable {
            /// Mean top probability of the bin's examples.
            public var confidence: Double
            /// Fraction of the bin's examples classified correctly.
            public var accuracy: Double
            /// Examples in the bin.
            public var count: Int

            /// Creates a bin from its values.
            public init(confidence: Double, accuracy: Double, count: Int) {
                self.confidence = confidence
                self.accuracy = accuracy
                self.count = count
            }
        }

        /// Expected calibration error: `Σ_b (n_b / N) · |accuracy_b − confidence_b|`.
        public var expectedCalibrationError: Double
        /// Equal-width bins of the top probability, lowest first (empty bins may be left out).
        public var bins: [Bin]

        /// Creates calibration data from its values.
        public init(expectedCalibrationError: Double, bins: [Bin]) {
            self.expectedCalibrationError = expectedCalibrationError
            self.bins = bins
        }
    }

    /// One misclassified example.
    public struct Mistake: Sendable, Equatable {
        /// Row of the example in `dataset`, `files` and `probabilities`.
        public var index: Int
        /// True class index.
        public var label: Int
        /// Predicted class index: `argmaxⱼ Pᵢⱼ`.
        public var predicted: Int
        /// `P(predicted)`, the confidence of the wrong answer.
        public var probability: Double
    }

    /// The model file as the user named it.
    public var modelName: String
    /// The test folder as the user named it.
    public var folderName: String
    /// The model the report is about.
    public var classifier: ImageClassifier
    /// One path per example, as the user would write it.
    public var files: [String]
    /// The test images as the network saw them (8-bit, the model's input format).
    public var dataset: Dataset
    /// The classifier's answers and metrics: what `evaluate` prints.
    public var evaluation: Evaluation
    /// Accuracy, per-class precision, recall and F1, confusion matrix: `evaluation.metrics`.
    public var metrics: ClassificationMetrics { evaluation.metrics }
    /// Mean per-class recall, when the evaluation provides it.
    public var balancedAccuracy: Double?
    /// Calibration of the top probability, when the evaluation provides it.
    public var calibration: Calibration?
    /// Files or class folders left out of the evaluation.
    public var skippedCount: Int
    /// At most this many mistakes in the contact sheet.
    public var mistakeLimit: Int

    /// Gathers a report's values.
    /// - Precondition: `files.count == dataset.count == evaluation.labels.count`.
    public init(modelName: String, folderName: String, classifier: ImageClassifier, files: [String], dataset: Dataset,
                evaluation: Evaluation, balancedAccuracy: Double? = nil,
                calibration: Calibration? = nil, skippedCount: Int = 0, mistakeLimit: Int = 48) {
        precondition(files.count == dataset.count && evaluation.labels.count == dataset.count,
                     "\(files.count) files, \(dataset.count) examples, \(evaluation.labels.count) answers")
        self.modelName = modelName
        self.folderName = folderName
        self.classifier = classifier
        self.files = files
        self.dataset = dataset
        self.evaluation = evaluation
        self.balancedAccuracy = balancedAccuracy
        self.calibration = calibration
        self.skippedCount = skippedCount
        self.mistakeLimit = mistakeLimit
    }

    /// Every misclassified example, most confident first (ties in file order).
    public var mistakes: [Mistake] {
        evaluation.mistakes.map { i in
            Mistake(index: i, label: evaluation.labels[i], predicted: evaluation.predicted[i],
                    probability: Double(evaluation.confidence[i]))
        }.sorted { $0.probability != $1.probability ? $0.probability > $1.probability : $0.index < $1.index }
    }

    /// The network as text: `3072 → 64 relu → 2 softmax (cross-entropy)`.
    public var networkDescription: String {
        let network = classifier.network
        var parts = ["\(network.sizes.first ?? 0)"]
        for layer in network.layers { parts.append("\(layer.outputCount) \(layer.activation.rawValue)") }
        return parts.joined(separator: " → ") + " (\(network.cost.rawValue)), \(network.parameterCount) parameters"
    }
}
