/// The cost function `J` that training minimises, averaged over a mini-batch.
///
/// - `crossEntropy`: `J = −Σⱼ yⱼ ln aⱼ` with a softmax output layer (the default).
/// - `quadratic`: `J = ½ ‖a − y‖²` with sigmoid outputs (the seed article's cost).
public enum Cost: String, Sendable, Codable, CaseIterable {
    case crossEntropy = "cross-entropy"
    case quadratic

    /// The output-layer activation this cost is paired with.
    public var outputActivation: Activation { self == .crossEntropy ? .softmax : .sigmoid }
}
