import Testing
@testable import Classifier

@Suite struct DropoutTrainingTests {
    @Test("training with dropout is bit-reproducible, differs from training without, still learns, and is recorded")
    func trainingWithDropout() throws {
        var configuration = TrainingConfiguration()
        (configuration.maxEpochs, configuration.hiddenLayers, configuration.dropout) = (15, [16], 0.3)
        let data = AugmentationTests.bars(count: 120)
        let first = try Trainer(configuration: configuration).train(data)
        let second = try Trainer(configuration: configuration).train(data)
        configuration.dropout = 0
        let plain = try Trainer(configuration: configuration).train(data)
        #expect(first.network == second.network)
        #expect(first.network != plain.network, "dropout changes the steps")
        #expect(first.summary.hyperparameters["dropout"] == "0.3" && plain.summary.hyperparameters["dropout"] == "0.0")
        #expect(TrainingTests.accuracy(first, on: data) > 0.9)
    }

    @Test("dropout outside 0 … 0.9 is refused", arguments: [Float(-0.1), 0.95, 1, .nan])
    func refusesBadProbabilities(p: Float) {
        var configuration = TrainingConfiguration()
        configuration.dropout = p
        #expect(throws: ClassifierError.self) { try configuration.validate() }
    }
}
