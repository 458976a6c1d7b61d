import Platform

/// One element-wise activation: `a = f(s)` and its derivative `f′(s)` side by side.
///
/// Each conforming type is a caseless namespace so that the kernels can be specialised per
/// function (the loops of `Kernels+Elementwise.swift` are generic over it) and vectorise without
/// a `switch` per element.
protocol ElementwiseFunction {
    /// `a = f(s)`.
    static func f(_ s: Float) -> Float
    /// `f′(s) = da/ds`.
    static func fPrime(_ s: Float) -> Float
    /// `f′(s)` when `a = f(s)` is known too; functions whose derivative is cheaper in `a` use it.
    static func fPrime(s: Float, a: Float) -> Float
}

extension ElementwiseFunction {
    @inline(__always) static func fPrime(s: Float, a: Float) -> Float { fPrime(s) }
}

/// `σ(s) = 1 / (1 + e⁻ˢ)`, `σ′(s) = σ(s)(1 − σ(s)) = a (1 − a)`.
enum Sigmoid: ElementwiseFunction {
    @inline(__always) static func f(_ s: Float) -> Float { 1 / (1 + expf(-s)) }
    @inline(__always) static func fPrime(_ s: Float) -> Float { fPrime(s: s, a: f(s)) }
    @inline(__always) static func fPrime(s: Float, a: Float) -> Float { a * (1 - a) }
}

/// `tanh(s)`, `tanh′(s) = 1 − tanh²(s) = 1 − a²`.
enum HyperbolicTangent: ElementwiseFunction {
    @inline(__always) static func f(_ s: Float) -> Float { tanhf(s) }
    @inline(__always) static func fPrime(_ s: Float) -> Float { fPrime(s: s, a: f(s)) }
    @inline(__always) static func fPrime(s: Float, a: Float) -> Float { 1 - a * a }
}

/// `ReLU(s) = max(0, s)`, `ReLU′(s) = 1 if s > 0 else 0` (0 at the kink, by convention).
enum RectifiedLinear: ElementwiseFunction {
    @inline(__always) static func f(_ s: Float) -> Float { s > 0 ? s : 0 }
    @inline(__always) static func fPrime(_ s: Float) -> Float { s > 0 ? 1 : 0 }
}

/// `arctan(s)`, `arctan′(s) = 1 / (1 + s²)`.
enum Arctangent: ElementwiseFunction {
    @inline(__always) static func f(_ s: Float) -> Float { atanf(s) }
    @inline(__always) static func fPrime(_ s: Float) -> Float { 1 / (1 + s * s) }
}

/// `identity(s) = s`, `identity′(s) = 1` (for tests and linear layers).
enum Identity: ElementwiseFunction {
    @inline(__always) static func f(_ s: Float) -> Float { s }
    @inline(__always) static func fPrime(_ s: Float) -> Float { 1 }
}

extension Activation {
    /// `f(s)` for one value of an element-wise activation.
    ///
    /// - Precondition: `isElementwise`. Softmax has no value for one `s`: it normalises a whole
    ///   row, `Activation.softmax(_:)`.
    public func callAsFunction(_ s: Float) -> Float {
        switch self {
        case .sigmoid: Sigmoid.f(s)
        case .tanh: HyperbolicTangent.f(s)
        case .relu: RectifiedLinear.f(s)
        case .arctan: Arctangent.f(s)
        case .identity: Identity.f(s)
        case .softmax: preconditionFailure("softmax is not element-wise; apply Activation.softmax(_:) to a row")
        }
    }

    /// `f′(s)` for one value of an element-wise activation.
    ///
    /// - Precondition: `isElementwise`. Softmax has a full Jacobian, `∂aⱼ/∂sₖ = aⱼ (𝟙[j = k] − aₖ)`,
    ///   not a derivative per value; it is only used with the cross-entropy cost, where BP1 folds it
    ///   into `δᴸ = aᴸ − y` (`Cost.outputDelta`).
    public func derivative(_ s: Float) -> Float {
        switch self {
        case .sigmoid: Sigmoid.fPrime(s)
        case .tanh: HyperbolicTangent.fPrime(s)
        case .relu: RectifiedLinear.fPrime(s)
        case .arctan: Arctangent.fPrime(s)
        case .identity: Identity.fPrime(s)
        case .softmax: preconditionFailure("softmax has a Jacobian, not an element-wise derivative; see Cost.outputDelta")
        }
    }

    /// Softmax of one row, stable for large logits: `aⱼ = e^(sⱼ − max s) / Σₖ e^(sₖ − max s)`.
    ///
    /// Shapes: `s` has one value per class; the result has the same count and sums to 1.
    public static func softmax(_ s: [Float]) -> [Float] {
        var a = s
        Kernels.softmaxRows(&a, rows: 1, columns: s.count)
        return a
    }

    /// Whether the activation works element by element (everything but softmax).
    public var isElementwise: Bool { self != .softmax }
}
