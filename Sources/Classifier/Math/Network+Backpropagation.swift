// Backpropagation as the four equations of Michael Nielsen, "Neural Networks and Deep Learning",
// chapter 2, "How the backpropagation algorithm works" (http://neuralnetworksanddeeplearning.com/chap2.html),
// in batched row form (one row per example of a mini-batch of m):
//
//   BP1  δᴸ = ∂J/∂Aᴸ ⊙ f′(Sᴸ)           output delta (softmax + cross-entropy: Aᴸ − Y)
//   BP2  δˡ = (δˡ⁺¹ · Wˡ⁺¹) ⊙ f′(Sˡ)     delta of layer l from the layer after it
//   BP3  ∂J/∂bˡ = (1/m) Σᵢ δˡᵢ            bias gradient: column sums of δˡ
//   BP4  ∂J/∂Wˡ = (1/m) (δˡ)ᵀ · Inˡ       weight gradient, Inˡ = the input of layer l
//
// Index convention, in every comment of this file: superscript l is the code's index, `layers[l]`
// (0-based), and L is the last layer. Layer l maps `sizes[l]` inputs to `sizes[l + 1]` outputs,
// written nₗ → nₗ₊₁: `Wˡ` is nₗ₊₁ × nₗ, `bˡ` has nₗ₊₁ values, `Sˡ`, `Aˡ` and `δˡ` are m × nₗ₊₁, and its
// input `Inˡ` is m × nₗ: the batch `X` for l = 0, `Aˡ⁻¹` otherwise (`BackpropagationWorkspace.input(ofLayer:)`).
// Nielsen (and DESIGN §4) number the layers from 1 with the input as a⁰ or a¹; the equations are the same.

/// The buffers of one mini-batch's forward and backward pass, allocated once and reused every
/// step so that the training loop allocates nothing.
///
/// Shapes for a capacity of `m` rows (indices as in the header of this file): `x` is `m × n₀`;
/// `s[l]`, `a[l]`, `delta[l]` hold `Sˡ`, `Aˡ`, `δˡ` (`m × nₗ₊₁`); `weightGradient[l]` holds
/// `∂J/∂Wˡ` (`nₗ₊₁ × nₗ`, like the weights); `biasGradient[l]` holds `∂J/∂bˡ` (`nₗ₊₁` values).
/// A smaller batch uses the leading rows. `engine` runs its matrix products on up to `threads` threads.
struct BackpropagationWorkspace {
    let capacity: Int
    let engine: MatrixEngine
    let threads: Int
    var x: [Float]
    /// The class index of each row (`capacity` values; the first `m` are the batch's).
    var labels: [Int]
    /// The summed cost and the correctly classified count of the last batch run through it.
    var loss = 0.0, correct = 0
    var s: [[Float]]
    var a: [[Float]]
    var delta: [[Float]]
    var weightGradient: [[Float]]
    var biasGradient: [[Float]]
    /// The dropout masks `Dˡ` of the hidden layers (`m × nₗ₊₁`, each entry 0 or `1 / (1 − p)`),
    /// allocated by the first forward pass with dropout; `isMasked` says whether the last forward
    /// pass applied them (`Ãˡ = f(Sˡ) ⊙ Dˡ`), and so whether BP2 must.
    var masks: [[Float]] = []
    var isMasked = false

    init(sizes: [Int], capacity: Int, engine: MatrixEngine = .builtin, threads: Int = 1) {
        self.capacity = capacity
        self.engine = engine
        self.threads = threads
        x = [Float](repeating: 0, count: capacity * sizes[0])
        labels = [Int](repeating: 0, count: capacity)
        let outputs = sizes.dropFirst()
        s = outputs.map { [Float](repeating: 0, count: capacity * $0) }
        a = s
        delta = s
        weightGradient = zip(sizes, outputs).map { [Float](repeating: 0, count: $0 * $1) }
        biasGradient = outputs.map { [Float](repeating: 0, count: $0) }
    }

    /// `Inˡ`, the input of layer `l`: the batch `X` for the first layer, `Aˡ⁻¹` for the others (`m × nₗ`).
    func input(ofLayer l: Int) -> [Float] { l == 0 ? x : a[l - 1] }

    /// The output activations `Aᴸ` (`capacity × classes`; the first `m` rows are the batch's).
    var output: [Float] { a[a.count - 1] }
}

extension Network {
    /// Forward pass of `rows` examples held in `workspace.x`, filling `Sˡ` and `Aˡ` of every layer:
    /// `Sˡ = Inˡ · (Wˡ)ᵀ + bˡ`, `Aˡ = f(Sˡ)`.
    func forward(rows m: Int, workspace: inout BackpropagationWorkspace) {
        precondition(m <= workspace.capacity, "batch of \(m) rows exceeds the workspace's \(workspace.capacity)")
        workspace.isMasked = false
        for l in layers.indices {
            Network.feedForward(layers[l], input: workspace.input(ofLayer: l), rows: m,
                                s: &workspace.s[l], a: &workspace.a[l],
                                engine: workspace.engine, threads: workspace.threads)
        }
    }

