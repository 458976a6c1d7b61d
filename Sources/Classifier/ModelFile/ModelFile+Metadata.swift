import Foundation

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
    func json(_ key: String, expected: String) throws(ClassifierError) -> Any {
        let text = try entry(key)
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw invalid("the '\(key)' metadata is not valid JSON (expected \(expected))")
        }
    }

    /// `classes`: a non-empty JSON array of distinct, non-empty names.
    func classes() throws(ClassifierError) -> [String] {
        let expected = "a JSON array of class names"
        guard let classes = try json("classes", expected: expected) as? [String], !classes.isEmpty else {
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
        guard let names = try json("activations", expected: expected) as? [String], !names.isEmpty else {
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

    /// `training`: the training summary with snake_case keys, or nil when absent.
    func trainingSummary() throws(ClassifierError) -> TrainingSummary? {
        guard let text = metadata["training"] else { return nil }
        do {
            return try JSONDecoder().decode(StoredTrainingSummary.self, from: Data(text.utf8)).summary
        } catch {
            throw invalid("the 'training' metadata is not a valid training summary (expected a JSON object with epochs, best_epoch, "
                + "training_accuracy, training_examples, validation_examples, seed and hyperparameters)")
        }
    }
}

extension ModelFileReader {
    /// `history`: a JSON array of per-epoch records, or `[]` when absent (models saved before the
    /// history was kept).
    func trainingHistory() throws(ClassifierError) -> [EpochRecord] {
        guard let text = metadata["history"] else { return [] }
        let records: [StoredEpochRecord]
        do {
            records = try JSONDecoder().decode([StoredEpochRecord].self, from: Data(text.utf8))
        } catch {
            throw invalid("the 'history' metadata is not a JSON array of {epoch, training_loss, training_accuracy, "
                + "validation_loss, validation_accuracy} objects with numbers")
        }
        for (i, record) in records.enumerated() where record.epoch < 1 {
            throw invalid("entry \(i) of the 'history' metadata has epoch \(record.epoch); epochs count from 1")
        }
        return records.map {
            EpochRecord(epoch: $0.epoch, trainingLoss: $0.trainingLoss, trainingAccuracy: $0.trainingAccuracy,
                        validationLoss: $0.validationLoss, validationAccuracy: $0.validationAccuracy)
        }
    }
}

/// One entry of the `history` metadata as stored (snake_case keys).
private struct StoredEpochRecord: Decodable {
    var epoch: Int
    var trainingLoss: Double
    var trainingAccuracy: Double
    var validationLoss: Double?
    var validationAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case epoch
        case trainingLoss = "training_loss"
        case trainingAccuracy = "training_accuracy"
        case validationLoss = "validation_loss"
        case validationAccuracy = "validation_accuracy"
    }
}

/// The `training` metadata as stored: `TrainingSummary` with snake_case keys. Explicit coding
/// keys rather than `.convertFromSnakeCase`, which would also rewrite the hyper-parameter names.
private struct StoredTrainingSummary: Decodable {
    var epochs: Int
    var bestEpoch: Int
    var trainingAccuracy: Double
    var validationAccuracy: Double?
    var trainingExamples: Int
    var validationExamples: Int
    var seed: UInt64
    var hyperparameters: [String: String]
    var refitExamples: Int?
    var refitEpochs: Int?

    enum CodingKeys: String, CodingKey {
        case epochs
        case bestEpoch = "best_epoch"
        case trainingAccuracy = "training_accuracy"
        case validationAccuracy = "validation_accuracy"
        case trainingExamples = "training_examples"
        case validationExamples = "validation_examples"
        case seed
        case hyperparameters
        case refitExamples = "refit_examples"
        case refitEpochs = "refit_epochs"
    }

    var summary: TrainingSummary {
        TrainingSummary(epochs: epochs, bestEpoch: bestEpoch, trainingAccuracy: trainingAccuracy,
                        validationAccuracy: validationAccuracy, trainingExamples: trainingExamples,
                        validationExamples: validationExamples, seed: seed, hyperparameters: hyperparameters,
                        refitExamples: refitExamples, refitEpochs: refitEpochs)
    }
}
