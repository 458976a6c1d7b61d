import ArgumentParser
import Classifier
import Platform
import Imaging

/// `classify evaluate DIR`: accuracy, per-class precision/recall/F1, confusion matrix, mistakes.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",  // spelled out: deriving it from the type name costs a runtime type lookup per start
        abstract: "Measure a trained model on a folder with one sub-folder of PNG images per class.",
        discussion: """
        The sub-folders must be named like the model's classes (their order does not matter). \
        Prints the accuracy, each class's precision, recall, F1 and support, the confusion \
        matrix (rows = true class, columns = predicted class), and the misclassified files with \
        what they were taken for.

        Example:
          classify evaluate sample-data/fruit/test
          classify evaluate --model digits.safetensors --show-errors 20 digits/test
          classify evaluate --json sample-data/fruit/test
        """
    )

    @Argument(help: ArgumentHelp("The test folder: one sub-folder of PNG images per class.", valueName: "dir"))
    var directory: String

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false

    @Option(name: .customLong("show-errors"), help: ArgumentHelp("List at most N misclassified files (default: "
        + "10 in text, all in JSON).", valueName: "N"))
    var showErrors: Int?

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if let showErrors, showErrors < 0 { throw ValidationError("Please give --show-errors 0 or more.") }
    }

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: modelOptions.modelURL)
        let threads = threadOptions.count
        let engine = try matrixEngine(fallback: .builtin)  // batched forward passes only: no BLAS needed
        let loaded = try loadTestFolder(directory, for: classifier, threads: threads)

        let evaluation = classifier.evaluation(on: loaded.dataset, engine: engine, threads: threads)
        let (labels, predicted, confidence) = (evaluation.labels, evaluation.predicted, evaluation.confidence)
        let metrics = evaluation.metrics, mistakes = evaluation.mistakes
        let classes = classifier.classes
        let (calibration, uncalibrated) = (evaluation.calibration, evaluation.calibrationAtTemperatureOne)

        if json {
            let shown = mistakes.prefix(showErrors ?? mistakes.count)
            Console.json(EvaluationJSON(
                accuracy: metrics.accuracy, balanced_accuracy: metrics.balancedAccuracy, count: metrics.count, classes: classes,
                per_class: zip(classes, metrics.perClass).map {
                    .init(label: $0, precision: $1.precision, recall: $1.recall, f1: $1.f1, support: $1.support)
                },
                confusion: metrics.confusion,
                calibration: .init(ece: calibration.expectedCalibrationError, temperature: Double(classifier.temperature),
                                   ece_at_temperature_1: uncalibrated.expectedCalibrationError,
                                   bins: calibration.bins.map { .init(confidence: $0.confidence, accuracy: $0.accuracy, count: $0.count) }),
                misclassified: shown.map {
                    .init(file: loaded.files[$0].relativePath, label: classes[labels[$0]],
                          predicted: classes[predicted[$0]], probability: Double(confidence[$0]))
                }))
            return
        }

        let correct = metrics.count - mistakes.count
        Console.out("Accuracy: \(Format.percent(metrics.accuracy)) (\(Format.count(correct)) of "
            + "\(Format.count(metrics.count)) images in '\(directory)')")
        Console.out("Balanced accuracy: \(Format.percent(metrics.balancedAccuracy)) (the mean of the classes' recalls)")
        let ece = Format.percent(calibration.expectedCalibrationError)
        Console.out("Calibration: expected calibration error \(ece) over 15 confidence bins"
            + (classifier.temperature == 1 ? "" : " (temperature \(String(cFormat: "%.3g", classifier.temperature)); "
                + "\(Format.percent(uncalibrated.expectedCalibrationError)) without it)"))
        Console.out()
        let w = max(5, classes.map(\.count).max() ?? 0)
        Console.out("\(Format.pad("class", w))  precision  recall      f1  support")
        for (name, m) in zip(classes, metrics.perClass) {
            Console.out("\(Format.pad(name, w))  \(Format.pad(Format.percent(m.precision), 9, right: true))  "
                + "\(Format.pad(Format.percent(m.recall), 6, right: true))  \(Format.pad(Format.percent(m.f1), 6, right: true))  "
                + "\(Format.pad(String(m.support), 7, right: true))")
        }
        Console.out()
        Console.out("Confusion matrix (rows = true class, columns = predicted class):")
        let cell = max(w, metrics.confusion.flatMap { $0 }.map { String($0).count }.max() ?? 1)
        Console.out(Format.pad("", w) + classes.map { "  " + Format.pad($0, cell, right: true) }.joined())
        for (name, row) in zip(classes, metrics.confusion) {
            Console.out(Format.pad(name, w) + row.map { "  " + Format.pad(String($0), cell, right: true) }.joined())
        }
        if !mistakes.isEmpty {
            let limit = showErrors ?? 10
            Console.out()
            Console.out("Misclassified: \(mistakes.count)\(mistakes.count > limit ? " (showing \(limit); use --show-errors N for more)" : "")")
            for i in mistakes.prefix(limit) {
                Console.out("  \(loaded.files[i].relativePath)  \(classes[labels[i]]) taken for \(classes[predicted[i]]) "
                    + "(\(Format.percent(Double(confidence[i]))))")
            }
        }
    }
}

/// The `evaluate --json` contract.
struct EvaluationJSON: Encodable {
    struct PerClass: Encodable { var label: String; var precision: Double; var recall: Double; var f1: Double; var support: Int }
    struct Mistake: Encodable { var file: String; var label: String; var predicted: String; var probability: Double }
    struct Bin: Encodable { var confidence: Double; var accuracy: Double; var count: Int }
    struct Calibration: Encodable { var ece: Double; var temperature: Double; var ece_at_temperature_1: Double; var bins: [Bin] }
    var accuracy: Double
    var balanced_accuracy: Double
    var count: Int
    var classes: [String]
    var per_class: [PerClass]
    var confusion: [[Int]]
    var calibration: Calibration
    var misclassified: [Mistake]
}
