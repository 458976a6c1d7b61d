import Foundation
import Testing
@testable import Classifier

/// The per-epoch history kept in the model file's `history` metadata.
@Suite struct TrainingHistoryTests {
    typealias F = ModelFileFixtures

    static let history = [
        EpochRecord(epoch: 1, trainingLoss: 0.1 + 0.2, trainingAccuracy: 0.5, validationLoss: 1.0 / 3, validationAccuracy: 0.25),
        EpochRecord(epoch: 2, trainingLoss: 0.125, trainingAccuracy: 0.75),
    ]

    static func classifier(history: [EpochRecord] = history) -> ImageClassifier {
        var classifier = F.classifier()
        classifier.trainingHistory = history
        return classifier
    }

    @Test func historySurvivesARoundTripBitForBit() throws {
        let original = Self.classifier()
        let loaded = try ImageClassifier(modelFileBytes: original.encodedModelFile(), name: "m.safetensors")
        #expect(loaded.trainingHistory == Self.history)
        #expect(loaded == original)
    }

    @Test func historyIsStoredAsDeterministicJSONWithShortestRoundTripFloats() {
        let metadata = Self.classifier().modelFile().metadata
        #expect(metadata["history"] == #"[{"epoch":1,"training_accuracy":0.5,"training_loss":0.30000000000000004,"#
            + #""validation_accuracy":0.25,"validation_loss":0.3333333333333333},"#
            + #"{"epoch":2,"training_accuracy":0.75,"training_loss":0.125}]"#)
    }

    @Test func aModelWithoutHistoryHasNoKeyAndLoadsWithAnEmptyHistory() throws {
        let original = Self.classifier(history: [])
        #expect(original.modelFile().metadata["history"] == nil)
        let loaded = try ImageClassifier(modelFileBytes: original.encodedModelFile(), name: "m.safetensors")
        #expect(loaded.trainingHistory.isEmpty)
    }

    @Test(arguments: [
        (#"{"epoch":1}"#, "is not a JSON array"),
        (#"[{"epoch":1,"training_loss":0.5}]"#, "is not a JSON array"),
        (#"[{"epoch":1.5,"training_loss":0.5,"training_accuracy":1}]"#, "is not a JSON array"),
        (#"[{"epoch":1,"training_loss":"x","training_accuracy":1}]"#, "is not a JSON array"),
        (#"[{"epoch":1,"training_loss":1,"training_accuracy":1,"validation_loss":true}]"#, "is not a JSON array"),
        (#"[{"epoch":1,"training_loss":1,"training_accuracy":1},{"epoch":0,"training_loss":1,"training_accuracy":1}]"#,
         "entry 1 of the 'history' metadata has epoch 0"),
        ("[", "is not a JSON array"),
    ])
    func aMalformedHistoryIsRefusedWithAReason(text: String, reason: String) throws {
        var file = Self.classifier().modelFile()
        file.metadata["history"] = text
        let error = #expect(throws: ClassifierError.self) { try ImageClassifier(modelFile: file, name: "m.safetensors") }
        #expect(error.map { "\($0)".contains("m.safetensors") && "\($0)".contains(reason) } == true, "\(String(describing: error))")
    }

    @Test func theTrainersReportsBecomeRecordsWithoutTheTiming() {
        let report = EpochReport(epoch: 3, maxEpochs: 9, trainingLoss: 0.5, trainingAccuracy: 0.75, validationLoss: nil,
                                 validationAccuracy: nil, samplesPerSecond: 1234, isBest: true)
        #expect(report.record == EpochRecord(epoch: 3, trainingLoss: 0.5, trainingAccuracy: 0.75))
    }
}
