extension Network {
    /// The output activations for a batch, one row per example.
    ///
    /// Layer by layer, in batched row form: `Sˡ = Inˡ·(Wˡ)ᵀ + bˡ`, `Aˡ = f(Sˡ)`, where `l` indexes
    /// `layers` from 0 and the input `Inˡ` is the batch for `l = 0` and `Aˡ⁻¹` after (the convention
    /// of `Network+Backpropagation.swift`). For the cross-entropy cost the output rows are softmax
    /// probabilities summing to 1.
    ///
    /// Shapes: `inputs` is `m × sizes[0]`; the result is `m × sizes.last` (classes).
    /// Allocates its result and intermediates — training uses a reused workspace instead. The
    /// products run on `engine` with up to `threads` threads; one row (one image) is a
    /// matrix–vector product on the built-in kernel, which loads nothing and starts no thread.
    public func forward(_ inputs: Matrix, engine: MatrixEngine = .builtin, threads: Int = 1) -> Matrix {
        precondition(inputs.columns == sizes.first ?? 0,
                     "inputs \(inputs.rows)×\(inputs.columns) but the network takes \(sizes.first ?? 0) inputs")
        var a = inputs.elements
        for layer in layers {
            var s = [Float](repeating: 0, count: inputs.rows * layer.outputCount)
            var next = s
            Network.feedForward(layer, input: a, rows: inputs.rows, s: &s, a: &next, engine: engine, threads: threads)
            a = next
        }
        return Matrix(rows: inputs.rows, columns: layers.last?.outputCount ?? inputs.columns, elements: a)
    }

    /// One layer of the forward pass into given buffers: `S = A·Wᵀ + b`, `A′ = f(S)`.
    ///
    /// Shapes: `input` is `rows × layer.inputCount`; `s` and `a` get `rows × layer.outputCount`.
    static func feedForward(_ layer: DenseLayer, input: [Float], rows: Int, s: inout [Float], a: inout [Float],
                            engine: MatrixEngine, threads: Int) {
        engine.sgemm(transposeA: false, transposeB: true, m: rows, n: layer.outputCount, k: layer.inputCount,
                      alpha: 1, a: input, b: layer.weights.elements, beta: 0, c: &s, threads: threads)
        Kernels.addBiasAndActivate(layer.activation, s: &s, a: &a, biases: layer.biases,
                                   rows: rows, columns: layer.outputCount)
    }
}
