import Platform
import Imaging

/// Saving and loading a classifier as a safetensors model file (DESIGN.md §6).
///
/// Tensors: `layers.{i}.weight` (F32, `[out, in]`) and `layers.{i}.bias` (F32, `[out]`), stored
/// contiguously in layer order, then `input.mean` and `input.deviation` (F32, `[inputCount]`, the
/// `InputStandardization` `x = (b / 255 − input.mean) / input.deviation`; from version 2).
/// `__metadata__` (all values strings):
///
/// | key | value |
/// |---|---|
/// | `format` | `classify` |
/// | `format_version` | `2` (version 1, without `input.*` tensors and `temperature`, still loads) |
/// | `classes` | JSON array of class names, in output order |
/// | `input` | JSON object `{background: "#rrggbb", color: "gray"/"rgb", height, normalization, width}` |
/// | `temperature` | `T` of `p = softmax(zᴸ / T)`, a decimal number (from version 2) |
/// | `activations` | JSON array, one activation name per layer |
/// | `cost` | `cross-entropy` or `quadratic` |
/// | `training` | JSON object of the `TrainingSummary`, snake_case keys (absent when there is none) |
/// | `history` | JSON array, one `{epoch, training_loss, training_accuracy, validation_loss?, validation_accuracy?}` per epoch (absent when empty) |
///
/// `normalization` is `value / 255` in version 1 and `(value / 255 - input.mean) / input.deviation`
/// in version 2.
extension ImageClassifier {
    /// The model file format name stored under `format`.
    public static let modelFileFormat = "classify"
    /// The model file versions this build reads; it writes the last one.
    public static let supportedModelFileVersions = ["1", "2"]
    /// How 8-bit samples become inputs, stored in the `input` metadata for other readers, by format version.
    static let inputNormalization = ["1": "value / 255", "2": "(value / 255 - input.mean) / input.deviation"]
    /// The names of the standardization tensors (format version 2).
    static let inputMeanTensor = "input.mean", inputDeviationTensor = "input.deviation"

    /// The model file's bytes: deterministic, so the same classifier always gives identical bytes.
    public func encodedModelFile() -> [UInt8] {
        modelFile().encoded()
    }

    /// The safetensors container for this classifier.
    public func modelFile() -> ModelFile {
        // Image centering (training's default) has no tensor: the file holds it folded into the first layer.
        let (network, inputStandardization) = self.inputStandardization.folded(into: self.network)
        let version = Self.supportedModelFileVersions[Self.supportedModelFileVersions.count - 1]
        let count = inputStandardization.inputCount
        var tensors: [ModelFile.Tensor] = []
        for (i, layer) in network.layers.enumerated() {
            tensors.append(.init(name: "layers.\(i).weight",
                                 shape: [layer.weights.rows, layer.weights.columns],
                                 values: layer.weights.elements))
            tensors.append(.init(name: "layers.\(i).bias", shape: [layer.biases.count], values: layer.biases))
        }
        tensors.append(.init(name: Self.inputMeanTensor, shape: [count], values: inputStandardization.mean))
        tensors.append(.init(name: Self.inputDeviationTensor, shape: [count], values: inputStandardization.deviation))
        var metadata: [String: String] = [
            "format": Self.modelFileFormat,
            "format_version": version,
            "classes": JSONValue.array(classes.map { .string($0) }).serialized(),
            "input": JSONValue.object([
                "width": .integer(inputFormat.width),
                "height": .integer(inputFormat.height),
                "color": .string(inputFormat.color.rawValue),
                "background": .string(inputFormat.background.description),
                "normalization": .string(Self.inputNormalization[version] ?? ""),
            ]).serialized(),
            "temperature": "\(temperature)",
            "activations": JSONValue.array(network.layers.map { .string($0.activation.rawValue) }).serialized(),
            "cost": network.cost.rawValue,
        ]
        if let summary {
            var training: [String: JSONValue] = [
                "epochs": .integer(summary.epochs),
                "best_epoch": .integer(summary.bestEpoch),
                "training_accuracy": .double(summary.trainingAccuracy),
                "training_examples": .integer(summary.trainingExamples),
                "validation_examples": .integer(summary.validationExamples),
                "seed": .unsigned(summary.seed),
                "hyperparameters": .object(summary.hyperparameters.mapValues { .string($0) }),
            ]
            if let validationAccuracy = summary.validationAccuracy {
                training["validation_accuracy"] = .double(validationAccuracy)
            }
            if let refitExamples = summary.refitExamples, let refitEpochs = summary.refitEpochs {
                training["refit_examples"] = .integer(refitExamples)
                training["refit_epochs"] = .integer(refitEpochs)
            }
            metadata["training"] = JSONValue.object(training).serialized()
        }
        if !trainingHistory.isEmpty {
            metadata["history"] = JSONValue.array(trainingHistory.map { record in
                var entry: [String: JSONValue] = [
                    "epoch": .integer(record.epoch),
                    "training_loss": .double(record.trainingLoss),
                    "training_accuracy": .double(record.trainingAccuracy),
                ]
                if let loss = record.validationLoss { entry["validation_loss"] = .double(loss) }
                if let accuracy = record.validationAccuracy { entry["validation_accuracy"] = .double(accuracy) }
                return .object(entry)
            }).serialized()
        }
        return ModelFile(tensors: tensors, metadata: metadata)
    }

