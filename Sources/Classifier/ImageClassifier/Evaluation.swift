/// A classifier's answers on a labelled dataset and how good they are: what `classify evaluate`
/// prints, computed in one place.
///
/// Shapes: `predicted`, `confidence` and `labels` have one value per example, in dataset order.
public struct Evaluation: Sendable, Equatable {
    /// The true class of each example (the dataset's labels).
    public var labels: [Int]
    /// The predicted class of each example: `argmaxⱼ Pᵢⱼ`, the lowest index winning a tie.
    public var predicted: [Int]
    /// The probability the classifier gave its own prediction: `Pᵢ,predictedᵢ`.
    public var confidence: [Float]
    /// Accuracy, per-class precision, recall, F1 and the confusion matrix.
    public var metrics: ClassificationMetrics

    /// Indices of the misclassified examples (`predicted ≠ label`), in dataset order.
    public var mistakes: [Int] { labels.indices.filter { labels[$0] != predicted[$0] } }

    /// The evaluation of probabilities `P` (`m × classCount`, row `i` for example `i`) against `labels`.
    /// - Precondition: `labels.count == probabilities.rows`.
    public init(probabilities: Matrix, labels: [Int]) {
        precondition(labels.count == probabilities.rows, "\(labels.count) labels for \(probabilities.rows) rows")
        let predicted = ClassificationMetrics.predictedClasses(from: probabilities)
        self.labels = labels
        self.predicted = predicted
        self.confidence = predicted.enumerated().map { probabilities[$0.offset, $0.element] }
        self.metrics = ClassificationMetrics(actual: labels, predicted: predicted, classCount: probabilities.columns)
    }
}

extension ImageClassifier {
    /// Evaluates this classifier on a labelled dataset: batched forward passes of `batchSize`
    /// rows on `engine` with up to `threads` threads (see `probabilities(for:batchSize:engine:threads:)`),
    /// then `Evaluation(probabilities:labels:)`.
    public func evaluation(on dataset: Dataset, batchSize: Int = 256,
                           engine: MatrixEngine = .builtin, threads: Int = 1) -> Evaluation {
        Evaluation(probabilities: probabilities(for: dataset, batchSize: batchSize, engine: engine, threads: threads),
                   labels: dataset.labels)
    }
}
