/// Labelled examples ready for training: one row of `inputCount` bytes per example.
///
/// Inputs stay as bytes (one byte per value, a quarter of `Float`'s memory); the network sees
/// `x = value / 255`, converted per mini-batch into a reused buffer.
/// Shapes: `inputs` is `count × inputCount` row-major, `labels` has `count` values in `0 ..< classCount`.
public struct Dataset: Sendable, Equatable {
    /// `count × inputCount` bytes, row-major.
    public var inputs: [UInt8]
    /// One class index per example, in `0 ..< classCount`.
    public var labels: [Int]
    /// Values per example (the network's input layer size).
    public var inputCount: Int
    /// Number of classes (the network's output layer size).
    public var classCount: Int
    /// The images' width, height and channels when the rows are images (`Augmentation` needs it).
    public var imageShape: ImageShape?

    /// Creates a dataset; the shapes must agree (`inputs.count == labels.count × inputCount`,
    /// every label in `0 ..< classCount`) — a mismatch is a programmer error.
    public init(inputs: [UInt8], labels: [Int], inputCount: Int, classCount: Int, imageShape: ImageShape? = nil) {
        precondition(inputCount >= 0 && classCount >= 0, "negative inputCount \(inputCount) or classCount \(classCount)")
        precondition(inputs.count == labels.count * inputCount,
                     "inputs.count \(inputs.count) != labels.count \(labels.count) × inputCount \(inputCount)")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount },
                     "labels must lie in 0 ..< \(classCount)")
        self.inputs = inputs
        self.labels = labels
        self.inputCount = inputCount
        self.classCount = classCount
        self.imageShape = imageShape.flatMap { $0.byteCount == inputCount ? $0 : nil }
    }

    /// Number of examples.
    public var count: Int { labels.count }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var inputs = [UInt8]()
        inputs.reserveCapacity(indices.count * inputCount)
        for i in indices { inputs.append(contentsOf: self.inputs[i * inputCount ..< (i + 1) * inputCount]) }
        return Dataset(inputs: inputs, labels: indices.map { labels[$0] }, inputCount: inputCount, classCount: classCount,
                       imageShape: imageShape)
    }

    /// Stratified split: `validationFraction` of each class goes to validation.
    ///
    /// Per class of `n` examples, `k = round(fraction · n)` randomly chosen examples go to
    /// validation, clamped to at least 1 when `fraction > 0` and at most `n − 1` so that a class
    /// with ≥ 2 examples is in both parts (a class with one example stays in training).
    /// Both parts keep the original order of their examples. `generator` decides which examples.
    public func stratifiedSplit(validationFraction: Double,
                                using generator: inout some RandomNumberGenerator) -> (training: Dataset, validation: Dataset) {
        var byClass = [[Int]](repeating: [], count: classCount)
        for (i, label) in labels.enumerated() { byClass[label].append(i) }
        var isValidation = [Bool](repeating: false, count: count)
        for var members in byClass where !members.isEmpty {
            let n = members.count
            var k = validationFraction > 0 ? Int((validationFraction * Double(n)).rounded()) : 0
            if validationFraction > 0 && n >= 2 { k = max(1, min(k, n - 1)) } else { k = min(k, n - 1) }
            guard k > 0 else { continue }
            Dataset.shuffle(&members, using: &generator)
            for i in members.prefix(k) { isValidation[i] = true }
        }
        let validation = (0 ..< count).filter { isValidation[$0] }
        let training = (0 ..< count).filter { !isValidation[$0] }
        return (subset(training), subset(validation))
    }

    /// Fisher–Yates shuffle written out (not `Array.shuffle`) so that the order depends only on
    /// the generator's outputs, never on the standard library's version.
    static func shuffle(_ values: inout [Int], using generator: inout some RandomNumberGenerator) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            // Lemire's multiply-shift: uniform enough for shuffling (bias < 2⁻³²·n).
            let j = Int((UInt64(i + 1).multipliedFullWidth(by: generator.next())).high)
            values.swapAt(i, j)
        }
    }
}
