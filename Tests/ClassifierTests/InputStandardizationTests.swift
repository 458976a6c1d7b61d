import Foundation
import Imaging
import Testing
@testable import Classifier

/// The one conversion from bytes to network inputs, the temperature, and format-version-1 files.
@Suite struct InputStandardizationTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fruit = here.appendingPathComponent("../../sample-data/fruit/train").standardized
    static let versionOneFixture = here.appendingPathComponent("Fixtures/format-v1-fruit-4x4.safetensors")

    /// A classifier with a fitted (non-identity) standardization and a temperature, trained
    /// briefly on the fruit sample data at 8×8.
    static func trained() throws -> (ImageClassifier, ImageDataset) {
        let folder = try ImageDataset(trainingFolder: fruit, size: (8, 8), color: .rgb, threads: 1)
        var configuration = TrainingConfiguration()
        configuration.hiddenLayers = [6]
        configuration.maxEpochs = 3
        configuration.refit = false
        configuration.standardization = .perInput
        let result = try Trainer(configuration: configuration).train(folder.dataset)
        let classifier = ImageClassifier(network: result.network, classes: folder.classes, inputFormat: folder.inputFormat,
                                         inputStandardization: result.standardization, temperature: result.temperature)
        return (classifier, folder)
    }

    @Test func trainersInputsForAnImageAreBitIdenticalToPredictions() throws {
        let (classifier, folder) = try Self.trained()
        #expect(!classifier.inputStandardization.isIdentity && classifier.temperature != 1)
        let n = folder.dataset.inputCount
        for i in [0, 57, 399] {
            var x = [Float](repeating: 0, count: n)
            classifier.inputStandardization.gather(folder.dataset.inputs, rows: [i], into: &x)
            let image = try PNG.decode(contentsOf: folder.files[i])
            #expect(classifier.inputs(for: image).map(\.bitPattern) == x.map(\.bitPattern))
            // The probability of a training image is the same through evaluation's and prediction's paths.
            let viaDataset = classifier.probabilities(for: folder.dataset.subset([i])).elements
            #expect(try classifier.probabilities(forFile: folder.files[i]).map(\.bitPattern) == viaDataset.map(\.bitPattern))
        }
    }

    @Test(arguments: [UInt8(0), 1, 3, 127, 128, 200, 254, 255])
    func identityIsExactlyByteOver255(_ b: UInt8) {
        let x = InputStandardization.identity(inputCount: 1).inputs(fromBytes: [b])
        #expect(x == [Float(b) / 255])
    }

    @Test func fittedStandardizationMatchesTheDefinition() {
        let dataset = Dataset(inputs: [0, 255, 10, 51, 255, 10, 102, 0, 10], labels: [0, 1, 0], inputCount: 3, classCount: 2)
        let s = InputStandardization(fitting: dataset)
        #expect(isClose(s.mean[0], 51.0 / 255) && isClose(s.mean[1], 170.0 / 255) && isClose(s.mean[2], 10.0 / 255))
        #expect(isClose(s.deviation[0], Float((2.0 / 3).squareRoot() * 51 / 255)))
        #expect(s.deviation[2] > 0)  // a constant input is floored, never divided by 0
        let x = s.inputs(fromBytes: [51, 170, 10])
        #expect(isClose(x[0], 0, absolute: 1e-6) && isClose(x[1], 0, absolute: 1e-6))
    }

    @Test func temperatureOneIsThePlainForwardPassAndOtherwiseScalesTheLogits() {
        let network = ModelFileFixtures.classifier().network
        let x = Matrix(rows: 2, columns: 4, elements: [0.1, 0.9, 0.3, 0.5, 1, 0, 0.2, 0.7])
        #expect(network.forward(x, temperature: 1) == network.forward(x))
        let z = network.logits(x), p = network.forward(x, temperature: 2)
        for i in 0 ..< 2 {
            let e = (0 ..< 2).map { Foundation.exp(Double(z[i, $0]) / 2) }
            for j in 0 ..< 2 { #expect(isClose(Double(p[i, j]), e[j] / (e[0] + e[1]))) }
        }
    }

    @Test func fittedTemperatureMinimisesTheValidationLoss() throws {
        let (classifier, folder) = try Self.trained()
        let data = folder.dataset
        func nll(_ t: Float) -> Double {
            let p = classifier.probabilities(for: data, temperature: t)
            return (0 ..< data.count).reduce(0.0) { $0 - Foundation.log(Double(p[$1, data.labels[$1]])) } / Double(data.count)
        }
        let t = Trainer.fitTemperature(classifier.network, on: data, standardization: classifier.inputStandardization)
        #expect(nll(t) <= nll(1) && nll(t) <= nll(t * 1.2) && nll(t) <= nll(t / 1.2))
    }

    @Test("the temperature is fitted on augmented copies of the validation images, when augmentation changes images")
    func temperatureIsFittedOnAugmentedCopies() throws {
        let (classifier, folder) = try Self.trained()
        let (network, data, standardization) = (classifier.network, folder.dataset, classifier.inputStandardization)
        let plain = Trainer.fitTemperature(network, on: data, standardization: standardization)
        // 8×8 images are never shifted (`Augmentation.shiftRadius`), but flips change them.
        #expect(Trainer.fitTemperature(network, on: data, standardization: standardization,
                                       augmentation: Augmentation(shift: true), seed: 3) == plain)
        let flipped = Trainer.fitTemperature(network, on: data, standardization: standardization,
                                             augmentation: Augmentation(flip: true), seed: 3)
        #expect(flipped != plain, "the copies changed nothing: T \(flipped)")
        #expect(flipped == Trainer.fitTemperature(network, on: data, standardization: standardization,
                                                  augmentation: Augmentation(flip: true), seed: 3))
        // Rows that are no images (no shape) have nothing to augment.
        var rows = data
        rows.imageShape = nil
        #expect(Trainer.fitTemperature(network, on: rows, standardization: standardization,
                                       augmentation: Augmentation(flip: true), seed: 3) == plain)
        // The same objective written out: `augmentedCopies` copies of the images drawn in turn from
        // the copies' own generator (not the images themselves), the prior counting the images once.
        let shape = try #require(data.imageShape)
        var generator = SeededGenerator(seed: 3 ^ Trainer.copySeedMix)
        var (z, labels, copy) = ([Float](), [Int](), data)
        let all = Array(0 ..< data.count)
        for _ in 0 ..< Trainer.augmentedCopies {
            Augmentation(flip: true).apply(to: data.inputs, rows: all[...], shape: shape, into: &copy.inputs, using: &generator)
            z += network.logits(standardization.inputs(of: copy)).elements
            labels += data.labels
        }
        let written = Trainer.temperatureFit(logits: Matrix(rows: labels.count, columns: data.classCount, elements: z),
                                             labels: labels, priorCount: data.count)
        #expect(flipped == written.temperature && Trainer.augmentedCopies == 4)
    }

    @Test("training's temperature is the fit on augmented copies of its validation images")
    func trainingFitsItsTemperatureOnAugmentedCopies() throws {
        let folder = try ImageDataset(trainingFolder: Self.fruit, size: (8, 8), color: .rgb, threads: 1)
        var configuration = TrainingConfiguration()
        configuration.hiddenLayers = [6]
        configuration.maxEpochs = 3
        configuration.augmentation = Augmentation(flip: true)
        configuration.seed = 11
        let result = try Trainer(configuration: configuration).train(folder.dataset)
        // The validation part, drawn as `train` draws it: the initial weights, then the split.
        var generator = SeededGenerator(seed: 11)
        _ = Network(sizes: result.network.sizes, hiddenActivation: configuration.activation, cost: configuration.cost,
                    using: &generator)
        let validation = folder.dataset.stratifiedSplit(validationFraction: configuration.validationFraction, using: &generator).validation
        let fit = { (augmentation: Augmentation) in
            Trainer.fitTemperature(result.network, on: validation, standardization: result.standardization,
                                   augmentation: augmentation, seed: 11)
        }
        #expect(result.temperature == fit(Augmentation(flip: true)) && result.temperature != fit(.none))
    }

    @Test func aVersionOneModelFileStillLoadsAndPredictsAsBefore() throws {
        let classifier = try ImageClassifier(contentsOf: Self.versionOneFixture)
        #expect(classifier.inputStandardization.isIdentity && classifier.temperature == 1)
        let p = try classifier.prediction(forFile: Self.fruit.appendingPathComponent("../test/apple/0000.png").standardized)
        // Written by `classify predict --json` of the build that wrote the file (format version 1).
        #expect(p.label == "orange" && p.probabilities[0].probability == Float(0.6242780089378357))
    }

    @Test func standardizationAndTemperatureSurviveTheModelFile() throws {
        let (classifier, _) = try Self.trained()
        let bytes = classifier.encodedModelFile()
        let loaded = try ImageClassifier(modelFileBytes: bytes, name: "m.safetensors")
        #expect(loaded.inputStandardization == classifier.inputStandardization && loaded.temperature == classifier.temperature)
        #expect(loaded.network == classifier.network && loaded.encodedModelFile() == bytes)
        #expect(loaded.modelFile().metadata["format_version"] == "2")
    }

    @Test("center subtracts the training images' one mean value and divides by nothing")
    func centerSubtractsTheGlobalMean() {
        let data = Dataset(inputs: [0, 51, 255, 102], labels: [0, 1], inputCount: 2, classCount: 2)
        let centred = StandardizationMode.center.fitted(on: data)
        let mean = Float((0.0 + 51 + 255 + 102) / 255 / 4)
        #expect(centred.mean.allSatisfy { abs($0 - mean) < 1e-6 } && centred.deviation == [1, 1])
        #expect(centred.mean == StandardizationMode.global.fitted(on: data).mean)
        let x = centred.inputs(fromBytes: [255, 0])
        #expect(x.map(\.bitPattern) == [(Float(255) / 255 - centred.mean[0]) / 1, (Float(0) / 255 - centred.mean[1]) / 1].map(\.bitPattern))
    }

    @Test("the temperature's prior keeps a few all-correct validation images from driving T to its bound")
    func temperaturePriorOnFewPerfectImages() {
        // 40 examples, each right by a margin of 4: plain NLL falls without bound as T → 0.
        let logits = Matrix(rows: 40, columns: 2, elements: (0 ..< 40).flatMap { $0 % 2 == 0 ? [Float(4), 0] : [0, 4] })
        let labels = (0 ..< 40).map { $0 % 2 }
        let fit = Trainer.temperatureFit(logits: logits, labels: labels)
        #expect(fit.temperature > 0.3 && fit.temperature < 1, "T \(fit.temperature)")
        // With many mixed examples the prior hardly matters: half of them wrong by the same margin calls for a large T.
        let mixed = Matrix(rows: 4000, columns: 2, elements: (0 ..< 4000).flatMap { $0 % 4 == 0 ? [Float(0), 4] : [4, 0] })
        #expect(Trainer.temperatureFit(logits: mixed, labels: [Int](repeating: 0, count: 4000)).temperature > 2)
        // The prior counts the independent images: five copies of the 40 examples with `priorCount` 40
        // give the 40's own temperature; counted as 200, the prior is weaker and T lower.
        let copies = Matrix(rows: 200, columns: 2, elements: Array([[Float]](repeating: logits.elements, count: 5).joined()))
        let copyLabels = Array([[Int]](repeating: labels, count: 5).joined())
        let counted = Trainer.temperatureFit(logits: copies, labels: copyLabels, priorCount: 40).temperature
        #expect(abs(counted - fit.temperature) < 1e-4, "T \(counted) against \(fit.temperature)")
        #expect(Trainer.temperatureFit(logits: copies, labels: copyLabels).temperature < fit.temperature - 0.05)
    }
}
