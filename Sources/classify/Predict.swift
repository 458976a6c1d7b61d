import ArgumentParser
import Classifier
import Platform
import Imaging

/// `classify predict IMAGE...`: the label and every class's probability for each image.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",  // spelled out: deriving it from the type name costs a runtime type lookup per start
        // Only read when `predict` is the root of the parse (`Classify.parseFast`): usage names it
        // `classify predict`, and ArgumentParser skips its completion-script check (a tenth of a one-image run).
        _superCommandName: "classify",
        abstract: "Predict the class of PNG images with a trained model.",
        discussion: """
        For each image (folders are searched recursively for PNG files), prints the most likely \
        class and every class's probability, most likely first. Images that cannot be read are \
        reported on stderr and the rest are still predicted; the exit code is then 1.

        Example:
          classify predict photo.png
          classify predict --model fruit.safetensors --top 3 photos/
          classify predict --json photo.png
          classify predict --min-confidence 0.8 photos/

        With --min-confidence P, an image whose most likely class has a probability below P is \
        labelled "unknown" ("label": null in JSON); its probabilities are still listed.
        """
    )

    @Argument(help: ArgumentHelp("PNG files or folders of PNG files.", valueName: "image"))
    var images: [String]

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Show only the K most likely classes.", valueName: "K"))
    var top: Int?

    @Flag(help: """
        Print one JSON object per image on stdout: {"file", "label", "probabilities": [{"label", "probability"}…]}.
        """)
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    @Option(name: .customLong("min-confidence"),
            help: ArgumentHelp("Label an image 'unknown' when its top probability is below P (0 to 1).", valueName: "P"))
    var minConfidence: Double?

    /// The options as plain values, what `run` works on (`PredictRequest(plainArguments:)` builds
    /// the same without ArgumentParser).
    var request: PredictRequest {
        PredictRequest(images: images, model: modelOptions.model, top: top, json: json, threads: threadOptions.threads,
                       minConfidence: minConfidence)
    }

    func validate() throws {
        if let problem = request.problem { throw ValidationError(problem) }
    }

    func run() throws {
        try request.run()
    }
}

/// What `classify predict` was asked to do.
struct PredictRequest {
    var images: [String]
    var model = ModelOptions.defaultModel
    var top: Int?
    var json = false
    /// `--threads` (checked by `ThreadOptions`); nil for all cores.
    var threads: Int?
    var minConfidence: Double?

    /// The usage error in these options (other than `--threads`), or nil.
    var problem: String? {
        if images.isEmpty { return "Please name at least one PNG image or folder to predict." }
        if let top, top < 1 { return "Please give a --top of at least 1." }
        if let minConfidence, !(minConfidence >= 0 && minConfidence <= 1) {
            return "Please give a --min-confidence between 0 and 1, like 0.8."
        }
        return nil
    }

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: URL(fileURLWithPath: model))
        let threads = ThreadOptions.count(threads)
        // The built-in kernel unless CLASSIFY_BLAS says otherwise: one image is a matrix–vector
        // product, and loading OpenBLAS (its thread pool) would cost more than the product.
        let engine = try matrixEngine(fallback: .builtin)

        var failures = 0
        var files: [URL] = []
        for argument in images {
            do {
                var skipped: [ImageFolder.Skipped] = []
                let found = try ImageFolder.pngFiles(at: fileURL(argument), skipped: &skipped)
                for folder in skipped { Console.err("Skipped '\(folder.path)': \(folder.reason)."); failures += 1 }
                if found.isEmpty { Console.err("No PNG images in '\(argument)'."); failures += 1 }
                files += found
            } catch {
                Console.err("Error: \(error)")
                failures += 1
            }
        }

        let results = classifier.predictions(forFiles: files, threads: threads, engine: engine)
        let width = classifier.classes.map(\.count).max() ?? 0
        for (file, result) in zip(files, results) {
            switch result {
            case let .failure(error):
                Console.err("Error: \(error)")
                failures += 1
            case let .success(prediction) where !prediction.probabilities.allSatisfy(\.probability.isFinite):
                Console.err("Error: the model gives no finite probabilities for '\(file.relativePath)' (its weights overflow); it cannot be used.")
                failures += 1
            case let .success(prediction):
                let shown = prediction.top(top ?? prediction.probabilities.count)
                let best = prediction.probabilities[0]
                let label = Double(best.probability) < (minConfidence ?? 0) ? nil : prediction.label
                if json {
                    Console.json(PredictionJSON(
                        file: file.relativePath, label: label,
                        probabilities: shown.map { .init(label: $0.label, probability: Double($0.probability)) }))
                } else {
                    Console.out("\(file.relativePath): \(label ?? "unknown") (\(Format.percent(Double(best.probability))))")
                    for entry in shown {
                        let probability = Double(entry.probability)
                        let percent = Format.pad(Format.percent(probability), 6, right: true)
                        Console.out("  \(Format.pad(entry.label, width))  \(percent)  \(Format.bar(probability))")
                    }
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

/// The `predict --json` contract: one object per image, probabilities sorted descending.
struct PredictionJSON: Encodable {
    struct Entry: Encodable { var label: String; var probability: Double }
    var file: String
    /// `null` when the top probability is below `--min-confidence`.
    var label: String?
    var probabilities: [Entry]

    enum CodingKeys: CodingKey { case file, label, probabilities }

    /// Writes `"label": null` explicitly (the synthesized encoder would leave the key out).
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(label, forKey: .label)
        try container.encode(probabilities, forKey: .probabilities)
    }
}