    /// Forward pass with (inverted) dropout on the hidden layers: after each hidden layer
    /// `Ãˡ = f(Sˡ) ⊙ Dˡ`, where every entry of the mask `Dˡ` is 0 with probability `p` and
    /// `1 / (1 − p)` otherwise, drawn from `generator`, so `E[Ãˡ] = f(Sˡ)` and prediction needs no
    /// rescaling. The output layer is never masked. `p = 0` is `forward(rows:workspace:)`.
    func forward(rows m: Int, workspace: inout BackpropagationWorkspace, dropout p: Float,
                 using generator: inout some RandomNumberGenerator) {
        guard p > 0 else { return forward(rows: m, workspace: &workspace) }
        precondition(m <= workspace.capacity, "batch of \(m) rows exceeds the workspace's \(workspace.capacity)")
        if workspace.masks.isEmpty { workspace.masks = workspace.a.dropLast().map { [Float](repeating: 0, count: $0.count) } }
        workspace.isMasked = true
        for l in layers.indices {
            Network.feedForward(layers[l], input: workspace.input(ofLayer: l), rows: m,
                                s: &workspace.s[l], a: &workspace.a[l],
                                engine: workspace.engine, threads: workspace.threads)
            if l < layers.count - 1 {
                Kernels.dropOut(&workspace.a[l], mask: &workspace.masks[l], count: m * layers[l].outputCount,
                                probability: p, using: &generator)
            }
        }
    }

    /// Backward pass for `rows` examples after `forward(rows:workspace:)`: fills
    /// `weightGradient` and `biasGradient` with `∂J/∂Wˡ` and `∂J/∂bˡ` of the batch-mean cost.
    ///
    /// Mirrors the forward pass in reverse: BP1 at the output, then for each layer from the last
    /// to the first BP3 and BP4, and BP2 to carry the delta one layer back.
    func backward(labels: ArraySlice<Int>, rows m: Int, smoothing ε: Float = 0, workspace: inout BackpropagationWorkspace) {
        outputDelta(labels: labels, rows: m, smoothing: ε, workspace: &workspace)            // BP1
        for l in layers.indices.reversed() {
            biasGradient(layer: l, rows: m, meanOver: m, workspace: &workspace)              // BP3
            weightGradient(layer: l, rows: m, meanOver: m, workspace: &workspace)            // BP4
            if l > 0 { backpropagateDelta(toLayer: l - 1, rows: m, workspace: &workspace) }  // BP2
        }
    }

