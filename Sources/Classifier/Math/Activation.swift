/// A neuron's activation function `a = f(s)` with its derivative `f′(s)` beside it.
///
/// `softmax` is the one activation that is not element-wise: `aⱼ = exp(sⱼ) / Σₖ exp(sₖ)` over a
/// row; it is used only on the output layer together with the cross-entropy cost, where BP1
/// simplifies to `δᴸ = aᴸ − y` and `f′` is never needed.
public enum Activation: String, Sendable, Codable, CaseIterable {
    case sigmoid
    case tanh
    case relu
    case arctan
    case identity
    case softmax
}
