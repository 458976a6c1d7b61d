import Testing
@testable import Classifier

/// A labelled set of answers with its confusion matrix and metrics worked out by hand.
struct HandWorkedMetrics: Sendable, CustomTestStringConvertible {
    var name: String
    var actual: [Int]
    var predicted: [Int]
    var classCount: Int
    var confusion: [[Int]]
    var accuracy: Double
    /// (precision, recall, f1, support) per class.
    var perClass: [(Double, Double, Double, Int)]
    var testDescription: String { name }
}

@Suite struct MetricsTests {
    static let cases: [HandWorkedMetrics] = [
        // C = [[1,1,0],[0,2,0],[1,0,1]]: column sums 2,3,1; row sums 2,2,2.
        HandWorkedMetrics(name: "three classes, mixed errors",
                          actual: [0, 0, 1, 1, 2, 2], predicted: [0, 1, 1, 1, 2, 0], classCount: 3,
                          confusion: [[1, 1, 0], [0, 2, 0], [1, 0, 1]], accuracy: 4.0 / 6,
                          perClass: [(0.5, 0.5, 0.5, 2), (2.0 / 3, 1, 0.8, 2), (1, 0.5, 2.0 / 3, 2)]),
        // Class 2 is never predicted: precision 0 by convention (0/0), recall 0/2.
        HandWorkedMetrics(name: "a class never predicted",
                          actual: [0, 1, 2, 2], predicted: [0, 1, 1, 1], classCount: 3,
                          confusion: [[1, 0, 0], [0, 1, 0], [0, 2, 0]], accuracy: 0.5,
                          perClass: [(1, 1, 1, 1), (1.0 / 3, 1, 0.5, 1), (0, 0, 0, 2)]),
        // Class 1 has no examples: recall 0 by convention (0/0), precision 0/1.
        HandWorkedMetrics(name: "a class without examples",
                          actual: [0, 0], predicted: [0, 1], classCount: 2,
                          confusion: [[1, 1], [0, 0]], accuracy: 0.5,
                          perClass: [(1, 0.5, 2.0 / 3, 2), (0, 0, 0, 0)]),
        HandWorkedMetrics(name: "all correct",
                          actual: [1, 0, 1], predicted: [1, 0, 1], classCount: 2,
                          confusion: [[1, 0], [0, 2]], accuracy: 1,
                          perClass: [(1, 1, 1, 1), (1, 1, 1, 2)]),
        HandWorkedMetrics(name: "no examples",
                          actual: [], predicted: [], classCount: 2,
                          confusion: [[0, 0], [0, 0]], accuracy: 0,
                          perClass: [(0, 0, 0, 0), (0, 0, 0, 0)]),
    ]

    @Test(arguments: cases)
    func metricsMatchTheHandWorkedConfusionMatrix(_ c: HandWorkedMetrics) {
        let metrics = ClassificationMetrics(actual: c.actual, predicted: c.predicted, classCount: c.classCount)
        #expect(metrics.count == c.actual.count)
        #expect(metrics.confusion == c.confusion)
        #expect(isClose(metrics.accuracy, c.accuracy))
        #expect(metrics.perClass.count == c.perClass.count)
        for (got, (precision, recall, f1, support)) in zip(metrics.perClass, c.perClass) {
            #expect(isClose(got.precision, precision), "precision \(got.precision) vs \(precision)")
            #expect(isClose(got.recall, recall), "recall \(got.recall) vs \(recall)")
            #expect(isClose(got.f1, f1), "f1 \(got.f1) vs \(f1)")
            #expect(got.support == support)
        }
    }

    @Test(arguments: [
        (Matrix(rows: 3, columns: 3, elements: [0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.1, 0.2, 0.7]), [1, 0, 2]),
        (Matrix(rows: 2, columns: 3, elements: [0.4, 0.4, 0.2, 0.3, 0.35, 0.35]), [0, 1]),  // ties: lowest index
        (Matrix(rows: 1, columns: 1, elements: [1]), [0]),
        (Matrix(rows: 0, columns: 3), []),
    ])
    func predictedClassIsTheRowArgmax(_ probabilities: Matrix, _ expected: [Int]) {
        #expect(ClassificationMetrics.predictedClasses(from: probabilities) == expected)
    }

    @Test func evaluationNamesPredictionsConfidencesAndMistakes() {
        let probabilities = Matrix(rows: 3, columns: 2, elements: [0.9, 0.1, 0.3, 0.7, 0.6, 0.4])
        let evaluation = Evaluation(probabilities: probabilities, labels: [0, 0, 1])
        #expect(evaluation.predicted == [0, 1, 0])
        #expect(evaluation.confidence == [0.9, 0.7, 0.6])
        #expect(evaluation.mistakes == [1, 2])
        #expect(evaluation.metrics == ClassificationMetrics(actual: [0, 0, 1], predicted: [0, 1, 0], classCount: 2))
    }
}
