import Testing
@testable import Classifier

@Suite struct LabelSmoothingTests {
    @Test("label smoothing is on by default (ε = 0.05), is recorded, changes the steps, and training still learns")
    func defaultTrainingSmoothsTheLabels() throws {
        var configuration = TrainingConfiguration()
        #expect(configuration.labelSmoothing == 0.05)
        (configuration.maxEpochs, configuration.hiddenLayers) = (15, [16])
        let data = AugmentationTests.bars(count: 120)
        let smoothed = try Trainer(configuration: configuration).train(data)
        configuration.labelSmoothing = 0
        let plain = try Trainer(configuration: configuration).train(data)
        #expect(smoothed.network != plain.network, "the smoothed targets change the steps")
        #expect(smoothed.summary.hyperparameters["label_smoothing"] == "0.05" && plain.summary.hyperparameters["label_smoothing"] == "0.0")
        #expect(TrainingTests.accuracy(smoothed, on: data) > 0.9)
    }

    /// The smoothed cross-entropy `−Σⱼ yⱼ ln aⱼ` is smallest at `a = y`: trained long on two
    /// points (each repeated), a softmax classifier's probability of the label settles at
    /// `1 − ε + ε/K` instead of climbing towards 1 as it does with one-hot targets.
    @Test("trained long, the label's probability settles near 1 − ε + ε/K (one-hot: towards 1)",
          arguments: [(Float(0.3), 0.85), (0, 1)])
    func probabilitiesSettleAtTheSmoothedTargets(ε: Float, target: Double) throws {
        var configuration = TrainingConfiguration()
        (configuration.hiddenLayers, configuration.validationFraction, configuration.maxEpochs) = ([], 0, 150)
        (configuration.labelSmoothing, configuration.learningRate, configuration.averageWeights) = (ε, 0.05, false)
        let data = Dataset(inputs: Array(repeating: [0, 255, 255, 0] as [UInt8], count: 20).flatMap { $0 },
                           labels: Array(repeating: [0, 1], count: 20).flatMap { $0 }, inputCount: 2, classCount: 2)
        let result = try Trainer(configuration: configuration).train(data)
        let x = Matrix(rows: data.count, columns: 2, elements: result.standardization.inputs(fromBytes: data.inputs))
        let output = result.network.forward(x)
        let label = (0 ..< data.count).map { Double(output[$0, data.labels[$0]]) }
        if ε > 0 {
            #expect(label.allSatisfy { abs($0 - target) < 0.01 }, "probabilities of the label \(Set(label)), target \(target)")
        } else {
            #expect(label.allSatisfy { $0 > 0.97 }, "one-hot targets push the label's probability towards 1: \(Set(label))")
        }
    }

    @Test("label smoothing outside 0 … 0.5 is refused", arguments: [Float(-0.1), 0.6, 1, .nan])
    func refusesBadValues(ε: Float) {
        var configuration = TrainingConfiguration()
        configuration.labelSmoothing = ε
        #expect(throws: ClassifierError.self) { try configuration.validate() }
    }
}
