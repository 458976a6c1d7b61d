/// The one conversion from stored bytes to network inputs, shared by training, evaluation and
/// prediction (DESIGN.md §1):
/// ```
/// xⱼ = (bⱼ / 255 − meanⱼ) / deviationⱼ
/// ```
/// for the byte `bⱼ` of input `j` (the preprocessed image's sample). `mean` and `deviation` are
/// stored in the model file (tensors `input.mean` and `input.deviation`); a model without them
/// (format version 1) uses mean 0 and deviation 1, which gives exactly `bⱼ / 255`. An exporter
/// adds the map as a `Sub` and a `Div` node, or folds it into the first layer
/// (`W′ = W / deviationᵀ`, `b′ = b − W′·mean`).
///
/// During training (`StandardizationMode.image`, the default) each image's own mean value is
/// subtracted as well, `xⱼ = bⱼ / 255 − b̄ / 255` with `b̄ = (1/d) Σₖ bₖ` (`centersEachImage`),
/// which makes the network blind to a change of overall brightness. That map is linear,
/// `x = (I − 𝟙𝟙ᵀ/d) v`, so it folds exactly into the first layer (`folded(into:)`), which the model
/// file and the ONNX export do: the saved model is an ordinary one, read by every reader of the format.
///
/// Shapes: `mean` and `deviation` have one value per input neuron (`InputFormat.inputCount`).
public struct InputStandardization: Sendable, Equatable {
    /// `meanⱼ`: the training images' mean of `bⱼ / 255`.
    public var mean: [Float]
    /// `deviationⱼ > 0`: the training images' standard deviation of `bⱼ / 255`, floored (see `init(fitting:)`).
    public var deviation: [Float]
    /// Whether each image's own mean value `b̄ / 255` is subtracted first (saved models have it
    /// folded into their first layer instead).
    public var centersEachImage = false

    /// A standardization from its values.
    /// - Precondition: equal lengths; every deviation positive and finite, every mean finite.
    public init(mean: [Float], deviation: [Float]) {
        precondition(mean.count == deviation.count, "\(mean.count) means but \(deviation.count) deviations")
        precondition(deviation.allSatisfy { $0 > 0 && $0.isFinite } && mean.allSatisfy(\.isFinite),
                     "deviations must be positive and finite, means finite")
        self.mean = mean
        self.deviation = deviation
    }

    /// Mean 0 and deviation 1 for `inputCount` inputs: `xⱼ = bⱼ / 255`.
    public static func identity(inputCount: Int) -> InputStandardization {
        InputStandardization(mean: [Float](repeating: 0, count: inputCount),
                             deviation: [Float](repeating: 1, count: inputCount))
    }

    /// Whether this is the identity map (`xⱼ = bⱼ / 255`).
    public var isIdentity: Bool { !centersEachImage && mean.allSatisfy { $0 == 0 } && deviation.allSatisfy { $0 == 1 } }

    /// Subtracting each image's mean value and nothing else: `xⱼ = bⱼ / 255 − b̄ / 255`.
    public static func imageCentering(inputCount: Int) -> InputStandardization {
        var s = InputStandardization.identity(inputCount: inputCount)
        s.centersEachImage = true
        return s
    }

