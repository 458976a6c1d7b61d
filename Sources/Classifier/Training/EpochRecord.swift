/// The deterministic part of one epoch's report: what the model file keeps of training's history.
///
/// No timings (unlike `EpochReport.samplesPerSecond`): the same data and seed must give a
/// byte-identical model file. Stored under the `history` metadata key as a JSON array of
/// `{epoch, training_loss, training_accuracy, validation_loss, validation_accuracy}` objects.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean cost over the epoch's mini-batches.
    public var trainingLoss: Double
    /// Fraction of training examples classified correctly during the epoch.
    public var trainingAccuracy: Double
    /// Mean cost on the validation part after the epoch; `nil` without validation.
    public var validationLoss: Double?
    /// Fraction of validation examples classified correctly after the epoch; `nil` without validation.
    public var validationAccuracy: Double?

    /// Creates a record from its values.
    public init(epoch: Int, trainingLoss: Double, trainingAccuracy: Double,
                validationLoss: Double? = nil, validationAccuracy: Double? = nil) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
    }
}

extension EpochReport {
    /// What the model file keeps of this report (everything but the timing and the epoch bound).
    public var record: EpochRecord {
        EpochRecord(epoch: epoch, trainingLoss: trainingLoss, trainingAccuracy: trainingAccuracy,
                    validationLoss: validationLoss, validationAccuracy: validationAccuracy)
    }
}
