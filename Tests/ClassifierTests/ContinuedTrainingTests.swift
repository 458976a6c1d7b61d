import Foundation
import Imaging
import Testing
@testable import Classifier

/// `Trainer.train(_:from:)` and `ImageClassifier.continuation(on:configuration:name:)`.
@Suite struct ContinuedTrainingTests {
    static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-data/digits/train")

    static func configuration(epochs: Int) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.hiddenLayers = [32]
        c.maxEpochs = epochs
        c.patience = 100
        c.seed = 3
        c.refit = false  // the validated run's epochs are compared; the refit is checked below
        c.averageWeights = false  // the moving average is not stored in the model, so it restarts when training continues
        return c
    }

    @Test func fiveEpochsThenFiveMoreReachTheLossOfTenStraight() throws {
        let folder = try ImageDataset(trainingFolder: Self.digits, threads: 1)
        let straight = try Trainer(configuration: Self.configuration(epochs: 10)).train(folder.dataset)
        let first = try Trainer(configuration: Self.configuration(epochs: 5)).train(folder.dataset)
        let classifier = ImageClassifier(network: first.network, classes: folder.classes,
                                         inputFormat: folder.inputFormat, summary: first.summary)
        let (matched, start) = try classifier.continuation(on: folder, configuration: Self.configuration(epochs: 5),
                                                           name: "first.safetensors")
        let continued = try Trainer(configuration: Self.configuration(epochs: 5)).train(matched.dataset, from: start)

        let loss = { (result: TrainingResult) in try #require(result.history.last?.validationLoss) }
        let (five, ten, fivePlusFive) = (try loss(first), try loss(straight), try loss(continued))
        print("validation loss: 5 epochs \(five), 10 straight \(ten), 5 + 5 continued \(fivePlusFive)")
        #expect(abs(fivePlusFive - ten) <= 0.1 * ten, "5 + 5 epochs: \(fivePlusFive), 10 straight: \(ten)")
        #expect(fivePlusFive < 0.75 * five, "continuing must start from the trained weights, not afresh")
        #expect(continued.history.map(\.epoch) == Array(6 ... 10))
        #expect(continued.history.allSatisfy { $0.maxEpochs == 10 })
        #expect(continued.summary.epochs == 10 && (6 ... 10).contains(continued.summary.bestEpoch))
        #expect(continued.summary.hyperparameters["continued_after_epoch"] == "5")
        // Same seed and data: the validation split is the first training's.
        #expect(continued.summary.validationExamples == first.summary.validationExamples)
    }

    /// Continuing keeps the model's input standardization (its weights were trained on those
    /// inputs) in the run and in the refit; the temperature is fitted again on validation, and
    /// stays the model's without calibration.
    @Test(arguments: [true, false])
    func theModelsStandardizationIsKept(calibrate: Bool) throws {
        let folder = try ImageDataset(trainingFolder: Self.digits, threads: 1)
        var c = Self.configuration(epochs: 2)
        (c.standardization, c.refit) = (.perInput, true)
        let first = try Trainer(configuration: c).train(folder.dataset)
        let classifier = ImageClassifier(network: first.network, classes: folder.classes, inputFormat: folder.inputFormat,
                                         inputStandardization: first.standardization, temperature: 1.5, summary: first.summary)
        c.standardization = .none
        c.calibrate = calibrate
        let (matched, start) = try classifier.continuation(on: folder, configuration: c, name: "first.safetensors")
        #expect(start.standardization == first.standardization && start.temperature == 1.5)
        let continued = try Trainer(configuration: c).train(matched.dataset, from: start)
        #expect(continued.standardization == first.standardization)
        #expect(calibrate ? continued.temperature != 1.5 : continued.temperature == 1.5)
        let refit = continued.history.filter(\.isRefit)
        #expect(!refit.isEmpty && refit.first?.epoch == 3 && refit.last?.epoch == continued.summary.bestEpoch)
        #expect(continued.summary.refitEpochs == continued.summary.bestEpoch)
    }

    /// One change each that a continuation must refuse, with a word the reason must contain.
    enum Mismatch: String, CaseIterable {
        case classes, inputFormat, hiddenLayers, activation, cost
    }

    @Test(arguments: Mismatch.allCases)
    func aMismatchIsRefusedNamingWhatDiffers(_ mismatch: Mismatch) throws {
        let folder = try ImageDataset(trainingFolder: Self.digits, threads: 1)
        var generator = SeededGenerator(seed: 1)
        let network = Network(sizes: [64, 16, 10], hiddenActivation: .tanh, cost: .crossEntropy, using: &generator)
        let model = ImageClassifier(network: network, classes: folder.classes, inputFormat: folder.inputFormat)
        var data = folder
        var c = TrainingConfiguration()
        (c.hiddenLayers, c.activation, c.cost) = ([16], .tanh, .crossEntropy)
        let expected: String
        switch mismatch {
        case .classes: data.classes[9] = "nine"; expected = "no images of 9; new nine"
        case .inputFormat: data.inputFormat.background = .black; expected = "background #000000"
        case .hiddenLayers: c.hiddenLayers = [16, 8]; expected = "hidden layers are 16 but the training asks for 16,8"
        case .activation: c.activation = .relu; expected = "hidden activation is tanh"
        case .cost: c.cost = .quadratic; expected = "cost is cross-entropy"
        }
        #expect {
            _ = try model.continuation(on: data, configuration: c, name: "m.safetensors")
        } throws: { error in
            guard case let .cannotContinue(name, reason) = error as? ClassifierError else { return false }
            return name == "m.safetensors" && reason.contains(expected)
        }
    }

    @Test func classesInAnotherOrderAreRenumberedToTheModels() throws {
        let folder = try ImageDataset(trainingFolder: Self.digits, threads: 1)
        var generator = SeededGenerator(seed: 1)
        let network = Network(sizes: [64, 10], hiddenActivation: .relu, cost: .crossEntropy, using: &generator)
        let reversed = Array(folder.classes.reversed())
        let model = ImageClassifier(network: network, classes: reversed, inputFormat: folder.inputFormat)
        var c = TrainingConfiguration()
        c.hiddenLayers = []
        let (matched, start) = try model.continuation(on: folder, configuration: c, name: "m")
        #expect(matched.classes == reversed)
        #expect(zip(folder.dataset.labels, matched.dataset.labels).allSatisfy { $0 == 9 - $1 })
        #expect(start.network == network && start.completedEpochs == 0)
    }

    @Test func aStartThatDoesNotFitTheConfigurationIsRefused() throws {
        var generator = SeededGenerator(seed: 1)
        let network = Network(sizes: [4, 3, 2], hiddenActivation: .relu, cost: .crossEntropy, using: &generator)
        let data = Dataset(inputs: [0, 255, 0, 255, 255, 0, 255, 0], labels: [0, 1], inputCount: 4, classCount: 2)
        var c = TrainingConfiguration()
        c.hiddenLayers = [5]
        c.validationFraction = 0
        #expect(throws: ClassifierError.self) {
            try Trainer(configuration: c).train(data, from: TrainingStart(network: network, summary: nil))
        }
    }
}
