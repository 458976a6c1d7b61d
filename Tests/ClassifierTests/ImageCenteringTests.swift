import Testing
import Imaging
@testable import Classifier

/// `--standardize image` (the default): each image's own mean value subtracted while training,
/// folded into the first layer of the saved network.
@Suite struct ImageCenteringTests {
    static func bytes(rows: Int, columns: Int, in range: ClosedRange<UInt8> = 0 ... 255, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0 ..< rows * columns).map { _ in UInt8.random(in: range, using: &generator) }
    }

    @Test("the gather subtracts each row's own mean value: x = b/255 − b̄/255", arguments: [1, 3, 64, 3072])
    func gatherCentresEachRow(columns: Int) {
        let data = Self.bytes(rows: 3, columns: columns, seed: UInt64(columns))
        var x = [Float](repeating: -7, count: 2 * columns + 1)
        Kernels.gatherInputs(data, indices: [2, 0][...], columns: columns, mean: [Float](repeating: 0, count: columns),
                             deviation: [Float](repeating: 1, count: columns), centersEachImage: true, into: &x)
        for (r, i) in [2, 0].enumerated() {
            let row = data[i * columns ..< (i + 1) * columns]
            let own = Float(Double(row.reduce(0) { $0 + Int($1) }) / (255 * Double(columns)))
            let naive = row.map { Float($0) / 255 - own }
            #expect(x[r * columns ..< (r + 1) * columns].map(\.bitPattern) == naive.map(\.bitPattern))
            let mean = x[r * columns ..< (r + 1) * columns].reduce(0.0) { $0 + Double($1) } / Double(columns)
            #expect(abs(mean) < 1e-6, "each centred row has mean 0")
        }
        #expect(x[2 * columns] == -7, "rows past the batch are untouched")
    }

    @Test("image mode is the centring alone, and it is not the identity")
    func imageModeFitsTheCentring() {
        let data = Dataset(inputs: [0, 51, 255, 102], labels: [0, 1], inputCount: 2, classCount: 2)
        let s = StandardizationMode.image.fitted(on: data)
        #expect(s == .imageCentering(inputCount: 2) && s.centersEachImage && !s.isIdentity)
        #expect(s.mean == [0, 0] && s.deviation == [1, 1])
        let own = Float(306.0 / 510)  // (255 + 51) / 2 / 255
        #expect(s.inputs(fromBytes: [255, 51]).map(\.bitPattern) == [1 - own, Float(51) / 255 - own].map(\.bitPattern))
        #expect(TrainingConfiguration().standardization == .image, "the default")
    }

    @Test("the folded network computes on b/255 what the network computed on centred inputs", arguments: [
        [12, 5, 3], [64, 3], [30, 8, 6, 4],
    ])
    func foldingIsExact(sizes: [Int]) throws {
        var generator = SeededGenerator(seed: 21)
        let network = Network(sizes: sizes, hiddenActivation: .relu, cost: .crossEntropy, using: &generator)
        let d = sizes[0], rows = 5
        let data = Self.bytes(rows: rows, columns: d, seed: 3)
        let centring = InputStandardization.imageCentering(inputCount: d)
        let (folded, plain) = centring.folded(into: network)
        #expect(plain == .identity(inputCount: d))
        let centred = network.forward(Matrix(rows: rows, columns: d, elements: centring.inputs(fromBytes: data)))
        let direct = folded.forward(Matrix(rows: rows, columns: d, elements: plain.inputs(fromBytes: data)))
        for (a, b) in zip(centred.elements, direct.elements) { #expect(abs(a - b) < 1e-5) }
        let w = folded.layers[0].weights
        for i in 0 ..< w.rows {
            let sum = w.elements[i * d ..< (i + 1) * d].reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum) < 1e-5, "row \(i) of the folded first layer sums to 0")
        }
        #expect(folded.layers.dropFirst() == network.layers.dropFirst() && folded.layers[0].biases == network.layers[0].biases)
        #expect(folded.layers[0].weights != network.layers[0].weights)
        // The model file and the ONNX export hold the centring folded: the file cannot lose it.
        let classes = (0 ..< sizes[sizes.count - 1]).map { "c\($0)" }
        let format = InputFormat(width: d, height: 1, color: .gray)
        let classifier = ImageClassifier(network: network, classes: classes, inputFormat: format, inputStandardization: centring)
        let loaded = try ImageClassifier(modelFileBytes: classifier.encodedModelFile(), name: "m.safetensors")
        #expect(loaded.network == folded && loaded.inputStandardization == plain)
        let ordinary = ImageClassifier(network: folded, classes: classes, inputFormat: format, inputStandardization: plain)
        #expect(classifier.onnxModel() == ordinary.onnxModel() && classifier.encodedModelFile() == ordinary.encodedModelFile())
        // Without the centring nothing is folded.
        let none = InputStandardization.identity(inputCount: d).folded(into: network)
        #expect(none.network == network && none.standardization == .identity(inputCount: d))
    }

    /// Two classes of 12×12 images: a brighter left or right half. Overall brightness varies by image.
    static func halves(count: Int) -> Dataset {
        var generator = SeededGenerator(seed: 9)
        var inputs = [UInt8]()
        for i in 0 ..< count {
            let base = Int.random(in: 20 ... 140, using: &generator)
            inputs += (0 ..< 144).map { p in UInt8(base + ((p % 12 < 6) == (i % 2 == 0) ? 60 : 0) + Int.random(in: 0 ... 20, using: &generator)) }
        }
        return Dataset(inputs: inputs, labels: (0 ..< count).map { $0 % 2 }, inputCount: 144, classCount: 2,
                       imageShape: ImageShape(width: 12, height: 12, channels: 1))
    }

    /// The saved model of a training with `mode`, read back from its file bytes.
    static func savedModel(_ mode: StandardizationMode) throws -> ImageClassifier {
        var configuration = TrainingConfiguration()
        (configuration.hiddenLayers, configuration.maxEpochs, configuration.standardization) = ([8], 3, mode)
        let result = try Trainer(configuration: configuration).train(Self.halves(count: 80))
        #expect(result.standardization.centersEachImage == (mode == .image))
        #expect(result.summary.hyperparameters["standardization"] == mode.rawValue)
        let classifier = ImageClassifier(network: result.network, classes: ["left", "right"],
                                         inputFormat: InputFormat(width: 12, height: 12, color: .gray),
                                         inputStandardization: result.standardization)
        return try ImageClassifier(modelFileBytes: classifier.encodedModelFile(), name: "m.safetensors")
    }

    @Test("a default training saves a plain network that ignores a change of overall brightness")
    func defaultTrainingIsBrightnessBlind() throws {
        let data = Self.bytes(rows: 4, columns: 144, in: 0 ... 200, seed: 5)
        let brighter = data.map { $0 + 40 }
        func outputs(_ model: ImageClassifier, _ bytes: [UInt8]) -> [Float] {
            model.network.forward(Matrix(rows: 4, columns: 144, elements: model.inputStandardization.inputs(fromBytes: bytes))).elements
        }
        let saved = try Self.savedModel(.image)
        #expect(saved.inputStandardization.isIdentity)
        for (a, b) in zip(outputs(saved, data), outputs(saved, brighter)) { #expect(abs(a - b) < 1e-4) }
        // `center` is not blind to it: the check above can fail.
        let centred = try Self.savedModel(.center)
        #expect(zip(outputs(centred, data), outputs(centred, brighter)).contains { abs($0 - $1) > 1e-3 })
    }

    @Test("continuing a model trained with image centring centres again; other standardizations stay as stored")
    func continuingKeepsTheCentring() {
        var generator = SeededGenerator(seed: 2)
        let network = Network(sizes: [4, 2], hiddenActivation: .relu, cost: .crossEntropy, using: &generator)
        let folded = TrainingStart(network: network, summary: nil, standardization: .identity(inputCount: 4))
        #expect(Trainer.continuing(folded, mode: .image) == .imageCentering(inputCount: 4))
        #expect(Trainer.continuing(folded, mode: .none) == .identity(inputCount: 4))
        let centred = InputStandardization(mean: [0.1, 0.2, 0.3, 0.4], deviation: [1, 1, 1, 1])
        let old = TrainingStart(network: network, summary: nil, standardization: centred)
        #expect(Trainer.continuing(old, mode: .center) == centred && Trainer.continuing(nil, mode: .image) == nil)
    }
}
