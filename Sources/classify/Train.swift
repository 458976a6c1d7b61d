import ArgumentParser
import Classifier
import Platform
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
        the input size and colour come from the images, each image is centred on its own mean value, a \
        ReLU network with softmax outputs is trained with Adam on randomly shifted copies of the \
        images (mirrored too when the images are mirror-symmetric, as photographs of scenes and \
        objects are and digits are not) towards labels smoothed by 0.05, 10% of each class is held out for validation, training stops 25 epochs after the \
        validation loss (at its best temperature) last improved, and the best epoch's averaged \
        weights are saved with a temperature that calibrates the probabilities.

        Press Ctrl-C to stop early: the current batch finishes and the best model so far is saved.

        With --from MODEL, training continues from that model's weights instead of fresh ones: \
        the folder must have the same classes, and the input format, layers, activation and cost \
        are the model's (a flag that contradicts them is refused). Epochs are numbered after the \
        model's, and its seed is reused unless --seed is given, so the validation split is the same.

        Example:
          classify train sample-data/fruit/train --model fruit.safetensors
          classify train digits/ --hidden 256,64 --epochs 30 --size 16x16 --color gray
          classify train more-fruit/ --from fruit.safetensors --epochs 10
        """
    )

    @Argument(help: ArgumentHelp("The training folder: one sub-folder of PNG images per class.", valueName: "dir"))
    var directory: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Continue training this model's weights instead of starting afresh.", valueName: "model"))
    var from: String?

    @Option(help: ArgumentHelp("Hidden layer sizes, comma-separated, e.g. 128,64 (an empty string means none).", valueName: "sizes"))
    var hidden: String?

    @Option(help: ArgumentHelp("The hidden neurons' activation: relu, sigmoid, tanh or arctan (default: relu).", valueName: "name"))
    var activation: Activation?

    @Option(help: ArgumentHelp("The cost: cross-entropy (softmax outputs, the default) or quadratic (sigmoid outputs).",
                               valueName: "name"))
    var cost: Cost?

    @Option(help: ArgumentHelp("The optimizer: adam, sgd (plain gradient descent) or momentum.", valueName: "name"))
    var optimizer: Optimizer = TrainingConfiguration().optimizer

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: ArgumentHelp("The step size (default: 0.001 for adam, 0.01 for "
        + "momentum, 0.1 for sgd).", valueName: "rate"))
    var learningRate: Float?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Examples per gradient step.", valueName: "n"))
    var batchSize: Int = TrainingConfiguration().batchSize

    @Option(parsing: .unconditional, help: ArgumentHelp("The most epochs (passes over the training data) to run.", valueName: "n"))
    var epochs: Int = TrainingConfiguration().maxEpochs

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after this many epochs without a better validation criterion "
        + "(see --select).", valueName: "n"))
    var patience: Int = TrainingConfiguration().patience

    @Option(parsing: .unconditional, help: ArgumentHelp("L2 weight decay λ (0 turns it off).", valueName: "λ"))
    var l2: Float = TrainingConfiguration().l2

    @Option(parsing: .unconditional, help: ArgumentHelp("The probability of dropping each hidden unit in a training step, "
        + "0 to 0.9 (0 turns dropout off).", valueName: "p"))
    var dropout: Float = TrainingConfiguration().dropout

    @Option(name: .customLong("label-smoothing"), parsing: .unconditional,
            help: ArgumentHelp("Train towards 1 − ε + ε/K for the label and ε/K for the other K − 1 classes instead of 1 "
        + "and 0, 0 to 0.5 (0 turns it off).", valueName: "ε"))
    var labelSmoothing: Float = TrainingConfiguration().labelSmoothing

    @Option(name: .customLong("validation-split"), parsing: .unconditional,
            help: ArgumentHelp("The fraction of each class held out for validation, 0 to 0.9 (0 trains on "
        + "everything and keeps the last epoch).", valueName: "fraction"))
    var validationSplit: Double = TrainingConfiguration().validationFraction

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The random seed: the same data and seed give the same model file "
                + "(default: 42, or the --from model's).", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("The network's input size, e.g. 28x28 (default: the images' most common size, shrunk "
        + "to at most 1,024 pixels below 10,000 images, else 4,096).", valueName: "WxH"))
    var size: ImageSize?

    @Option(help: ArgumentHelp("The network's colour: gray or rgb (default: gray if every image is grey).", valueName: "mode"))
    var color: ColorMode?

    @Option(help: ArgumentHelp("The colour transparent pixels are composited onto: white (the default), black, gray or #rrggbb.",
                               valueName: "color"))
    var background: BackgroundColor?

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup var learning: LearningOptions

    @Flag(help: "Print a JSON summary on stdout instead of text (progress still goes to stderr).")
    var json = false

    func validate() throws {
        if directory.isEmpty { throw ValidationError("Please name the training folder: the folder argument is empty.") }
        guard hiddenSizes != nil else { throw ValidationError(Self.advice[.hiddenLayers] ?? "") }
        if from != nil && learning.ensemble > 1 { throw ValidationError(Self.advice[.ensemble] ?? "") }
        // The library also trains identity layers (for tests); the command line offers the four in --help.
        if let activation, ![.relu, .sigmoid, .tanh, .arctan].contains(activation) {
            throw ValidationError(Self.advice[.activation] ?? "")
        }
        do throws(ClassifierError) {
            try trainingConfiguration().validate()
        } catch {
            guard case let .invalidConfiguration(setting, reason) = error else { throw error }
            throw ValidationError(Self.advice[setting] ?? "Please check the training settings: \(reason).")
        }
    }

    /// What to do about each setting `TrainingConfiguration.validate()` refuses, in terms of this command's options.
    static let advice: [TrainingConfiguration.Setting: String] = [
        .hiddenLayers: "Please give --hidden as comma-separated sizes from 1 to \(TrainingConfiguration.maximumHiddenWidth), like 128 or 128,64.",
        .activation: "Please choose --activation relu, sigmoid, tanh or arctan.",
        .learningRate: "Please give a positive --learning-rate, like 0.001.",
        .batchSize: "Please give a --batch-size of at least 1.",
        .maxEpochs: "Please give --epochs of at least 1.",
        .patience: "Please give a --patience of at least 1 epoch.",
        .l2: "Please give an --l2 of 0 or more.",
        .ensemble: "Please give an --ensemble of 1 to \(TrainingConfiguration.maximumEnsemble) networks, without --refit or --from.",
        .dropout: "Please give a --dropout between 0 and \(TrainingConfiguration.maximumDropout), like 0.2.",
        .labelSmoothing: "Please give a --label-smoothing between 0 and \(TrainingConfiguration.maximumLabelSmoothing), like 0.05.",
        .validationFraction: "Please give a --validation-split between 0 and \(TrainingConfiguration.maximumValidationFraction), like 0.1.",
        .threads: "Please give --threads between 1 and 256.",
    ]

    /// `--hidden` parsed into integers (their bounds are the library's), or nil when malformed.
    var hiddenSizes: [Int]? {
        guard let hidden else { return TrainingConfiguration().hiddenLayers }
        if trimmingSpaces(hidden[...]).isEmpty { return [] }
        let sizes = hidden.split(separator: ",", omittingEmptySubsequences: false).map { Int(trimmingSpaces($0)) }
        guard sizes.allSatisfy({ $0 != nil }) else { return nil }
        return sizes.compactMap { $0 }
    }

    /// The flags as a training configuration; with `--from`, the model's layers, activation, cost
    /// and seed stand in for the flags not given (flags that contradict the model are refused later).
    func trainingConfiguration(continuing previous: ImageClassifier? = nil) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.hiddenLayers = (hidden == nil ? previous?.hiddenLayers : nil) ?? hiddenSizes ?? configuration.hiddenLayers
        configuration.activation = activation ?? previous?.hiddenActivation ?? configuration.activation
        configuration.cost = cost ?? previous?.network.cost ?? configuration.cost
        configuration.optimizer = optimizer
        configuration.learningRate = learningRate
        configuration.batchSize = batchSize
        configuration.maxEpochs = epochs
        configuration.patience = patience
        configuration.l2 = l2
        configuration.dropout = dropout
        configuration.labelSmoothing = labelSmoothing
        configuration.validationFraction = validationSplit
        configuration.seed = seed ?? previous?.summary?.seed ?? configuration.seed
        learning.apply(to: &configuration)
        // Continuing keeps the model's standardization (Trainer uses the start's): record its mode.
        if let mode = previous?.summary?.hyperparameters["standardization"].flatMap(StandardizationMode.init(rawValue:)) {
            configuration.standardization = mode
        }
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
        // Before any work: a typo, a folder, a device or FIFO as --model must not cost a training run.
        do { _ = try RegularFile.writableDestination(for: modelOptions.model) } catch {
            throw ClassifierError.unwritableModelFile(file: modelOptions.model, reason: error.reason)
        }

        // 0. The model to continue, if any: its input format, layers, activation, cost and seed
        //    are the defaults; flags that contradict them are refused by `continuation` below.
        let previous = try from.map { try ImageClassifier(contentsOf: fileURL($0)) }
        let format = previous?.inputFormat
        var configuration = trainingConfiguration(continuing: previous)
        configuration.engine = engine
        try configuration.validate()

        // 1. Data, refused before decoding when the run cannot fit in memory.
        var loaded = try ImageDataset(trainingFolder: root, size: size.map { ($0.width, $0.height) } ?? format.map { ($0.width, $0.height) },
                                      color: color ?? format?.color, background: background ?? format?.background ?? .white,
                                      threads: threads) { examples, classes, format in
            try configuration.checkMemory(examples: examples, inputs: format.inputCount, classes: classes,
                                          physicalMemory: ProcessInfo.processInfo.physicalMemory)
        }
        let loadSeconds = Date().timeIntervalSince(start)
        reportData(loaded, root: root, seconds: loadSeconds)

        // 2. Training.
        var trainingStart: TrainingStart?
        if let previous, let from {
            (loaded, trainingStart) = try previous.continuation(on: loaded, configuration: configuration, name: from)
            Console.err("Continuing from '\(from)' after epoch \(trainingStart?.completedEpochs ?? 0).")
        }
        let (activation, cost) = (configuration.activation, configuration.cost)
        let sizes = [loaded.dataset.inputCount] + configuration.hiddenLayers + [loaded.classes.count]
        Console.err("Network: \(sizes.map(String.init).joined(separator: "-")), "
            + "\(configuration.hiddenLayers.isEmpty ? "no hidden layer" : "\(activation.rawValue) hidden units"), \(cost.outputActivation.rawValue) "
            + "outputs with \(cost.rawValue) cost, \(optimizer.rawValue) optimizer.")

        let interrupt = InterruptFlag()
        let display = TrainingProgressDisplay(live: Console.stderrIsTerminal)
        let trainStart = Date()
        let result = try Trainer(configuration: configuration)
            .train(loaded.dataset, from: trainingStart, progress: display.show, shouldStop: { interrupt.isRaised })
        display.finish()
        let trainSeconds = Date().timeIntervalSince(trainStart)

        // 3. The model file, written atomically.
        let classifier = ImageClassifier(network: result.network, classes: loaded.classes,
                                         inputFormat: loaded.inputFormat, inputStandardization: result.standardization,
                                         temperature: result.temperature, summary: result.summary,
                                         // An ensemble's file keeps its first network's curve (one epoch axis).
                                         trainingHistory: (previous?.trainingHistory ?? []) + result.history.filter { $0.member == 1 }.map(\.record))
        try classifier.write(to: modelURL)
        let totalSeconds = Date().timeIntervalSince(start)
        let speed = result.history.isEmpty ? 0
            : result.history.map(\.samplesPerSecond).reduce(0, +) / Double(result.history.count)

        if json {
            Console.json(TrainSummaryJSON(
                model: modelOptions.model, classes: loaded.classes,
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
            printSummary(result, loaded: loaded, seconds: totalSeconds, speed: speed, stoppedBy: interrupt.reason)
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
            + "'\(directory)' (\(Format.duration(seconds))): \(list).")
        for skipped in loaded.skipped {
            Console.err("Skipped '\(skipped.path)': \(skipped.reason).")
        }
        if ClassWeighting.isImbalanced(counts), let smallest = counts.min(), let largest = counts.max() {
            let remedy = learning.classWeight == .auto ? "every class is sampled equally often (--class-weight auto; none turns it off)"
                : "consider --class-weight balanced"
            Console.err("Warning: the classes are imbalanced: the largest has \(Format.count(largest)) images, more than 3× "
                + "the smallest (\(Format.count(smallest))); \(remedy), and read balanced accuracy in classify evaluate.")
        }
        let f = loaded.inputFormat
        Console.err("Input: \(f.width)×\(f.height) \(f.color.rawValue) (\(Format.count(f.inputCount)) input neurons), "
            + "transparency composited onto \(f.background).")
    }
}
