import ArgumentParser
import Classifier
import Foundation
import Imaging

/// `classify predict IMAGE...`: the label and every class's probability for each image.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict the class of PNG images with a trained model.",
        discussion: """
        For each image (folders are searched recursively for PNG files), prints the most likely \
        class and every class's probability, most likely first. Images that cannot be read are \
        reported on stderr and the rest are still predicted; the exit code is then 1.

        Example:
          classify predict photo.png
          classify predict --model fruit.safetensors --top 3 photos/
          classify predict --json photo.png
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

    @Option(help: ArgumentHelp("Worker threads for decoding (default: all cores).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        if images.isEmpty { throw ValidationError("Please name at least one PNG image or folder to predict.") }
        if let top, top < 1 { throw ValidationError("Please give a --top of at least 1.") }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("Please give --threads between 1 and 256.") }
    }

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: modelOptions.modelURL)
        let threads = threadCount(self.threads)
        Kernels.setThreadCount(1)  // single-image products are small; threads go to decoding

        var failures = 0
        var files: [URL] = []
        for argument in images {
            do {
                let found = try ImageFolder.pngFiles(at: fileURL(argument))
                if found.isEmpty { Console.err("No PNG images in '\(argument)'."); failures += 1 }
                files += found
            } catch {
                Console.err("Error: \(error)")
                failures += 1
            }
        }

        let results = classifier.predictions(forFiles: files, threads: threads)
        let width = classifier.classes.map(\.count).max() ?? 0
        for (file, result) in zip(files, results) {
            switch result {
            case let .failure(error):
                Console.err("Error: \(error)")
                failures += 1
            case let .success(prediction):
                let shown = prediction.top(top ?? prediction.probabilities.count)
                let best = prediction.probabilities[0]
                if json {
                    Console.json(PredictionJSON(
                        file: file.path, label: prediction.label,
                        probabilities: shown.map { .init(label: $0.label, probability: Double($0.probability)) }))
                } else {
                    Console.out("\(Format.path(file)): \(prediction.label) (\(Format.percent(Double(best.probability))))")
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
    var label: String
    var probabilities: [Entry]
}
