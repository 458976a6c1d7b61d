/// Where a continued training starts: an earlier model's weights and what its training recorded.
///
/// `Trainer.train(_:from:…)` takes the weights instead of a fresh initialisation and numbers
/// its epochs after `completedEpochs`, so the new summary continues the old one (5 epochs, then
/// 5 more: epochs 6 … 10, `epochs = 10`). The optimizer's state (momentum, Adam's moments) is
/// not stored in a model file and starts from zero.
public struct TrainingStart: Sendable, Equatable {
    /// The weights to start from; its sizes, hidden activation and cost must be the training's.
    public var network: Network
    /// The earlier training's summary, if the model has one.
    public var summary: TrainingSummary?

    /// A start from `network`, continuing the training `summary` describes.
    public init(network: Network, summary: TrainingSummary?) {
        self.network = network
        self.summary = summary
    }

    /// Epochs the earlier training ran (0 without a summary): the new epochs are numbered after them.
    public var completedEpochs: Int { summary?.epochs ?? 0 }
}
