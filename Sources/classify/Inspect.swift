import ArgumentParser
import Classifier
import Foundation
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
            let training = stored.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
            let object: [String: Any] = [
                "model": modelOptions.modelURL.path,
                "classes": classifier.classes,
                "input": ["width": f.width, "height": f.height, "color": f.color.rawValue,
                          "background": f.background.description],
                "layers": network.layers.map {
                    ["inputs": $0.inputCount, "outputs": $0.outputCount,
                     "activation": $0.activation.rawValue, "parameters": $0.parameterCount] as [String: Any]
                },
                "parameters": network.parameterCount,
                "cost": network.cost.rawValue,
                "training": training ?? NSNull(),
            ]
            Console.jsonObject(object)
            return
        }
        Console.out("Model: \(Format.path(modelOptions.modelURL))")
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
