/// The buffers of one mini-batch's forward and backward pass, allocated once and reused every
/// step so that the training loop allocates nothing.
///
/// Shapes for a capacity of `m` rows and layer `l` with `nˡ` neurons (`n⁰` inputs):
/// `x` is `m × n⁰`; `s[l]`, `a[l]`, `delta[l]` are `m × nˡ⁺¹`; `weightGradient[l]` is
/// `nˡ⁺¹ × nˡ` like the weights; `biasGradient[l]` has `nˡ⁺¹` values. A smaller batch uses the
/// leading rows. `engine` runs its matrix products on up to `threads` threads.
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

    /// The output activations `aᴸ` (`capacity × classes`; the first `m` rows are the batch's).
    var output: [Float] { a[a.count - 1] }
}

extension Network {
    /// Forward pass of `rows` examples held in `workspace.x`, filling `s` and `a` of every layer.
    func forward(rows m: Int, workspace w: inout BackpropagationWorkspace) {
        precondition(m <= w.capacity, "batch of \(m) rows exceeds the workspace's \(w.capacity)")
        for l in layers.indices {
            Network.feedForward(layers[l], input: l == 0 ? w.x : w.a[l - 1], rows: m, s: &w.s[l], a: &w.a[l],
                                engine: w.engine, threads: w.threads)
        }
    }

    /// Backward pass for `rows` examples after `forward(rows:workspace:)`: fills
    /// `weightGradient` and `biasGradient` with `∂J/∂W` and `∂J/∂b` of the batch-mean cost.
    ///
    /// Mirrors the forward pass in reverse: BP1 at the output, then for each layer from the last
    /// to the first BP3 and BP4, and BP2 to carry the delta one layer back.
    ///
    /// `meanOver` is the `m` of `J = (1/m) Σᵢ Jᵢ` (default: `rows`). A shard of a larger
    /// mini-batch passes the whole batch's size, so that the shards' gradients add up to the
    /// batch's gradient.
    func backward(labels: ArraySlice<Int>, rows m: Int, meanOver total: Int? = nil,
                  workspace w: inout BackpropagationWorkspace) {
        let last = layers.count - 1
        let total = total ?? m
        outputDelta(labels: labels, rows: m, workspace: &w)                     // BP1
        for l in stride(from: last, through: 0, by: -1) {
            biasGradient(layer: l, rows: m, meanOver: total, workspace: &w)     // BP3
            weightGradient(layer: l, rows: m, meanOver: total, workspace: &w)   // BP4
            if l > 0 { backpropagateDelta(toLayer: l - 1, rows: m, workspace: &w) } // BP2
        }
    }

