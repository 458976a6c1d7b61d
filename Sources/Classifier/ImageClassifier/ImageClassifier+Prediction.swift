import Platform
import Imaging

/// One class and the probability the classifier gives it.
public struct ClassProbability: Sendable, Equatable {
    /// The class name.
    public var label: String
    /// The output neuron's value: `aᴸⱼ`, in 0…1 (sums to 1 over classes for a softmax output).
    public var probability: Float

    /// Pairs a class name with its probability.
    public init(label: String, probability: Float) {
        self.label = label
        self.probability = probability
    }
}

/// A classifier's answer for one input: the most probable class and every class's probability,
/// most probable first.
public struct Prediction: Sendable, Equatable {
    /// The predicted class name: `classes[classIndex]`.
    public var label: String
    /// The predicted class: `argmaxⱼ aᴸⱼ` (the lowest index wins a tie).
    public var classIndex: Int
    /// Every class with its probability, sorted by descending probability, ties in class order.
    public var probabilities: [ClassProbability]

    /// Ranks `probabilities` (one per class, in class order) against `classes`.
    /// - Precondition: `probabilities.count == classes.count > 0`.
    public init(probabilities: [Float], classes: [String]) {
        precondition(probabilities.count == classes.count && !classes.isEmpty,
                     "\(probabilities.count) probabilities for \(classes.count) classes")
        let order = probabilities.indices.sorted { i, j in
            probabilities[i] != probabilities[j] ? probabilities[i] > probabilities[j] : i < j
        }
        self.classIndex = order[0]
        self.label = classes[order[0]]
        self.probabilities = order.map { ClassProbability(label: classes[$0], probability: probabilities[$0]) }
    }

    /// The `k` most probable classes (all of them when `k ≥` the class count).
    public func top(_ k: Int) -> [ClassProbability] {
        Array(probabilities.prefix(max(0, k)))
    }
}

extension ImageClassifier {
    /// The preprocessed image's bytes `b` (`inputFormat.preprocess`), as stored in a training set.
    public func inputBytes(for image: Image) -> [UInt8] {
        inputFormat.preprocess(image).samples.map { UInt8(truncatingIfNeeded: $0) }
    }

    /// The network's input vector for one image: `x = (b / 255 − mean) / deviation` of its bytes
    /// through `inputStandardization`, the same conversion training and evaluation use.
    ///
    /// Shapes: `inputFormat.inputCount` values, row-major, channels interleaved.
    public func inputs(for image: Image) -> [Float] {
        inputStandardization.inputs(fromBytes: inputBytes(for: image))
    }

    /// `inputs(for: PNG.decode(contentsOf: url))`, the file streamed through the preprocessing
    /// (`InputFormat.preprocessed(contentsOf:budget:)`); workers sharing `budget` take turns at
    /// images that must be decoded whole.
    /// - Throws: the `ImagingError` of reading or decoding the file.
    public func inputs(contentsOf url: URL, budget: MemoryBudget? = nil) throws(ImagingError) -> [Float] {
        let samples = try inputFormat.preprocessed(contentsOf: url, budget: budget).samples
        return inputStandardization.inputs(fromBytes: samples.map { UInt8(truncatingIfNeeded: $0) })
    }

    /// Class probabilities for one image: `p = softmax(zᴸ / temperature)` of `inputs(for: image)`.
    ///
    /// Shapes: the result has `classes.count` values in class order (summing to 1 for a softmax
    /// output). The image is preprocessed exactly as in training (DESIGN.md §1).
    public func probabilities(for image: Image) -> [Float] {
        let x = inputs(for: image)
        return network.forward(Matrix(rows: 1, columns: x.count, elements: x), temperature: temperature).elements
    }

    /// Class probabilities for a PNG file (decoded as stored, then preprocessed as in training).
    /// - Throws: the `ImagingError` of reading or decoding the file.
    public func probabilities(forFile url: URL) throws(ImagingError) -> [Float] {
        let x = try inputs(contentsOf: url)
        return network.forward(Matrix(rows: 1, columns: x.count, elements: x), temperature: temperature).elements
    }

    /// Class probabilities for every example of a dataset, in forward batches of `batchSize` rows
    /// (inputs through `inputStandardization`), so memory stays bounded for large datasets.
    ///
    /// Shapes: `dataset.count × classes.count`, row `i` for example `i`. Products on `engine`
    /// with up to `threads` threads.
    /// - Precondition: `dataset.inputCount == inputFormat.inputCount`, `batchSize > 0`.
    public func probabilities(for dataset: Dataset, batchSize: Int = 256, temperature: Float? = nil,
                              engine: MatrixEngine = .builtin, threads: Int = 1) -> Matrix {
        let n = inputFormat.inputCount, k = classes.count
        precondition(dataset.inputCount == n,
                     "dataset has \(dataset.inputCount) inputs per example but the classifier takes \(n)")
        precondition(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        var result = Matrix(rows: dataset.count, columns: k)
        var batch = Matrix(rows: min(batchSize, dataset.count), columns: n)
        let order = Array(0 ..< dataset.count)
        var start = 0
        while start < dataset.count {
            let m = min(batchSize, dataset.count - start)
            if m < batch.rows { batch = Matrix(rows: m, columns: n) }
            inputStandardization.gather(dataset.inputs, rows: order[start ..< start + m], into: &batch.elements)
            let output = network.forward(batch, temperature: temperature ?? self.temperature, engine: engine, threads: threads)
            result.elements.replaceSubrange(start * k ..< (start + m) * k, with: output.elements)
            start += m
        }
        return result
    }

    /// The ranked prediction for one image.
    public func prediction(for image: Image) -> Prediction {
        Prediction(probabilities: probabilities(for: image), classes: classes)
    }

    /// The ranked prediction for a PNG file.
    /// - Throws: the `ImagingError` of reading or decoding the file.
    public func prediction(forFile url: URL) throws(ImagingError) -> Prediction {
        Prediction(probabilities: try probabilities(forFile: url), classes: classes)
    }

    /// Ranked predictions for PNG files, decoded in parallel on `threads` workers (see
    /// `probabilities(forFiles:threads:engine:chunkSize:)`), in the order of `urls`.
    public func predictions(forFiles urls: [URL], threads: Int,
                            engine: MatrixEngine = .builtin) -> [Result<Prediction, ImagingError>] {
        probabilities(forFiles: urls, threads: threads, engine: engine).map { result in
            result.map { Prediction(probabilities: $0, classes: classes) }
        }
    }
}