    /// Writes the model file atomically: the bytes go to a uniquely named temporary file in the
    /// destination's folder, are flushed to disk (`fsync`), then `rename`d over `url`. A killed
    /// writer or two concurrent writers never leave a torn file; on failure the temporary file is
    /// removed and any existing file at `url` is left intact.
    /// - Throws: `ClassifierError.unwritableModelFile(file:reason:)` with the system's reason.
    public func write(to url: URL) throws(ClassifierError) {
        try ModelFile.writeAtomically(encodedModelFile(), to: url)
    }

    /// Loads and validates a model file (see `init(modelFileBytes:name:)` for what is checked).
    /// - Throws: `ClassifierError.invalidModelFile(file:reason:)` when the file is missing, a
    ///   folder, unreadable, or not a valid classify model; the reason says exactly what is wrong.
    public init(contentsOf url: URL) throws(ClassifierError) {
        let name = url.relativePath
        try self.init(modelFile: ModelFile.read(url, name: name), name: name)
    }

    /// Parses and validates model file bytes; `name` names the file in error messages.
    ///
    /// Beyond the container checks of `ModelFile(bytes:file:)`: the metadata says format
    /// `classify` in a supported version; classes, input format, activations and cost parse and
    /// are known; the tensors are exactly `layers.{i}.weight`/`bias` for each listed activation;
    /// shapes chain (`layers.0.weight` is `h₁ × inputCount`, `layers.i.weight` is `hᵢ₊₁ × hᵢ`,
    /// the last has one row per class, each bias has one value per weight row); the output
    /// activation is the one the cost requires.
    /// - Throws: `ClassifierError.invalidModelFile(file:reason:)` naming the first problem.
    public init(modelFileBytes bytes: [UInt8], name: String) throws(ClassifierError) {
        let file = try ModelFile(bytes: bytes, file: name)
        try self.init(modelFile: file, name: name)
    }

