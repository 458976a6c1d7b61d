import ArgumentParser
import Classifier
import Platform
import Imaging

/// `classify inspect`: what a model file holds.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",  // spelled out: deriving it from the type name costs a runtime type lookup per start
        abstract: "Show a model's classes, input format, layers, cost and training summary.",
        discussion: """
        Example:
          classify inspect
          classify inspect --model fruit.safetensors --json
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: modelOptions.modelURL)
        let network = classifier.network
        let f = classifier.inputFormat
        if json {
            // The training summary is printed as stored in the file (snake_case keys), so
            // `inspect --json` shows exactly what the model file holds.
            let stored = classifier.modelFile().metadata["training"]
            let training = stored.flatMap { try? JSONValue(parsing: $0.utf8) }
            let object: JSONValue = .object([
                "model": .string(modelOptions.model),
                "classes": .array(classifier.classes.map { .string($0) }),
                "input": .object(["width": .integer(f.width), "height": .integer(f.height), "color": .string(f.color.rawValue),
                                  "background": .string(f.background.description)]),
                "layers": .array(network.layers.map {
                    .object(["inputs": .integer($0.inputCount), "outputs": .integer($0.outputCount),
                             "activation": .string($0.activation.rawValue), "parameters": .integer($0.parameterCount)])
                }),
                "parameters": .integer(network.parameterCount),
                "cost": .string(network.cost.rawValue),
                "training": training ?? .null,
            ])
            Console.jsonObject(object)
            return
        }
        Console.out("Model: \(modelOptions.model)")
        Console.out("Classes (\(classifier.classes.count)): \(classifier.classes.joined(separator: ", "))")
        Console.out("Input: \(f.width)×\(f.height) \(f.color.rawValue), transparency composited onto \(f.background) "
            + "(\(Format.count(f.inputCount)) input neurons)")
        Console.out("Layers:")
        for (i, layer) in network.layers.enumerated() {
            Console.out("  \(i + 1)  \(Format.pad(String(layer.inputCount), 6, right: true)) → \(Format.pad(String(layer.outputCount), 6))  "
                + "\(Format.pad(layer.activation.rawValue, 8))  \(Format.pad(Format.count(layer.parameterCount), 11, right: true)) parameters")
        }
        Console.out("  total \(Format.count(network.parameterCount)) parameters")
        Console.out("Cost: \(network.cost.rawValue)")
        if let s = classifier.summary {
            var line = "Training: \(s.epochs) epochs (best \(s.bestEpoch)), training accuracy \(Format.percent(s.trainingAccuracy))"
            if let v = s.validationAccuracy { line += ", validation accuracy \(Format.percent(v))" }
            line += ", \(Format.count(s.trainingExamples)) training + \(Format.count(s.validationExamples)) validation images, seed \(s.seed)"
            Console.out(line)
            if !s.hyperparameters.isEmpty {
                Console.out("Settings: " + s.hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
            }
        }
    }
}