    /// Backward pass fused with a plain gradient-descent step (the `sgd` optimizer's fast path).
    ///
    /// Same equations as `backward` followed by `w ← w − η (∂J/∂w + λ w)`, but BP4 and the
    /// weight update are one sgemm, `Wˡ ← (1 − ηλ) Wˡ − (η/m) (δˡ)ᵀ · Aˡ⁻¹` (α = −η/m, β = 1 − ηλ),
    /// so the weight gradient is never written, zeroed or read back. BP2 runs before the update
    /// of its layer because it needs the old `Wˡ`. Equal to the unfused step up to rounding.
    mutating func backwardWithGradientDescent(labels: ArraySlice<Int>, rows m: Int, learningRate η: Float, l2 λ: Float,
                                              workspace w: inout BackpropagationWorkspace) {
        let last = layers.count - 1
        outputDelta(labels: labels, rows: m, workspace: &w)                     // BP1
        for l in stride(from: last, through: 0, by: -1) {
            biasGradient(layer: l, rows: m, meanOver: m, workspace: &w)         // BP3
            Kernels.sgdStep(parameters: &layers[l].biases, gradient: w.biasGradient[l], learningRate: η, l2: 0)
            if l > 0 { backpropagateDelta(toLayer: l - 1, rows: m, workspace: &w) } // BP2 (old Wˡ)
            let (outputs, inputs) = (layers[l].outputCount, layers[l].inputCount)
            w.engine.sgemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: m,   // BP4 + step
                          alpha: -η / Float(m), a: w.delta[l], b: l == 0 ? w.x : w.a[l - 1], beta: 1 - η * λ,
                          c: &layers[l].weights.elements, threads: w.threads)
        }
    }

    /// BP1, the output delta: `δᴸ = ∂J/∂aᴸ ⊙ f′(sᴸ)`, i.e. `aᴸ − y` for softmax + cross-entropy
    /// and `(aᴸ − y) ⊙ σ′(sᴸ)` for sigmoid + quadratic.
    ///
    /// Shapes: `δᴸ`, `aᴸ`, `sᴸ` are `m × classes`; `labels` (one-hot `y`) has `m` values.
    func outputDelta(labels: ArraySlice<Int>, rows m: Int, workspace w: inout BackpropagationWorkspace) {
        let last = layers.count - 1
        cost.outputDelta(outputs: w.a[last], weightedSums: w.s[last], labels: labels,
                         rows: m, columns: layers[last].outputCount, into: &w.delta[last])
    }

    /// BP2, the delta recursion in batched row form: `δˡ = (δˡ⁺¹ · Wˡ⁺¹) ⊙ f′(sˡ)`.
    ///
    /// Shapes: `δˡ⁺¹` is `m × nˡ⁺¹`, `Wˡ⁺¹` is `nˡ⁺¹ × nˡ`, `δˡ` and `sˡ` are `m × nˡ`.
    /// (`toLayer` indexes `layers`, so `layers[l]` produced `sˡ`.)
    func backpropagateDelta(toLayer l: Int, rows m: Int, workspace w: inout BackpropagationWorkspace) {
        let next = layers[l + 1]
        w.engine.sgemm(transposeA: false, transposeB: false, m: m, n: next.inputCount, k: next.outputCount,
                      alpha: 1, a: w.delta[l + 1], b: next.weights.elements, beta: 0, c: &w.delta[l], threads: w.threads)
        Kernels.multiplyByDerivative(layers[l].activation, delta: &w.delta[l], s: w.s[l], a: w.a[l],
                                     count: m * layers[l].outputCount)
    }

    /// BP3, the bias gradient: `∂J/∂bˡ = (1/m) Σᵢ δˡᵢ` (sum of the rows of `δˡ`).
    ///
    /// Shapes: `δˡ` is `rows × nˡ`; the gradient has `nˡ` values; `m` is `meanOver`.
    func biasGradient(layer l: Int, rows: Int, meanOver m: Int, workspace w: inout BackpropagationWorkspace) {
        Kernels.columnSums(w.delta[l], rows: rows, columns: layers[l].outputCount, scale: 1 / Float(m),
                           into: &w.biasGradient[l])
    }

    /// BP4, the weight gradient: `∂J/∂Wˡ = (1/m) (δˡ)ᵀ · Aˡ⁻¹`.
    ///
    /// Shapes: `δˡ` is `rows × nˡ`, `Aˡ⁻¹` is `rows × nˡ⁻¹` (the inputs for the first layer); the
    /// gradient is `nˡ × nˡ⁻¹`, like `Wˡ`; `m` is `meanOver`.
    func weightGradient(layer l: Int, rows: Int, meanOver m: Int, workspace w: inout BackpropagationWorkspace) {
        let layer = layers[l]
        w.engine.sgemm(transposeA: true, transposeB: false, m: layer.outputCount, n: layer.inputCount, k: rows,
                      alpha: 1 / Float(m), a: w.delta[l], b: l == 0 ? w.x : w.a[l - 1], beta: 0,
                      c: &w.weightGradient[l], threads: w.threads)
    }

    /// Gradients of the batch-mean cost `J = (1/m) Σᵢ Jᵢ` for a batch (allocating; for tests and
    /// tools): `∂J/∂Wˡ` and `∂J/∂bˡ` for every layer, and `J` itself.
    ///
    /// Shapes: `inputs` is `m × sizes[0]`, `labels` has `m` values in `0 ..< classes`.
    public func gradients(inputs: Matrix, labels: [Int], engine: MatrixEngine = .builtin)
        -> (weights: [Matrix], biases: [[Float]], loss: Double) {
        precondition(inputs.columns == sizes[0] && labels.count == inputs.rows,
                     "inputs \(inputs.rows)×\(inputs.columns), labels \(labels.count), network takes \(sizes[0])")
        let m = inputs.rows
        var w = BackpropagationWorkspace(sizes: sizes, capacity: m, engine: engine)
        w.x = inputs.elements
        forward(rows: m, workspace: &w)
        let (loss, _) = cost.totalLoss(outputs: w.output, labels: labels[...], rows: m, columns: sizes[sizes.count - 1])
        backward(labels: labels[...], rows: m, workspace: &w)
        let weights = layers.indices.map {
            Matrix(rows: layers[$0].outputCount, columns: layers[$0].inputCount, elements: w.weightGradient[$0])
        }
        return (weights, w.biasGradient, loss / Double(m))
    }
}
