import ArgumentParser
import Classifier
import Foundation
import Imaging

extension Activation: ExpressibleByArgument {
    /// Only the element-wise activations can be chosen for hidden layers.
    public static var allValueStrings: [String] { ["relu", "sigmoid", "tanh", "arctan"] }
}
extension Cost: ExpressibleByArgument {}
extension Optimizer: ExpressibleByArgument {}

/// `classify train DIR`: load a folder-per-class tree, train, save the best model.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",  // spelled out: deriving it from the type name costs a runtime type lookup per start
        abstract: "Train a classifier on a folder with one sub-folder of PNG images per class.",
        discussion: """
        Every immediate sub-folder of DIR is a class, named after the folder; the PNG files in it \
        are its examples. Hidden files and non-PNG files are skipped and reported. Without flags, \
        the input size and colour come from the images, a ReLU network with softmax outputs is \
        trained with Adam, 10% of each class is held out for validation, training stops when the \
        validation loss stops improving, and the weights of the best epoch are saved.

        Press Ctrl-C to stop early: the current batch finishes and the best model so far is saved.

        Example:
          classify train sample-data/fruit/train --model fruit.safetensors
          classify train digits/ --hidden 256,64 --epochs 30 --size 16x16 --color gray
        """
    )

    @Argument(help: ArgumentHelp("The training folder: one sub-folder of PNG images per class.", valueName: "dir"))
    var directory: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Hidden layer sizes, comma-separated, e.g. 128,64 (an empty string means none).", valueName: "sizes"))
    var hidden: String?

    @Option(help: ArgumentHelp("The hidden neurons' activation: relu, sigmoid, tanh or arctan.", valueName: "name"))
    var activation: Activation = TrainingConfiguration().activation

    @Option(help: ArgumentHelp("The cost: cross-entropy (softmax outputs) or quadratic (sigmoid outputs).", valueName: "name"))
    var cost: Cost = TrainingConfiguration().cost

    @Option(help: ArgumentHelp("The optimizer: adam, sgd (plain gradient descent) or momentum.", valueName: "name"))
    var optimizer: Optimizer = TrainingConfiguration().optimizer

    @Option(name: .customLong("learning-rate"), help: ArgumentHelp("The step size (default: 0.001 for adam, 0.01 for "
        + "momentum, 0.1 for sgd).", valueName: "rate"))
    var learningRate: Float?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Examples per gradient step.", valueName: "n"))
    var batchSize: Int = TrainingConfiguration().batchSize

    @Option(help: ArgumentHelp("The most epochs (passes over the training data) to run.", valueName: "n"))
    var epochs: Int = TrainingConfiguration().maxEpochs

    @Option(help: ArgumentHelp("Stop after this many epochs without a lower validation loss.", valueName: "n"))
    var patience: Int = TrainingConfiguration().patience

    @Option(help: ArgumentHelp("L2 weight decay λ (0 turns it off).", valueName: "λ"))
    var l2: Float = TrainingConfiguration().l2

    @Option(name: .customLong("validation-split"), help: ArgumentHelp("The fraction of each class held out for validation, 0 to 0.9 (0 trains on "
        + "everything and keeps the last epoch).", valueName: "fraction"))
    var validationSplit: Double = TrainingConfiguration().validationFraction

    @Option(help: ArgumentHelp("The random seed: the same data and seed give the same model file.", valueName: "n"))
    var seed: UInt64 = TrainingConfiguration().seed

    @Option(help: ArgumentHelp("The network's input size, e.g. 28x28 (default: the images' most common size, shrunk "
        + "to at most 4,096 pixels).", valueName: "WxH"))
    var size: ImageSize?

    @Option(help: ArgumentHelp("The network's colour: gray or rgb (default: gray if every image is grey).", valueName: "mode"))
    var color: ColorMode?

    @Option(help: ArgumentHelp("The colour transparent pixels are composited onto: white, black, gray or #rrggbb.", valueName: "color"))
    var background: BackgroundColor = .white

    @OptionGroup var threadOptions: ThreadOptions

    @Flag(help: "Print a JSON summary on stdout instead of text (progress still goes to stderr).")
    var json = false

    func validate() throws {
        guard hiddenSizes != nil else { throw ValidationError(Self.advice[.hiddenLayers] ?? "") }
        // The library also trains identity layers (for tests); the command line offers the four in --help.
        if ![.relu, .sigmoid, .tanh, .arctan].contains(activation) {
            throw ValidationError(Self.advice[.activation] ?? "")
        }
        do throws(ClassifierError) {
            try trainingConfiguration.validate()
        } catch {
            guard case let .invalidConfiguration(setting, reason) = error else { throw error }
            throw ValidationError(Self.advice[setting] ?? "Please check the training settings: \(reason).")
        }
    }

    /// What to do about each setting `TrainingConfiguration.validate()` refuses, in terms of this command's options.
    static let advice: [TrainingConfiguration.Setting: String] = [
        .hiddenLayers: "Please give --hidden as comma-separated positive sizes, like 128 or 128,64.",
        .activation: "Please choose --activation relu, sigmoid, tanh or arctan.",
        .learningRate: "Please give a positive --learning-rate, like 0.001.",
        .batchSize: "Please give a --batch-size of at least 1.",
        .maxEpochs: "Please give --epochs of at least 1.",
        .patience: "Please give a --patience of at least 1 epoch.",
        .l2: "Please give an --l2 of 0 or more.",
        .validationFraction: "Please give a --validation-split between 0 and \(TrainingConfiguration.maximumValidationFraction), like 0.1.",
        .threads: "Please give --threads between 1 and 256.",
    ]

    /// `--hidden` parsed into integers (their bounds are the library's), or nil when malformed.
    var hiddenSizes: [Int]? {
        guard let hidden else { return TrainingConfiguration().hiddenLayers }
        if hidden.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        let sizes = hidden.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.allSatisfy({ $0 != nil }) else { return nil }
        return sizes.compactMap { $0 }
    }

    /// The flags as a training configuration.
    var trainingConfiguration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.hiddenLayers = hiddenSizes ?? configuration.hiddenLayers
        configuration.activation = activation
        configuration.cost = cost
        configuration.optimizer = optimizer
        configuration.learningRate = learningRate
        configuration.batchSize = batchSize
        configuration.maxEpochs = epochs
        configuration.patience = patience
        configuration.l2 = l2
        configuration.validationFraction = validationSplit
        configuration.seed = seed
        configuration.threads = threadOptions.count
        return configuration
    }

    func run() throws {
        let start = Date()
        let threads = threadOptions.count
        let engine = try matrixEngine()
        reportEngine(engine, threads: threads)
        let root = fileURL(directory)
        let modelURL = modelOptions.modelURL
        try checkWritableFolder(for: modelURL)

        // 1. Data.
        let loaded = try ImageDataset(trainingFolder: root, size: size.map { ($0.width, $0.height) },
                                       color: color, background: background, threads: threads)
        let loadSeconds = Date().timeIntervalSince(start)
        reportData(loaded, root: root, seconds: loadSeconds)

        // 2. Training.
        var configuration = trainingConfiguration
        configuration.engine = engine
        let sizes = [loaded.dataset.inputCount] + configuration.hiddenLayers + [loaded.classes.count]
        Console.err("Network: \(sizes.map(String.init).joined(separator: "-")), "
            + "\(configuration.hiddenLayers.isEmpty ? "no hidden layer" : "\(activation.rawValue) hidden units"), \(cost.outputActivation.rawValue) "
            + "outputs with \(cost.rawValue) cost, \(optimizer.rawValue) optimizer.")

        let interrupt = InterruptFlag()
        let display = TrainingProgressDisplay(live: Console.stderrIsTerminal)
        let trainStart = Date()
        let result = try Trainer(configuration: configuration)
            .train(loaded.dataset, progress: display.show, shouldStop: { interrupt.isRaised })
        display.finish()
        let trainSeconds = Date().timeIntervalSince(trainStart)

        // 3. The model file, written atomically.
        let classifier = ImageClassifier(network: result.network, classes: loaded.classes,
                                         inputFormat: loaded.inputFormat, summary: result.summary)
        try classifier.write(to: modelURL)
        let totalSeconds = Date().timeIntervalSince(start)
        let speed = result.history.isEmpty ? 0
            : result.history.map(\.samplesPerSecond).reduce(0, +) / Double(result.history.count)

        if json {
            Console.json(TrainSummaryJSON(
                model: modelURL.path, classes: loaded.classes,
                input: .init(width: loaded.inputFormat.width, height: loaded.inputFormat.height,
                             color: loaded.inputFormat.color.rawValue),
                layers: result.network.sizes, epochs: result.summary.epochs,
                best_epoch: result.summary.bestEpoch,
                train_accuracy: result.summary.trainingAccuracy,
                validation_accuracy: result.summary.validationAccuracy,
                images: loaded.dataset.count,
                skipped: loaded.skipped.map { .init(file: $0.path, reason: $0.reason) },
                seconds: .init(load: loadSeconds, train: trainSeconds, total: totalSeconds),
                samples_per_second: speed, interrupted: result.wasInterrupted))
        } else {
            printSummary(result, loaded: loaded, model: modelURL, seconds: totalSeconds, speed: speed)
        }
    }

    /// Fails before any work when the model's folder does not exist, so hours of training are
    /// never lost to a typo in --model.
    private func checkWritableFolder(for model: URL) throws {
        let folder = model.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ClassifierError.unwritableModelFile(file: model.path, reason: "the folder '\(folder.path)' does not exist; "
                + "please create it or choose another --model path")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw ClassifierError.unwritableModelFile(file: model.path, reason: "the folder '\(folder.path)' is not "
                + "writable; please choose another --model path")
        }
    }

    /// The first line of every training: what runs the products, and what would be faster.
    private func reportEngine(_ engine: MatrixEngine, threads: Int) {
        Console.err("Matrix products: \(engine.name), \(threads) thread\(threads == 1 ? "" : "s").")
        if engine.kind == .builtin && ProcessInfo.processInfo.environment["CLASSIFY_BLAS"] == nil {
            Console.err("Installing OpenBLAS makes training up to \(measuredOpenBLASSpeedup)× faster "
                        + "(Debian/Ubuntu: sudo apt-get install libopenblas0).")
        }
    }

    private func reportData(_ loaded: ImageDataset, root: URL, seconds: Double) {
        let counts = loaded.imagesPerClass
        let list = zip(loaded.classes, counts).map { "\($0) (\(Format.count($1)))" }.joined(separator: ", ")
        Console.err("Found \(Format.count(loaded.dataset.count)) images in \(loaded.classes.count) classes in "
            + "'\(Format.path(root))' (\(Format.duration(seconds))): \(list).")
        for skipped in loaded.skipped {
            Console.err("Skipped '\(skipped.path)': \(skipped.reason).")
        }
        let f = loaded.inputFormat
        Console.err("Input: \(f.width)×\(f.height) \(f.color.rawValue) (\(Format.count(f.inputCount)) input neurons), "
            + "transparency composited onto \(f.background).")
    }

    private func printSummary(_ result: TrainingResult, loaded: ImageDataset, model: URL, seconds: Double, speed: Double) {
        let s = result.summary
        var how = ""
        if result.wasInterrupted { how = ", stopped by Ctrl-C" } else if result.stoppedEarly { how = ", stopped early: no "
            + "better validation loss for \(patience) epochs" }
        Console.out("Trained on \(Format.count(s.trainingExamples)) images (\(Format.count(s.validationExamples)) more held out for "
            + "validation) in \(Format.duration(seconds)).")
        Console.out("  epochs               \(s.epochs) (best \(s.bestEpoch)\(how))")
        Console.out("  training accuracy    \(Format.percent(s.trainingAccuracy))")
        if let v = s.validationAccuracy {
            Console.out("  validation accuracy  \(Format.percent(v))")
        }
        Console.out("  speed                \(Format.count(Int(speed))) samples/s")
        Console.out("Saved the model (epoch \(s.bestEpoch)) to \(Format.path(model)).")
    }
}

/// The `train --json` contract.
struct TrainSummaryJSON: Encodable {
    struct Input: Encodable { var width: Int; var height: Int; var color: String }
    struct Skipped: Encodable { var file: String; var reason: String }
    struct Seconds: Encodable { var load: Double; var train: Double; var total: Double }
    var model: String
    var classes: [String]
    var input: Input
    var layers: [Int]
    var epochs: Int
    var best_epoch: Int
    var train_accuracy: Double
    var validation_accuracy: Double?
    var images: Int
    var skipped: [Skipped]
    var seconds: Seconds
    var samples_per_second: Double
    var interrupted: Bool
}
