import ArgumentParser
import Classifier
import Platform

/// `classify export --output model.onnx`: the model as an ONNX file for other runtimes.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a model as ONNX (opset 13) for onnxruntime and other ONNX runtimes.",
        discussion: """
        The ONNX graph takes 'pixels', a float32 [N, inputs] batch of the model's input vectors \
        (the image composited onto the background, converted to the model's colour, resized to its \
        size, then value / 255: row-major, channels interleaved), and gives 'probabilities' \
        [N, classes] — the same numbers as classify predict — and 'label', the index of the most \
        probable class. The class names, input format and training summary are in the model's \
        metadata_props under the same keys as in the model file. The same model always gives the \
        same bytes. Use classify preview to see the picture behind the input vector.

        Example:
          classify export --model fruit.safetensors --output fruit.onnx
          classify export                 (writes classifier.onnx beside classifier.safetensors)
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the ONNX model (default: the model's name with .onnx).",
                                                       valueName: "file.onnx"))
    var output: String?

    @Flag(name: .customLong("no-label"), help: "Leave out the 'label' output (ArgMax); only 'probabilities' remains.")
    var noLabel = false

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: modelOptions.modelURL)
        let url = output.map(fileURL) ?? modelOptions.modelURL.deletingPathExtension().appendingPathExtension("onnx")
        try classifier.writeONNXModel(to: url, includeLabel: !noLabel,
                                      producerVersion: Classify.configuration.version)
        let f = classifier.inputFormat
        Console.out("Exported \(modelOptions.model) to \(url.relativePath): input 'pixels' [N, \(f.inputCount)] "
            + "(\(f.width)×\(f.height) \(f.color.rawValue), value / 255), output 'probabilities' [N, \(classifier.classes.count)]"
            + (noLabel ? "." : " and 'label' [N]."))
    }
}
