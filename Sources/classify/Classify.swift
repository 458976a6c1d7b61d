import ArgumentParser
import Classifier
import Platform

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
        subcommands: [Train.self, Predict.self, Evaluate.self, Inspect.self, Preview.self, Export.self, ReportCommand.self]
    )

    /// Parses and runs like `ParsableCommand.main()`, but every message (help, usage errors, the
    /// commands' errors) goes through `Console`: terminal-safe, and a closed or full stream is a
    /// clean exit instead of a trap.
    /// `classify --version` also names the engine training would use (and only then loads BLAS).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            Console.out(configuration.version)
            do {
                let engine = try matrixEngine()
                let threads = ProcessInfo.processInfo.activeProcessorCount
                Console.out("matrix products: \(engine.name), \(threads) thread\(threads == 1 ? "" : "s")")
            } catch {
                Console.err("Error: \(error)")
                terminate(1)
            }
            return
        }
        if let word = clusteredShortOption(in: arguments) {
            Console.err("Error: Unknown option '\(word)'. To name a file that starts with '-', write './\(word)' or put '--' before it.")
            terminate(ExitCode.validationFailure.rawValue)
        }
        do {
            if arguments.first == "predict", let request = PredictRequest(plainArguments: Array(arguments.dropFirst())) {
                try request.run()
            } else {
                var command = try parseFast(arguments) ?? parseAsRoot()
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if code == .success { lines.forEach { Console.out($0) } } else { lines.forEach { Console.err($0) } }
            }
            terminate(code.rawValue)
        }
    }

    /// `predict …` that `PredictRequest(plainArguments:)` does not take, parsed by `Predict` alone:
    /// `parseAsRoot` first builds the whole command tree and looks for completion-script requests,
    /// a sixth of a one-image prediction's time. Anything
    /// that does not parse this way (help, `--version`, a usage error) returns nil and goes through
    /// `parseAsRoot`, so messages and exit codes stay the root command's.
    static func parseFast(_ arguments: [String]) -> ParsableCommand? {
        guard arguments.first == "predict" else { return nil }
        return try? Predict.parse(Array(arguments.dropFirst()))
    }

    /// The first argument like `-dash`: one dash, several letters, not a number. ArgumentParser reads
    /// it as `-d -a -s -h` and prints help with status 0 for what was meant as a file name; no
    /// option of this command is a cluster of short flags, so it is refused instead.
    static func clusteredShortOption(in arguments: [String]) -> String? {
        for argument in arguments {
            if argument == "--" { return nil }
            guard argument.count > 2, argument.hasPrefix("-"), !argument.hasPrefix("--"), Double(argument) == nil else { continue }
            return argument
        }
        return nil
    }
}

/// `exit(3)` under a name that does not collide with `ParsableCommand.exit` (at file scope, `exit` is libc's).
private func terminate(_ code: Int32) -> Never {
    exit(code)
}
