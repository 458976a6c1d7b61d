import ArgumentParser
import Classifier
import Platform
import Imaging
import Report

/// `classify report DIR --output report.html`: one self-contained page of pictures about a model.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page that shows what a model learned and where it fails.",
        discussion: """
        Evaluates the model on the test folder exactly as evaluate does, then draws: a summary, \
        the training curves (for models that keep their history), the confusion matrix as a heat \
        map with per-class precision, recall and F1, the most confident mistakes beside the \
        picture the network saw, the first layer's weights and each class's mean image, and a \
        reliability diagram when calibration data is available. The page fetches nothing: open \
        it offline, in a light or dark scheme, or print it.

        Example:
          classify report sample-data/fruit/test --model fruit.safetensors --output report.html
          classify report digits/test --mistakes 100 --pictures pictures/
        """
    )

    @Argument(help: ArgumentHelp("The test folder: one sub-folder of PNG images per class.", valueName: "dir"))
    var directory: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the HTML page.", valueName: "file.html"))
    var output: String = "report.html"

    @Option(help: ArgumentHelp("Show at most N misclassified images, most confident first.", valueName: "N"))
    var mistakes: Int = 48

    @Option(help: ArgumentHelp("Also write the pictures into this folder (PNG images, SVG charts).", valueName: "dir"))
    var pictures: String?

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if mistakes < 0 { throw ValidationError("Please give --mistakes 0 or more.") }
    }

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: modelOptions.modelURL)
        let threads = threadOptions.count
        let engine = try matrixEngine(fallback: .builtin)  // batched forward passes only, as in evaluate
        let loaded = try loadTestFolder(directory, for: classifier, threads: threads)
        // The same call as `evaluate`, so the page shows the numbers `evaluate --json` prints.
        let evaluation = classifier.evaluation(on: loaded.dataset, engine: engine, threads: threads)
        let metrics = evaluation.metrics
        let report = Report(modelName: modelOptions.model, folderName: directory, classifier: classifier,
                            files: loaded.files.map(\.relativePath), dataset: loaded.dataset,
                            evaluation: evaluation, balancedAccuracy: metrics.balancedAccuracy,
                            calibration: Report.Calibration(
                                expectedCalibrationError: evaluation.calibration.expectedCalibrationError,
                                bins: evaluation.calibration.bins.map { .init(confidence: $0.confidence, accuracy: $0.accuracy, count: $0.count) }),
                            skippedCount: loaded.skipped.count, mistakeLimit: mistakes)
        let out = fileURL(output)
        // The shared writer: atomic, and never replaces a device, FIFO or folder (issue 14).
        try Report.write(report.html(), to: out)
        Console.out("Wrote the report on \(Format.count(metrics.count)) images (accuracy \(Format.percent(metrics.accuracy))) "
            + "to \(out.relativePath).")
        if let pictures {
            let written = try report.writePictures(to: fileURL(pictures))
            Console.out("Wrote \(written.count) pictures to \(fileURL(pictures).relativePath).")
        }
    }
}
