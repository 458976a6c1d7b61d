import Platform
import Imaging

/// Continuing the training of a saved model on a (possibly larger) set of training images.
extension ImageClassifier {
    /// The hidden layers' widths: `network.sizes` without the input and the output layer.
    public var hiddenLayers: [Int] { Array(network.sizes.dropFirst().dropLast()) }

    /// The hidden layers' activation, or `nil` for a network without hidden layers.
    public var hiddenActivation: Activation? { network.layers.count > 1 ? network.layers[0].activation : nil }

    /// Checks that `images` and `configuration` fit this model and returns the images with their
    /// labels renumbered to this model's class order, and the start for `Trainer.train(_:from:)`.
    ///
    /// Fits means: the same set of class names (matched by name; the model's order is kept), the
    /// same input format (size, colour, background), the same hidden layer widths, hidden
    /// activation and cost. Nothing is written or changed either way.
    /// - Parameter name: the model file's name, for the error.
    /// - Throws: `ClassifierError.cannotContinue(model:reason:)` naming the first thing that differs.
    public func continuation(on images: ImageDataset, configuration: TrainingConfiguration,
                             name: String) throws(ClassifierError) -> (images: ImageDataset, start: TrainingStart) {
        func differs(_ reason: String) -> ClassifierError { .cannotContinue(model: name, reason: reason) }
        let known = Set(classes), found = Set(images.classes)
        if known != found {
            let missing = classes.filter { !found.contains($0) }, new = images.classes.filter { !known.contains($0) }
            let details = [missing.isEmpty ? nil : "no images of \(missing.joined(separator: ", "))",
                           new.isEmpty ? nil : "new \(new.joined(separator: ", "))"].compactMap { $0 }
            throw differs("its classes are \(classes.joined(separator: ", ")) but the training folder has "
                + "\(images.classes.joined(separator: ", ")) (\(details.joined(separator: "; ")))")
        }
        if images.inputFormat != inputFormat {
            throw differs("it takes \(Self.describe(inputFormat)) input but the images were loaded as \(Self.describe(images.inputFormat))")
        }
        if configuration.hiddenLayers != hiddenLayers {
            let text = { (sizes: [Int]) in sizes.isEmpty ? "none" : sizes.map(String.init).joined(separator: ",") }
            throw differs("its hidden layers are \(text(hiddenLayers)) but the training asks for \(text(configuration.hiddenLayers))")
        }
        if let hiddenActivation, hiddenActivation != configuration.activation {
            throw differs("its hidden activation is \(hiddenActivation.rawValue) but the training asks for \(configuration.activation.rawValue)")
        }
        if network.cost != configuration.cost {
            throw differs("its cost is \(network.cost.rawValue) but the training asks for \(configuration.cost.rawValue)")
        }
        // Renumber the labels from the folder's (sorted) class order to the model's.
        var relabeled = images
        let modelIndex = images.classes.map { name in classes.firstIndex(of: name) ?? 0 }
        relabeled.dataset.labels = images.dataset.labels.map { modelIndex[$0] }
        relabeled.classes = classes
        return (relabeled, TrainingStart(network: network, summary: summary, standardization: inputStandardization,
                                         temperature: temperature))
    }

    private static func describe(_ f: InputFormat) -> String {
        "\(f.width)×\(f.height) \(f.color.rawValue) (background \(f.background))"
    }
}