    /// Builds a classifier from a parsed container, validating metadata and shapes.
    /// - Throws: `ClassifierError.invalidModelFile(file:reason:)` naming the first problem.
    public init(modelFile: ModelFile, name: String) throws(ClassifierError) {
        let reader = ModelFileReader(file: name, metadata: modelFile.metadata)
        try reader.checkFormat()
        let classes = try reader.classes()
        let inputFormat = try reader.inputFormat()
        let activations = try reader.activations()
        let cost = try reader.cost()
        let summary = try reader.trainingSummary()
        let temperature = try reader.temperature()
        let standardization = try reader.standardization(in: modelFile, inputCount: inputFormat.inputCount)
        let history = try reader.trainingHistory()

        var expectedNames: Set<String> = reader.version == "1" ? [] : [Self.inputMeanTensor, Self.inputDeviationTensor]
        for i in activations.indices {
            expectedNames.insert("layers.\(i).weight")
            expectedNames.insert("layers.\(i).bias")
        }
        for tensor in modelFile.tensors where !expectedNames.contains(tensor.name) {
            throw reader.invalid("unexpected tensor '\(tensor.name)': a classify model with \(activations.count) layer(s) holds only layers.0 … "
                + "layers.\(activations.count - 1) weight and bias tensors")
        }

        var layers: [DenseLayer] = []
        var previousRows = inputFormat.inputCount
        for (i, activation) in activations.enumerated() {
            let weightName = "layers.\(i).weight", biasName = "layers.\(i).bias"
            guard let weight = modelFile.tensor(named: weightName) else {
                throw reader.invalid("tensor '\(weightName)' is missing (the metadata lists \(activations.count) activations, one per layer)")
            }
            guard let bias = modelFile.tensor(named: biasName) else {
                throw reader.invalid("tensor '\(biasName)' is missing (the metadata lists \(activations.count) activations, one per layer)")
            }
            guard weight.shape.count == 2 else {
                throw reader.invalid("tensor '\(weightName)' has shape \(weight.shape); a weight must be 2-D [out, in]")
            }
            guard bias.shape.count == 1 else {
                throw reader.invalid("tensor '\(biasName)' has shape \(bias.shape); a bias must be 1-D [out]")
            }
            let rows = weight.shape[0], columns = weight.shape[1]
            guard rows > 0 else {
                throw reader.invalid("tensor '\(weightName)' has shape \(weight.shape): the layer has no neurons")
            }
            if i == 0 {
                guard columns == previousRows else {
                    throw reader.invalid("tensor '\(weightName)' has \(columns) columns but the input format "
                        + "(\(inputFormat.width)×\(inputFormat.height) \(inputFormat.color.rawValue)) gives \(previousRows) inputs")
                }
            } else {
                guard columns == previousRows else {
                    throw reader.invalid("tensor '\(weightName)' has \(columns) columns but layer \(i - 1) has \(previousRows) neurons "
                        + "('layers.\(i - 1).weight' rows): the layers do not chain")
                }
            }
            guard bias.shape[0] == rows else {
                throw reader.invalid("tensor '\(biasName)' has \(bias.shape[0]) values but '\(weightName)' has \(rows) rows (one bias per neuron)")
            }
            layers.append(DenseLayer(weights: Matrix(rows: rows, columns: columns, elements: weight.values),
                                     biases: bias.values, activation: activation))
            previousRows = rows
        }
        guard previousRows == classes.count else {
            throw reader.invalid("tensor 'layers.\(activations.count - 1).weight' has \(previousRows) rows (output neurons) but "
                + "the metadata lists \(classes.count) classes")
        }
        if let hidden = activations.dropLast().firstIndex(of: .softmax) {
            throw reader.invalid("layer \(hidden) uses softmax, which is only valid on the output layer")
        }
        guard activations[activations.count - 1] == cost.outputActivation else {
            throw reader.invalid("the output layer's activation is '\(activations[activations.count - 1].rawValue)' but the cost '\(cost.rawValue)' "
                + "requires '\(cost.outputActivation.rawValue)'")
        }
        self.init(network: Network(layers: layers, cost: cost), classes: classes, inputFormat: inputFormat,
                  inputStandardization: standardization, temperature: temperature, summary: summary, trainingHistory: history)
    }
}

extension ModelFileReader {
    /// `input`: `{width, height, color, background}` (and optionally `normalization`).
    func inputFormat() throws(ClassifierError) -> InputFormat {
        let expected = "a JSON object with width, height, color and background"
        guard let input = try json("input", expected: expected).object else {
            throw invalid("the 'input' metadata is not \(expected)")
        }
        func positiveInteger(_ key: String) throws(ClassifierError) -> Int {
            guard let number = input[key]?.number, number.rounded() == number, number >= 1, number <= 1_000_000 else {
                throw invalid("the 'input' metadata has no valid '\(key)' (expected a whole number of pixels from 1 to 1000000)")
            }
            return Int(number)
        }
        let width = try positiveInteger("width")
        let height = try positiveInteger("height")
        guard let colorName = input["color"]?.string else {
            throw invalid("the 'input' metadata has no 'color' entry")
        }
        guard let color = ColorMode(rawValue: colorName) else {
            throw invalid("the 'input' metadata has unknown color '\(colorName)' (known: "
                + "\(ColorMode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let backgroundText = input["background"]?.string else {
            throw invalid("the 'input' metadata has no 'background' entry")
        }
        guard let background = BackgroundColor(hex: backgroundText) else {
            throw invalid("the 'input' metadata has background '\(backgroundText)', not a colour of the form #rrggbb")
        }
        if let normalization = input["normalization"] {
            let supported = ImageClassifier.inputNormalization[version] ?? ""
            guard let text = normalization.string, text == supported else {
                throw invalid("the 'input' metadata has normalization '\(normalization.string ?? normalization.serialized())'; "
                    + "format version \(version) supports only '\(supported)'")
            }
        }
        return InputFormat(width: width, height: height, color: color, background: background)
    }
}