    /// `network` and this map as a network on the plain inputs `v = b / 255` that computes the
    /// same outputs. With `centersEachImage` (and mean 0, deviation 1) the first layer sees
    /// `x = (I − 𝟙𝟙ᵀ/d) v`, so `W x = W′ v` with `W′ = W (I − 𝟙𝟙ᵀ/d)`: every row of `W` minus its
    /// own mean, `W′ᵢⱼ = Wᵢⱼ − (1/d) Σₖ Wᵢₖ` (summed in `Double`); the biases are unchanged. Without
    /// it, both are returned as they are.
    ///
    /// Shapes: `W` is `[n¹, d]` with `d = inputCount`.
    /// - Precondition: `centersEachImage` goes with mean 0 and deviation 1 only.
    public func folded(into network: Network) -> (network: Network, standardization: InputStandardization) {
        guard centersEachImage, let first = network.layers.first else { return (network, self) }
        precondition(mean.allSatisfy { $0 == 0 } && deviation.allSatisfy { $0 == 1 },
                     "image centering folds into the first layer only without a mean and deviation")
        let (rows, d) = (first.weights.rows, first.weights.columns)
        var w = first.weights.elements
        for i in 0 ..< rows {
            let row = i * d ..< (i + 1) * d
            let rowMean = Float(w[row].reduce(0.0) { $0 + Double($1) } / Double(d))
            for j in row { w[j] -= rowMean }
        }
        var folded = network
        folded.layers[0].weights.elements = w
        return (folded, .identity(inputCount: inputCount))
    }

    /// Number of inputs.
    public var inputCount: Int { mean.count }

    /// The statistics of a dataset's inputs `vᵢⱼ = bᵢⱼ / 255`, summed in example order in `Double`
    /// (deterministic): `meanⱼ = (1/N) Σᵢ vᵢⱼ`, `σⱼ = √((1/N) Σᵢ (vᵢⱼ − meanⱼ)²)`, and
    /// `deviationⱼ = max(σⱼ, floor · σ̄)` with `σ̄ = √(mean over j of σⱼ²)`: an input that
    /// barely varies (a corner pixel that is almost always black) is not blown up into noise.
    /// With `perInput == false` one mean and one deviation (over all inputs) serve every input.
    /// An empty dataset gives the identity.
    public init(fitting dataset: Dataset, perInput: Bool = true, floor: Double = 0.1) {
        let n = dataset.count, d = dataset.inputCount
        guard n > 0, d > 0 else { self = .identity(inputCount: d); return }
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        for i in 0 ..< n {
            let row = i * d
            for j in 0 ..< d {
                let v = Double(dataset.inputs[row + j]) / 255
                sum[j] += v
                squares[j] += v * v
            }
        }
        if !perInput {
            let total = sum.reduce(0, +), totalSquares = squares.reduce(0, +)
            sum = [Double](repeating: total / Double(d), count: d)
            squares = [Double](repeating: totalSquares / Double(d), count: d)
        }
        let mean = sum.map { $0 / Double(n) }
        let variance = zip(squares, mean).map { max(0, $0 / Double(n) - $1 * $1) }
        let typical = (variance.reduce(0, +) / Double(d)).squareRoot()
        let lowest = max(floor * typical, 1.0 / 255)
        self.init(mean: mean.map { Float($0) }, deviation: variance.map { Float(max($0.squareRoot(), lowest)) })
    }

    /// The network inputs of the rows `indices` of a byte matrix: `x[i, j] = (bytes[indicesᵢ, j] / 255 − meanⱼ) / deviationⱼ`.
    ///
    /// Shapes: `bytes` is `N × inputCount`; `x` receives `indices.count × inputCount` (it may be longer).
    func gather(_ bytes: [UInt8], rows indices: ArraySlice<Int>, into x: inout [Float]) {
        Kernels.gatherInputs(bytes, indices: indices, columns: inputCount, mean: mean, deviation: deviation,
                             centersEachImage: centersEachImage, into: &x)
    }

    /// The network inputs of `bytes.count / inputCount` consecutive examples, row-major.
    public func inputs(fromBytes bytes: [UInt8]) -> [Float] {
        let rows = inputCount == 0 ? 0 : bytes.count / inputCount
        var x = [Float](repeating: 0, count: rows * inputCount)
        gather(bytes, rows: Array(0 ..< rows)[...], into: &x)
        return x
    }

    /// The network inputs of every example of `dataset`, as an `N × inputCount` matrix.
    func inputs(of dataset: Dataset) -> Matrix {
        Matrix(rows: dataset.count, columns: inputCount, elements: inputs(fromBytes: dataset.inputs))
    }
}
