/// Accuracy, confusion matrix and per-class precision, recall and F1 of a classifier's answers.
///
/// With `Cᵢⱼ` = examples of true class `i` predicted as `j` (rows = true class, columns =
/// predicted class), for class `c`:
/// ```
/// precision_c = C_cc / Σᵢ C_ic       (of the examples predicted c, the fraction truly c)
/// recall_c    = C_cc / Σⱼ C_cj       (of the examples truly c, the fraction predicted c)
/// F1_c        = 2·precision·recall / (precision + recall)
/// accuracy    = Σ_c C_cc / N
/// ```
/// Convention: a ratio whose denominator is 0 is 0 (a class never predicted has precision 0,
/// a class with no examples has recall 0, and F1 is 0 when precision + recall is 0), as in
/// scikit-learn's `zero_division=0`. Accuracy of no examples is 0.
/// Reference: Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, §8.3.
public struct ClassificationMetrics: Sendable, Equatable {
    /// Precision, recall, F1 and support of one class.
    public struct ClassMetrics: Sendable, Equatable {
        /// `C_cc / Σᵢ C_ic`, 0 when the class is never predicted.
        public var precision: Double
        /// `C_cc / Σⱼ C_cj`, 0 when the class has no examples.
        public var recall: Double
        /// `2·p·r / (p + r)`, 0 when `p + r = 0`.
        public var f1: Double
        /// Examples whose true class is this one: `Σⱼ C_cj`.
        public var support: Int

        /// Creates the metrics of one class from their values.
        public init(precision: Double, recall: Double, f1: Double, support: Int) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    /// Number of examples `N`.
    public var count: Int
    /// Fraction of examples predicted correctly: `Σ_c C_cc / N`.
    public var accuracy: Double
    /// `classCount × classCount` counts; `confusion[i][j]` = examples of true class `i` predicted as `j`.
    public var confusion: [[Int]]
    /// One entry per class, in class order.
    public var perClass: [ClassMetrics]

    /// Tallies the confusion matrix and derives every metric.
    /// - Precondition: `actual.count == predicted.count`; every class index in `0 ..< classCount`.
    public init(actual: [Int], predicted: [Int], classCount: Int) {
        precondition(actual.count == predicted.count,
                     "\(actual.count) actual labels but \(predicted.count) predictions")
        precondition(classCount >= 0, "negative classCount \(classCount)")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (a, p) in zip(actual, predicted) {
            precondition(a >= 0 && a < classCount && p >= 0 && p < classCount,
                         "class indices (\(a), \(p)) outside 0 ..< \(classCount)")
            confusion[a][p] += 1
        }
        func ratio(_ numerator: Int, _ denominator: Int) -> Double {
            denominator == 0 ? 0 : Double(numerator) / Double(denominator)
        }
        let correct = (0 ..< classCount).reduce(0) { $0 + confusion[$1][$1] }
        self.count = actual.count
        self.accuracy = ratio(correct, actual.count)
        self.confusion = confusion
        self.perClass = (0 ..< classCount).map { c in
            let truePositives = confusion[c][c]
            let predictedAsC = (0 ..< classCount).reduce(0) { $0 + confusion[$1][c] }
            let support = confusion[c].reduce(0, +)
            let precision = ratio(truePositives, predictedAsC)
            let recall = ratio(truePositives, support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassMetrics(precision: precision, recall: recall, f1: f1, support: support)
        }
    }

    /// The predicted class of each row: `argmaxⱼ Pᵢⱼ`, the lowest index winning a tie.
    ///
    /// Shapes: `probabilities` is `m × classes`; the result has `m` values.
    public static func predictedClasses(from probabilities: Matrix) -> [Int] {
        (0 ..< probabilities.rows).map { i in
            argmax(probabilities.elements, from: i * probabilities.columns, count: probabilities.columns)
        }
    }
}
