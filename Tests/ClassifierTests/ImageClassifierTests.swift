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

    @Test func batchOfImagesMatchesOneImageAtATime() {
        let classifier = F.classifier()
        let images = [Self.image([0, 0, 0, 0]), Self.image([10, 20, 30, 40]), Self.image([255, 0, 255, 0])]
        let batch = classifier.probabilities(for: images)
        #expect(batch.rows == 3 && batch.columns == 2)
        for (i, image) in images.enumerated() {
            let single = classifier.probabilities(for: image)
            for j in 0 ..< 2 { #expect(isClose(batch[i, j], single[j])) }
        }
        #expect(classifier.probabilities(for: [Image]()).rows == 0)
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
        let metrics = classifier.metrics(on: dataset, batchSize: batchSize)
        let predicted = ClassificationMetrics.predictedClasses(from: reference)
        #expect(metrics.count == count)
        #expect(isClose(metrics.accuracy, Double(zip(predicted, dataset.labels).filter { $0 == $1 }.count) / Double(count)))
    }

    /// The prediction path (`probabilities(forFile:)`, `probabilities(forFiles:threads:)`) and the
    /// training path (`LabeledFolder(trainingFolder:)` → `Dataset` → batched forward) give the same
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
        let loaded = try LabeledFolder(trainingFolder: root, size: (f.width, f.height), color: f.color, background: f.background, threads: 2)
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

    @Test func datasetFromSamplesKeepsBytesAndLabels() {
        let samples = SampleSet(inputs: [1, 2, 3, 4, 5, 6], labels: [1, 0, 2], files: [], skipped: [], inputCount: 2)
        let dataset = Dataset(samples: samples, classCount: 3)
        #expect(dataset.inputs == [1, 2, 3, 4, 5, 6])
        #expect(dataset.labels == [1, 0, 2])
        #expect(dataset.inputCount == 2 && dataset.classCount == 3 && dataset.count == 3)
    }
}
