import Platform

/// Reads and validates the classify entries of a model file's `__metadata__`, turning every
/// problem into `ClassifierError.invalidModelFile` with a reason that names the entry.
/// (The `input` entry, an Imaging `InputFormat`, is read in `ImageClassifier+ModelFile.swift`,
/// so that the model file code does not depend on Imaging.)
struct ModelFileReader {
    let file: String
    let metadata: [String: String]

    func invalid(_ reason: String) -> ClassifierError {
        .invalidModelFile(file: file, reason: reason)
    }

    /// `format` is `classify` and `format_version` is supported.
    func checkFormat() throws(ClassifierError) {
        guard let format = metadata["format"] else {
            throw invalid("not a classify model: it has no classify metadata — is it some other safetensors file?")
        }
        guard format == ImageClassifier.modelFileFormat else {
            throw invalid("not a classify model: its metadata says format '\(format)', not "
                + "'\(ImageClassifier.modelFileFormat)' — is it some other safetensors file?")
        }
        guard let version = metadata["format_version"] else {
            throw invalid("the metadata has no 'format_version' entry")
        }
        let supported = ImageClassifier.supportedModelFileVersions
        guard supported.contains(version) else {
            throw invalid("format_version '\(version)' is not supported; this classify reads version\(supported.count == 1 ? "" : "s") "
                + "\(supported.joined(separator: ", ")) — was the file written by a newer classify?")
        }
    }

    /// The raw string of a required entry.
    func entry(_ key: String) throws(ClassifierError) -> String {
        guard let value = metadata[key] else {
            throw invalid("the metadata has no '\(key)' entry")
        }
        return value
    }

    /// A required entry parsed as JSON.
    func json(_ key: String, expected: String) throws(ClassifierError) -> JSONValue {
        let text = try entry(key)
        do {
            return try JSONValue(parsing: text.utf8)
        } catch {
            throw invalid("the '\(key)' metadata is not valid JSON (expected \(expected))")
        }
    }

    /// `classes`: a non-empty JSON array of distinct, non-empty names.
    func classes() throws(ClassifierError) -> [String] {
        let expected = "a JSON array of class names"
        guard let classes = try json("classes", expected: expected).strings, !classes.isEmpty else {
            throw invalid("the 'classes' metadata is not \(expected)")
        }
        var seen: Set<String> = []
        for name in classes {
            guard !name.isEmpty else { throw invalid("the 'classes' metadata contains an empty class name") }
            guard seen.insert(name).inserted else {
                throw invalid("the 'classes' metadata lists class '\(name)' twice")
            }
        }
        return classes
    }