    /// Backward pass fused with a plain gradient-descent step (the `sgd` optimizer's fast path).
    ///
    /// Same equations as `backward` followed by `Wˡ ← Wˡ − η (∂J/∂Wˡ + λ Wˡ)`, but BP4 and the
    /// weight update are one sgemm, `Wˡ ← (1 − ηλ) Wˡ − (η/m) (δˡ)ᵀ · Inˡ` (α = −η/m, β = 1 − ηλ),
    /// so the weight gradient is never written, zeroed or read back. BP2 runs before the update
    /// of its layer because it needs the old `Wˡ`. Equal to the unfused step up to rounding.
    mutating func backwardWithGradientDescent(labels: ArraySlice<Int>, rows m: Int, smoothing ε: Float = 0,
                                              learningRate η: Float, l2 λ: Float,
                                              workspace: inout BackpropagationWorkspace) {
        outputDelta(labels: labels, rows: m, smoothing: ε, workspace: &workspace)            // BP1
        for l in layers.indices.reversed() {
            biasGradient(layer: l, rows: m, meanOver: m, workspace: &workspace)              // BP3
            Kernels.sgdStep(parameters: &layers[l].biases, gradient: workspace.biasGradient[l], learningRate: η, l2: 0)
            if l > 0 { backpropagateDelta(toLayer: l - 1, rows: m, workspace: &workspace) }  // BP2 (old Wˡ)
            let (outputs, inputs) = (layers[l].outputCount, layers[l].inputCount)
            workspace.engine.sgemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: m,    // BP4 + step
                          alpha: -η / Float(m), a: workspace.delta[l], b: workspace.input(ofLayer: l),
                          beta: 1 - η * λ, c: &layers[l].weights.elements, threads: workspace.threads)
        }
    }

    /// BP1, the output delta: `δᴸ = ∂J/∂Aᴸ ⊙ f′(Sᴸ)`, i.e. `Aᴸ − Y` for softmax + cross-entropy
    /// and `(Aᴸ − Y) ⊙ σ′(Sᴸ)` for sigmoid + quadratic (`Y = (1 − ε)·onehot + ε/K`, one-hot for `ε = 0`).
    ///
    /// Shapes: `δᴸ`, `Aᴸ`, `Sᴸ` are `m × classes`; `labels` (the rows of `Y`) has `m` values.
    func outputDelta(labels: ArraySlice<Int>, rows m: Int, smoothing ε: Float = 0, workspace: inout BackpropagationWorkspace) {
        let last = layers.count - 1
        cost.outputDelta(outputs: workspace.a[last], weightedSums: workspace.s[last], labels: labels,
                         rows: m, columns: layers[last].outputCount, smoothing: ε, into: &workspace.delta[last])
    }

    /// BP2, the delta of layer `l` from the layer after it: `δˡ = (δˡ⁺¹ · Wˡ⁺¹) ⊙ f′(Sˡ)`, and
    /// after a forward pass with dropout `δˡ = (δˡ⁺¹ · Wˡ⁺¹) ⊙ f′(Sˡ) ⊙ Dˡ` (the masked units had
    /// no effect on the cost; `f′` then comes from `Sˡ` alone, since `Aˡ` holds `f(Sˡ) ⊙ Dˡ`).
    ///
    /// Shapes: `δˡ⁺¹` is `m × nₗ₊₂`, `Wˡ⁺¹` is `nₗ₊₂ × nₗ₊₁`, `δˡ`, `Sˡ` and `Dˡ` are `m × nₗ₊₁`.
    func backpropagateDelta(toLayer l: Int, rows m: Int, workspace: inout BackpropagationWorkspace) {
        let next = layers[l + 1]
        workspace.engine.sgemm(transposeA: false, transposeB: false, m: m, n: next.inputCount, k: next.outputCount,
                      alpha: 1, a: workspace.delta[l + 1], b: next.weights.elements, beta: 0, c: &workspace.delta[l],
                                threads: workspace.threads)
        let count = m * layers[l].outputCount
        if workspace.isMasked {
            Kernels.multiplyByDerivative(layers[l].activation, delta: &workspace.delta[l], s: workspace.s[l], count: count)
            Kernels.multiply(&workspace.delta[l], by: workspace.masks[l], count: count)
        } else {
            Kernels.multiplyByDerivative(layers[l].activation, delta: &workspace.delta[l], s: workspace.s[l],
                                         a: workspace.a[l], count: count)
        }
    }

    /// BP3, the bias gradient: `∂J/∂bˡ = (1/m) Σᵢ δˡᵢ` (the column sums of `δˡ`).
    ///
    /// Shapes: `δˡ` is `rows × nₗ₊₁`; the gradient has `nₗ₊₁` values; `m` is `meanOver`.
    func biasGradient(layer l: Int, rows: Int, meanOver m: Int, workspace: inout BackpropagationWorkspace) {
        Kernels.columnSums(workspace.delta[l], rows: rows, columns: layers[l].outputCount, scale: 1 / Float(m),
                           into: &workspace.biasGradient[l])
    }

    /// BP4, the weight gradient: `∂J/∂Wˡ = (1/m) (δˡ)ᵀ · Inˡ`.
    ///
    /// Shapes: `δˡ` is `rows × nₗ₊₁`, `Inˡ` is `rows × nₗ`; the gradient is `nₗ₊₁ × nₗ`, like `Wˡ`;
    /// `m` is `meanOver`.
    func weightGradient(layer l: Int, rows: Int, meanOver m: Int, workspace: inout BackpropagationWorkspace) {
        let layer = layers[l]
        workspace.engine.sgemm(transposeA: true, transposeB: false, m: layer.outputCount, n: layer.inputCount, k: rows,
                      alpha: 1 / Float(m), a: workspace.delta[l], b: workspace.input(ofLayer: l), beta: 0,
                      c: &workspace.weightGradient[l], threads: workspace.threads)
    }

    /// Gradients of the batch-mean cost `J = (1/m) Σᵢ Jᵢ` for a batch (allocating; for tests and
    /// tools): `∂J/∂Wˡ` and `∂J/∂bˡ` for every layer, and `J` itself, for the targets
    /// `(1 − ε)·onehot + ε/K` (label smoothing `ε`, 0 for one-hot).
    ///
    /// Shapes: `inputs` is `m × sizes[0]`, `labels` has `m` values in `0 ..< classes`.
    public func gradients(inputs: Matrix, labels: [Int], smoothing ε: Float = 0, engine: MatrixEngine = .builtin)
        -> (weights: [Matrix], biases: [[Float]], loss: Double) {
        precondition(inputs.columns == sizes[0] && labels.count == inputs.rows,
                     "inputs \(inputs.rows)×\(inputs.columns), labels \(labels.count), network takes \(sizes[0])")
        let m = inputs.rows
        var workspace = BackpropagationWorkspace(sizes: sizes, capacity: m, engine: engine)
        workspace.x = inputs.elements
        forward(rows: m, workspace: &workspace)
        let (loss, _) = cost.totalLoss(outputs: workspace.output, labels: labels[...], rows: m,
                                       columns: sizes[sizes.count - 1], smoothing: ε)
        backward(labels: labels[...], rows: m, smoothing: ε, workspace: &workspace)
        let weights = layers.indices.map {
            Matrix(rows: layers[$0].outputCount, columns: layers[$0].inputCount, elements: workspace.weightGradient[$0])
        }
        return (weights, workspace.biasGradient, loss / Double(m))
    }
}
