import ArgumentParser
import Classifier
import Platform
import Imaging

/// `classify preview IMAGE --output OUT.png`: write exactly what the network sees.
struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",  // spelled out: deriving it from the type name costs a runtime type lookup per start
        abstract: "Write the picture the network sees for an image, to check the preprocessing.",
        discussion: """
        The image is decoded, its transparency composited onto the background, converted to \
        the model's colour and resized to its input size by the same code that training and \
        prediction use. Without --model or --size the image keeps its own size.

        Example:
          classify preview photo.png --output seen.png --model fruit.safetensors
          classify preview photo.png --output seen.png --size 28x28 --color gray
        """
    )

    @Argument(help: ArgumentHelp("The PNG image to preview.", valueName: "image"))
    var image: String

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the preview PNG.", valueName: "out.png"))
    var output: String

    @Option(help: ArgumentHelp("Use this model's input format (size, colour, background).", valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("The input size, e.g. 28x28 (without --model).", valueName: "WxH"))
    var size: ImageSize?

    @Option(help: ArgumentHelp("gray or rgb (default: the model's, else the image's own).", valueName: "mode"))
    var color: ColorMode?

    @Option(help: ArgumentHelp("The colour transparent pixels are composited onto: white, black, gray or #rrggbb (default: the "
        + "model's, else white).", valueName: "color"))
    var background: BackgroundColor?

    func validate() throws {
        if model != nil && (size != nil || color != nil) {
            throw ValidationError("Please give either --model or --size/--color, not both: a model fixes its own input format.")
        }
    }

    func run() throws {
        let source = try PNG.decode(contentsOf: fileURL(image))
        var format: InputFormat
        if let model {
            format = try ImageClassifier(contentsOf: fileURL(model)).inputFormat
        } else {
            format = InputFormat(width: size?.width ?? source.width, height: size?.height ?? source.height,
                                 color: color ?? (source.isGray ? .gray : .rgb))
        }
        if let background { format.background = background }
        let seen = format.preprocess(source)
        let out = fileURL(output)
        try PNG.write(seen, to: out)
        Console.out("Wrote what the network sees (\(format.width)×\(format.height) \(format.color.rawValue), background "
            + "\(format.background)) to \(output).")
    }
}
