import Foundation
import Imaging
import Testing
@testable import Classifier

@Suite struct ImageClassifierTests {
    typealias F = ModelFileFixtures

    /// A 2×2 grey image (8-bit) with the given samples.
    static func image(_ samples: [UInt16]) -> Image {
        Image(width: 2, height: 2, channels: 1, samples: samples)
    }

    static let fixtures = Repository.root.appendingPathComponent("Tests/ImagingTests/Fixtures")
    static let fixture = fixtures.appendingPathComponent("grey4.png")

    @Test(arguments: [
        ([Float(0.2), 0.5, 0.3], ["a", "b", "c"], ["b", "c", "a"]),
        ([Float(0.4), 0.2, 0.4], ["a", "b", "c"], ["a", "c", "b"]),  // ties keep class order
        ([Float(1)], ["only"], ["only"]),
        ([Float(0), 0.01, 0.99, 0], ["w", "x", "y", "z"], ["y", "x", "w", "z"]),
    ])
    func predictionRanksClassesByDescendingProbability(_ probabilities: [Float], _ classes: [String], _ order: [String]) {
        let prediction = Prediction(probabilities: probabilities, classes: classes)
        #expect(prediction.probabilities.map(\.label) == order)
        #expect(prediction.label == order[0])
        #expect(classes[prediction.classIndex] == prediction.label)
        let sorted = prediction.probabilities.map(\.probability)
        #expect(sorted == sorted.sorted(by: >))
        for entry in prediction.probabilities {
            #expect(probabilities[classes.firstIndex(of: entry.label) ?? -1] == entry.probability)
        }
        #expect(prediction.top(1).map(\.label) == [order[0]])
        #expect(prediction.top(99).count == classes.count)
    }

    @Test(arguments: [[UInt16(0), 0, 0, 0], [255, 255, 255, 255], [0, 85, 170, 255], [12, 200, 3, 99]])
    func imageProbabilitiesSumToOneAndMatchTheForwardPass(_ samples: [UInt16]) {
        let classifier = F.classifier()
        let image = Self.image(samples)
        let p = classifier.probabilities(for: image)
        #expect(p.count == 2)
        #expect(isClose(p.reduce(0, +), 1))
        #expect(p.allSatisfy { $0 >= 0 && $0 <= 1 })
        let x = samples.map { Float($0) / 255 }
        #expect(p == classifier.network.forward(Matrix(rows: 1, columns: 4, elements: x)).elements)
        #expect(classifier.prediction(for: image).probabilities.map(\.probability) == p.sorted(by: >))
    }

    @Test(arguments: [1, 2, 5, 256])
    func datasetProbabilitiesDoNotDependOnTheBatchSize(_ batchSize: Int) {
        let classifier = F.classifier()
        var generator = SeededGenerator(seed: 3)
        let count = 11
        let inputs = (0 ..< count * 4).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let dataset = Dataset(inputs: inputs, labels: (0 ..< count).map { $0 % 2 }, inputCount: 4, classCount: 2)
        let p = classifier.probabilities(for: dataset, batchSize: batchSize)
        #expect(p.rows == count && p.columns == 2)
        let reference = classifier.network.forward(Matrix(rows: count, columns: 4, elements: inputs.map { Float($0) / 255 }))
        for i in 0 ..< count {
            #expect(isClose(p[i, 0] + p[i, 1], 1))
            for j in 0 ..< 2 { #expect(isClose(p[i, j], reference[i, j]), "row \(i) column \(j)") }
        }
        let evaluation = classifier.evaluation(on: dataset, batchSize: batchSize)
        let predicted = ClassificationMetrics.predictedClasses(from: reference)
        #expect(evaluation.predicted == predicted && evaluation.labels == dataset.labels)
        #expect(evaluation.metrics.count == count)
        #expect(isClose(evaluation.metrics.accuracy, Double(zip(predicted, dataset.labels).filter { $0 == $1 }.count) / Double(count)))
        #expect(evaluation.mistakes == (0 ..< count).filter { predicted[$0] != dataset.labels[$0] })
        for i in 0 ..< count { #expect(evaluation.confidence[i] == p[i, predicted[i]]) }
    }

    /// The prediction path (`probabilities(forFile:)`, `probabilities(forFiles:threads:)`) and the
    /// training path (`ImageDataset(trainingFolder:)` → `Dataset` → batched forward) give the same
    /// probabilities for the same files: one preprocessing for both, with transparency, colour
    /// conversion and resizing all in play (RGBA 7×5 and palette+tRNS → 2×2 grey on teal).
    @Test func fileProbabilitiesDecodeThenPreprocessAsInTraining() throws {
        let classifier = F.classifier()
        let names = ["rgba8", "palette4trns", "grey16key", "rgb16", "greyalpha8"]
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for (i, name) in names.enumerated() {
            let folder = root.appendingPathComponent(["cat", "dog"][i % 2])
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name + ".png"),
                                             to: folder.appendingPathComponent(name + ".png"))
        }
        let f = classifier.inputFormat
        let loaded = try ImageDataset(trainingFolder: root, size: (f.width, f.height), color: f.color, background: f.background, threads: 2)
        #expect(loaded.inputFormat == f && loaded.dataset.count == names.count)
        let training = classifier.probabilities(for: loaded.dataset)
        let batch = classifier.probabilities(forFiles: loaded.files, threads: 2)
        for (i, file) in loaded.files.enumerated() {
            let p = try classifier.probabilities(forFile: file)
            #expect(p == Array(training.elements[i * 2 ..< i * 2 + 2]), "\(file.lastPathComponent)")
            #expect(try batch[i].get() == p)
            #expect(isClose(p.reduce(0, +), 1))
        }
        // Not a constant function: different images give different probabilities.
        #expect(Set((0 ..< names.count).map { training[$0, 0] }).count > 1)
    }

    @Test func missingFileThrowsTheImagingError() {
        let missing = URL(fileURLWithPath: "/nonexistent/classify/cat.png")
        #expect(throws: ImagingError.self) { try F.classifier().probabilities(forFile: missing) }
    }

    @Test func filePredictionsRankTheFileProbabilitiesAndKeepFailuresInPlace() throws {
        let classifier = F.classifier()
        let missing = URL(fileURLWithPath: "/nonexistent/classify/cat.png")
        let results = classifier.predictions(forFiles: [Self.fixture, missing, Self.fixture], threads: 2)
        #expect(results.count == 3)
        let expected = Prediction(probabilities: try classifier.probabilities(forFile: Self.fixture), classes: classifier.classes)
        for result in [results[0], results[2]] {
            let got = try result.get()
            #expect(got.label == expected.label && got.probabilities.map(\.label) == expected.probabilities.map(\.label))
            for (a, b) in zip(got.probabilities, expected.probabilities) { #expect(isClose(a.probability, b.probability)) }
        }
        #expect(throws: ImagingError.self) { try results[1].get() }
    }
}
