import ArgumentParser
import Classifier
import Foundation

/// The `classify` command: a thin layer over the `Imaging` and `Classifier` libraries.
@main
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train and run a neural-network image classifier on folders of PNG images.",
        discussion: """
        Put your images in one sub-folder per category (fruit/apple/*.png, fruit/orange/*.png), \
        then train a model, predict new images and evaluate the model on a test folder:

          classify train fruit/train
          classify predict photo.png
          classify evaluate fruit/test

        The model is saved as classifier.safetensors in the current folder unless you name \
        another file with --model.
        """,
        version: "1.0.0",
        subcommands: [Train.self, Predict.self, Evaluate.self, Inspect.self, Preview.self]
    )

    /// `classify --version` also names the engine training would use; every other invocation
    /// goes to ArgumentParser untouched (and loads no BLAS).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments == ["--version"] else { return main(nil) }
        print(configuration.version)
        do {
            let engine = try matrixEngine()
            let threads = ProcessInfo.processInfo.activeProcessorCount
            print("matrix products: \(engine.name), \(threads) thread\(threads == 1 ? "" : "s")")
        } catch {
            Console.err("Error: \(error)")
            Foundation.exit(1)
        }
    }
}
