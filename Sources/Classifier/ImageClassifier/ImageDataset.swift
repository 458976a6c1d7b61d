import Platform
import Imaging

/// The `Dataset` of an `ImageFolder` (a folder-per-class tree loaded into memory, one `UInt8` row
/// per image), with the class names of its labels, the source file of every row, and everything
/// that was left out. One concept, one noun: the examples are a `Dataset`; an `ImageDataset` is a
/// dataset that knows which images it came from; an `ImageFolder` is the files on disk.
///
/// Training and evaluation both load through here, and both preprocess through
/// `InputFormat.preprocess`, so an image becomes the same input vector in `train`, `evaluate`
/// and `predict`.
public struct ImageDataset: Sendable {
    /// One row per image; labels index `classes`.
    public var dataset: Dataset
    /// Class names, in label order.
    public var classes: [String]
    /// The source file of each dataset row.
    public var files: [URL]
    /// Files and class folders that were left out, each with the reason.
    public var skipped: [ImageFolder.Skipped]
    /// The format every image was preprocessed to.
    public var inputFormat: InputFormat

    /// Images per class, in `classes` order.
    public var imagesPerClass: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for label in dataset.labels { counts[label] += 1 }
        return counts
    }

    /// Loads a training folder. The input format is the data's suggestion (DESIGN §3) unless
    /// `size` or `color` override it. Class folders with no decodable image are left out and
    /// reported in `skipped`.
    ///
    /// - Throws: `ImagingError.invalidFolder` when the folder is missing or has no class
    ///   folders; `ClassifierError.unusableData` when fewer than two classes have images.
    /// `beforeLoading(examples, format)` runs after the scan and the choice of input format, before
    /// any image is decoded: the place to refuse a run that cannot fit in memory.
    public init(trainingFolder root: URL, size: (width: Int, height: Int)? = nil, color: ColorMode? = nil,
                background: BackgroundColor = .white, threads: Int,
                beforeLoading: (_ examples: Int, _ classes: Int, _ format: InputFormat) throws -> Void = { _, _, _ in }) throws {
        let folder = try ImageFolder(scanning: root)
        // The suggestion reads every file's header: skip that pass when size and colour are given.
        var format = if let size, let color {
            InputFormat(width: size.width, height: size.height, color: color, background: background)
        } else {
            folder.suggestedInputFormat(background: background, threads: threads)
        }
        if let size { format.width = size.width; format.height = size.height }
        if let color { format.color = color }
        try beforeLoading(folder.entries.count, folder.classes.count, format)
        let samples = folder.loadSamples(format: format, threads: threads)

        // Keep the classes that still have images after decoding; renumber their labels.
        var counts = [Int](repeating: 0, count: folder.classes.count)
        for label in samples.labels { counts[label] += 1 }
        var newLabel = [Int](repeating: -1, count: folder.classes.count)
        var classes: [String] = []
        var skipped = samples.skipped
        for (index, name) in folder.classes.enumerated() {
            if counts[index] > 0 {
                newLabel[index] = classes.count
                classes.append(name)
            } else if !skipped.contains(where: { $0.path == root.appendingPathComponent(name).relativePath }) {
                skipped.append(.init(path: root.appendingPathComponent(name).relativePath,
                                     reason: "class folder has no decodable PNG image"))
            }
        }
        guard classes.count >= 2 else {
            let found = classes.isEmpty ? "no class folder with PNG images"
                : "only one class with images ('\(classes[0])')"
            throw ClassifierError.unusableData(
                reason: "'\(root.relativePath)' has \(found); training needs at least two sub-folders of PNG images, one per class (e.g. "
                    + "\(root.relativePath)/apple/*.png and \(root.relativePath)/orange/*.png)")
        }
        let labels = samples.labels.map { newLabel[$0] }
        self.dataset = Dataset(inputs: samples.inputs, labels: labels, inputCount: samples.inputCount, classCount: classes.count,
                               imageShape: ImageShape(width: format.width, height: format.height, channels: format.color.channels))
        self.classes = classes
        self.files = samples.files
        self.skipped = skipped
        self.inputFormat = format
    }

    /// Loads a folder to evaluate a model on: class folders are matched to the model's `classes`
    /// by name (their order may differ), and every image is preprocessed to `inputFormat`.
    /// Class folders the model does not know are left out and reported in `skipped`.
    ///
    /// - Throws: `ImagingError.invalidFolder` when the folder is missing or has no class
    ///   folders; `ClassifierError.unusableData` when no image belongs to a class the model knows.
    public init(evaluationFolder root: URL, classes: [String], inputFormat: InputFormat, threads: Int) throws {
        let folder = try ImageFolder(scanning: root)
        let samples = folder.loadSamples(format: inputFormat, threads: threads)
        let modelIndex = folder.classes.map { classes.firstIndex(of: $0) }
        var skipped = samples.skipped
        for (index, name) in folder.classes.enumerated() where modelIndex[index] == nil {
            skipped.append(.init(path: root.appendingPathComponent(name).relativePath,
                                 reason: "the model has no class '\(name)' (it knows \(classes.joined(separator: ", ")))"))
        }
        let d = samples.inputCount
        let kept: [(row: Int, label: Int)] = samples.labels.enumerated().compactMap { row, label in
            modelIndex[label].map { (row, $0) }
        }
        let labels = kept.map(\.label)
        let files = kept.map { samples.files[$0.row] }
        // The usual case keeps every row: share the loaded bytes instead of copying them.
        let inputs = kept.count == samples.count ? samples.inputs
            : kept.flatMap { samples.inputs[$0.row * d ..< ($0.row + 1) * d] }
        guard !labels.isEmpty else {
            throw ClassifierError.unusableData(
                reason: "'\(root.relativePath)' has no PNG images in class folders named like the model's classes"
                    + " (\(classes.joined(separator: ", ")))")
        }
        self.dataset = Dataset(inputs: inputs, labels: labels, inputCount: d, classCount: classes.count,
                               imageShape: ImageShape(width: inputFormat.width, height: inputFormat.height,
                                                      channels: inputFormat.color.channels))
        self.classes = classes
        self.files = files
        self.skipped = skipped
        self.inputFormat = inputFormat
    }
}
