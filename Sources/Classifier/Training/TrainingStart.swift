/// Where a continued training starts: an earlier model's weights and what its training recorded.
///
/// `Trainer.train(_:from:…)` takes the weights instead of a fresh initialisation and numbers
/// its epochs after `completedEpochs`, so the new summary continues the old one (5 epochs, then
/// 5 more: epochs 6 … 10, `epochs = 10`). The optimizer's state (momentum, Adam's moments) is
/// not stored in a model file and starts from zero. The earlier input standardization is kept
/// (the weights were trained on those inputs); the temperature is kept unless training fits it again.
public struct TrainingStart: Sendable, Equatable {
    /// The weights to start from; its sizes, hidden activation and cost must be the training's.
    public var network: Network
    /// The earlier training's summary, if the model has one.
    public var summary: TrainingSummary?
    /// The earlier model's `x = (b / 255 − mean) / deviation`; `nil` fits one as a new training does.
    public var standardization: InputStandardization?
    /// The earlier model's softmax temperature.
    public var temperature: Float

    /// A start from `network` (with its standardization and temperature), continuing the training `summary` describes.
    public init(network: Network, summary: TrainingSummary?, standardization: InputStandardization? = nil, temperature: Float = 1) {
        self.network = network
        self.summary = summary
        self.standardization = standardization
        self.temperature = temperature
    }

    /// Epochs the earlier training ran (0 without a summary): the new epochs are numbered after them.
    public var completedEpochs: Int { summary?.epochs ?? 0 }
}
