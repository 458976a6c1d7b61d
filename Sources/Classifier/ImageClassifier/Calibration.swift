/// How well a classifier's confidence matches its accuracy: the expected calibration error over
/// equal-width confidence bins (Naeini et al. 2015; Guo et al. 2017, §2).
///
/// For `N` examples with confidence `cᵢ = maxⱼ pᵢⱼ` and correctness `okᵢ` (argmax = label), bin
/// `b ∈ 0 ..< B` holds the examples with `cᵢ ∈ (b/B, (b+1)/B]` (confidence 0 goes to bin 0):
/// ```
/// ECE = Σ_b (n_b / N) · |accuracy_b − confidence_b|
/// ```
/// with `accuracy_b` and `confidence_b` the bin's mean correctness and mean confidence.
public struct CalibrationReport: Sendable, Equatable {
    /// One confidence bin.
    public struct Bin: Sendable, Equatable {
        /// Mean confidence of the bin's examples (0 when empty).
        public var confidence: Double
        /// Fraction of the bin's examples classified correctly (0 when empty).
        public var accuracy: Double
        /// Examples in the bin.
        public var count: Int
    }

    /// `ECE`, in 0…1 (0 for no examples).
    public var expectedCalibrationError: Double
    /// The `B` bins, lowest confidence first.
    public var bins: [Bin]

    /// The report of probabilities against labels.
    ///
    /// Shapes: `probabilities` is `N × classes`, `labels` has `N` values.
    /// - Precondition: `probabilities.rows == labels.count`, `binCount > 0`.
    public init(probabilities: Matrix, labels: [Int], binCount: Int = 15) {
        precondition(probabilities.rows == labels.count && binCount > 0,
                     "\(probabilities.rows) probability rows for \(labels.count) labels, \(binCount) bins")
        let predicted = ClassificationMetrics.predictedClasses(from: probabilities)
        var (confidence, correct, count) = ([Double](repeating: 0, count: binCount), [Int](repeating: 0, count: binCount),
                                            [Int](repeating: 0, count: binCount))
        for (i, label) in labels.enumerated() {
            let c = Double(probabilities[i, predicted[i]])
            let b = min(binCount - 1, max(0, Int((c * Double(binCount)).rounded(.up)) - 1))
            confidence[b] += c
            count[b] += 1
            if predicted[i] == label { correct[b] += 1 }
        }
        bins = (0 ..< binCount).map { b in
            count[b] == 0 ? Bin(confidence: 0, accuracy: 0, count: 0)
                : Bin(confidence: confidence[b] / Double(count[b]), accuracy: Double(correct[b]) / Double(count[b]), count: count[b])
        }
        let n = Double(max(1, labels.count))
        expectedCalibrationError = bins.reduce(0) { $0 + Double($1.count) / n * abs($1.accuracy - $1.confidence) }
    }
}
