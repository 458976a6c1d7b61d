import Platform

/// How a gradient becomes a step of the weights.
///
/// - `sgd`: plain gradient descent `w ← w − η g` (the seed article's), default `η = 0.1`.
/// - `momentum`: `v ← μ v − η g`, `w ← w + v`, default `η = 0.01`, `μ = 0.9`.
/// - `adam`: Kingma & Ba 2015, default `η = 0.001`, `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
///
/// L2 weight decay adds `λ w` to each weight gradient (never to biases).
public enum Optimizer: String, Sendable, Codable, CaseIterable {
    case sgd
    case momentum
    case adam

    /// The learning rate `η` used when none is given.
    public var defaultLearningRate: Float {
        switch self {
        case .sgd: 0.1
        case .momentum: 0.01
        case .adam: 0.001
        }
    }

    /// Momentum `μ`.
    static let momentumCoefficient: Float = 0.9
    /// Adam's `β₁`, `β₂`, `ε`.
    static let adamBeta1: Float = 0.9, adamBeta2: Float = 0.999, adamEpsilon: Float = 1e-8
}

/// An optimizer's running state for one network: per layer the momentum velocity, or Adam's
/// first and second moment estimates `m`, `v` and the step count `t` for bias correction.
/// Shapes mirror the layers (`nˡ × nˡ⁻¹` for weights, `nˡ` for biases).
struct OptimizerState {
    let optimizer: Optimizer
    /// `η` of the next step (the trainer's schedule may change it between steps).
    var learningRate: Float
    let l2: Float
    private var weightMoment1: [[Float]], biasMoment1: [[Float]]   // velocity or Adam m
    private var weightMoment2: [[Float]], biasMoment2: [[Float]]   // Adam v
    private(set) var step = 0

    init(optimizer: Optimizer, learningRate: Float, l2: Float, network: Network) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.l2 = l2
        let weights = optimizer == .sgd ? [] : network.layers.map { [Float](repeating: 0, count: $0.weights.elements.count) }
        let biases = optimizer == .sgd ? [] : network.layers.map { [Float](repeating: 0, count: $0.biases.count) }
        weightMoment1 = weights
        biasMoment1 = biases
        weightMoment2 = optimizer == .adam ? weights : []
        biasMoment2 = optimizer == .adam ? biases : []
    }

    /// Applies one step to every layer of `network` with the gradients in `workspace`.
    mutating func update(_ network: inout Network, with workspace: BackpropagationWorkspace) {
        let threads = workspace.threads
        step += 1
        let η = learningRate
        switch optimizer {
        case .sgd:
            for l in network.layers.indices {
                Kernels.sgdStep(parameters: &network.layers[l].weights.elements, gradient: workspace.weightGradient[l],
                                learningRate: η, l2: l2)
                Kernels.sgdStep(parameters: &network.layers[l].biases, gradient: workspace.biasGradient[l],
                                learningRate: η, l2: 0)
            }
        case .momentum:
            let μ = Optimizer.momentumCoefficient
            for l in network.layers.indices {
                Kernels.momentumStep(parameters: &network.layers[l].weights.elements, velocity: &weightMoment1[l],
                                     gradient: workspace.weightGradient[l], learningRate: η, momentum: μ, l2: l2)
                Kernels.momentumStep(parameters: &network.layers[l].biases, velocity: &biasMoment1[l],
                                     gradient: workspace.biasGradient[l], learningRate: η, momentum: μ, l2: 0)
            }
        case .adam:
            let (β1, β2, ε) = (Optimizer.adamBeta1, Optimizer.adamBeta2, Optimizer.adamEpsilon)
            let c1 = Float(1 - pow(Double(β1), Double(step)))
            let c2 = Float(1 - pow(Double(β2), Double(step)))
            for l in network.layers.indices {
                Kernels.adamStep(parameters: &network.layers[l].weights.elements, m: &weightMoment1[l],
                                 v: &weightMoment2[l], gradient: workspace.weightGradient[l], learningRate: η,
                                 beta1: β1, beta2: β2, epsilon: ε, correction1: c1, correction2: c2, l2: l2,
                                 threads: threads)
                Kernels.adamStep(parameters: &network.layers[l].biases, m: &biasMoment1[l],
                                 v: &biasMoment2[l], gradient: workspace.biasGradient[l], learningRate: η,
                                 beta1: β1, beta2: β2, epsilon: ε, correction1: c1, correction2: c2, l2: 0)
            }
        }
    }
}