    /// `activations`: a non-empty JSON array of known activation names, one per layer.
    func activations() throws(ClassifierError) -> [Activation] {
        let expected = "a JSON array of activation names, one per layer"
        guard let names = try json("activations", expected: expected).strings, !names.isEmpty else {
            throw invalid("the 'activations' metadata is not \(expected)")
        }
        var activations: [Activation] = []
        for (i, name) in names.enumerated() {
            guard let activation = Activation(rawValue: name) else {
                throw invalid("layer \(i) has unknown activation '\(name)' (known: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            activations.append(activation)
        }
        return activations
    }

    /// `cost`: a known cost name.
    func cost() throws(ClassifierError) -> Cost {
        let name = try entry("cost")
        guard let cost = Cost(rawValue: name) else {
            throw invalid("unknown cost '\(name)' (known: \(Cost.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return cost
    }

    /// `format_version` (checked by `checkFormat`).
    var version: String { metadata["format_version"] ?? "" }

    /// `temperature`: a positive finite decimal (version 2); 1 in version 1.
    func temperature() throws(ClassifierError) -> Float {
        guard version != "1" else { return 1 }
        let text = try entry("temperature")
        guard let t = Float(text), t.isFinite, t > 0 else {
            throw invalid("the 'temperature' metadata is '\(text)', not a positive number")
        }
        return t
    }

    /// The `input.mean` and `input.deviation` tensors (version 2): `[inputCount]` each, finite
    /// means, positive finite deviations; the identity in version 1.
    func standardization(in file: ModelFile, inputCount: Int) throws(ClassifierError) -> InputStandardization {
        guard version != "1" else { return .identity(inputCount: inputCount) }
        var values: [[Float]] = []
        for name in [ImageClassifier.inputMeanTensor, ImageClassifier.inputDeviationTensor] {
            guard let tensor = file.tensor(named: name) else {
                throw invalid("tensor '\(name)' is missing (format version \(version) stores the input standardization)")
            }
            guard tensor.shape == [inputCount] else {
                throw invalid("tensor '\(name)' has shape \(tensor.shape) but the input format gives \(inputCount) inputs")
            }
            values.append(tensor.values)
        }
        guard values[0].allSatisfy(\.isFinite), values[1].allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw invalid("tensor 'input.deviation' must hold positive numbers and 'input.mean' finite ones")
        }
        return InputStandardization(mean: values[0], deviation: values[1])
    }

    /// `training`: the training summary with snake_case keys, or nil when absent. Read with
    /// `JSONValue` rather than `JSONDecoder`, whose generic machinery costs more than the rest of a
    /// model load: integers must be whole numbers, optional entries may be absent or null.
    func trainingSummary() throws(ClassifierError) -> TrainingSummary? {
        guard let text = metadata["training"] else { return nil }
        let invalidSummary = invalid("the 'training' metadata is not a valid training summary (expected a JSON object with epochs, "
            + "best_epoch, training_accuracy, training_examples, validation_examples, seed and hyperparameters)")
        guard let object = (try? JSONValue(parsing: text.utf8))?.object,
              let epochs = object["epochs"]?.wholeNumber, let bestEpoch = object["best_epoch"]?.wholeNumber,
              let trainingAccuracy = object["training_accuracy"]?.number,
              let trainingExamples = object["training_examples"]?.wholeNumber,
              let validationExamples = object["validation_examples"]?.wholeNumber,
              let seed = object["seed"]?.unsignedWholeNumber, let hyperparameterObject = object["hyperparameters"]?.object,
              let validationAccuracy = object.optional("validation_accuracy", \.number),
              let refitExamples = object.optional("refit_examples", \.wholeNumber),
              let refitEpochs = object.optional("refit_epochs", \.wholeNumber) else { throw invalidSummary }
        var hyperparameters: [String: String] = [:]
        for (key, value) in hyperparameterObject {
            guard let string = value.string else { throw invalidSummary }
            hyperparameters[key] = string
        }
        return TrainingSummary(epochs: epochs, bestEpoch: bestEpoch, trainingAccuracy: trainingAccuracy,
                               validationAccuracy: validationAccuracy, trainingExamples: trainingExamples,
                               validationExamples: validationExamples, seed: seed, hyperparameters: hyperparameters,
                               refitExamples: refitExamples, refitEpochs: refitEpochs)
    }
}

extension ModelFileReader {
    /// `history`: a JSON array of per-epoch records, or `[]` when absent (models saved before the
    /// history was kept).
    func trainingHistory() throws(ClassifierError) -> [EpochRecord] {
        guard let text = metadata["history"] else { return [] }
        let invalidHistory = invalid("the 'history' metadata is not a JSON array of {epoch, training_loss, training_accuracy, "
            + "validation_loss, validation_accuracy} objects with numbers")
        guard let array = (try? JSONValue(parsing: text.utf8))?.array else { throw invalidHistory }
        var records: [EpochRecord] = []
        records.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            guard let object = element.object, let epoch = object["epoch"]?.wholeNumber,
                  let trainingLoss = object["training_loss"]?.number, let trainingAccuracy = object["training_accuracy"]?.number,
                  let validationLoss = object.optional("validation_loss", \.number),
                  let validationAccuracy = object.optional("validation_accuracy", \.number) else { throw invalidHistory }
            guard epoch >= 1 else {
                throw invalid("entry \(i) of the 'history' metadata has epoch \(epoch); epochs count from 1")
            }
            records.append(EpochRecord(epoch: epoch, trainingLoss: trainingLoss, trainingAccuracy: trainingAccuracy,
                                       validationLoss: validationLoss, validationAccuracy: validationAccuracy))
        }
        return records
    }
}

private extension JSONValue {
    /// A number without a fractional part that fits `Int` (`3` or `3.0`), or nil.
    var wholeNumber: Int? {
        switch self {
        case let .integer(i): i
        case let .double(d) where d == d.rounded() && abs(d) < 9.0e15: Int(d)
        default: nil
        }
    }

    /// A non-negative whole number that fits `UInt64`, or nil.
    var unsignedWholeNumber: UInt64? {
        switch self {
        case let .integer(i) where i >= 0: UInt64(i)
        case let .unsigned(u): u
        default: wholeNumber.flatMap { $0 >= 0 ? UInt64($0) : nil }
        }
    }
}

private extension [String: JSONValue] {
    /// `.some(nil)` when `key` is absent or null, `.some(value)` when `read` accepts it, nil (invalid) otherwise.
    func optional<T>(_ key: String, _ read: (JSONValue) -> T?) -> T?? {
        guard let value = self[key], value != .null else { return .some(nil) }
        return read(value).map { .some($0) }
    }
}
