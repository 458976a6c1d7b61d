import ArgumentParser
import Platform
import Classifier
import Imaging

/// The `--model` option shared by every command that reads or writes a model file.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The model file to read or write.", valueName: "file"))
    var model: String = ModelOptions.defaultModel

    static let defaultModel = "classifier.safetensors"

    var modelURL: URL { URL(fileURLWithPath: model) }
}

/// `WxH`, e.g. `28x28`.
struct ImageSize: ExpressibleByArgument, Sendable {
    var width: Int
    var height: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0,
              w <= 4096, h <= 4096 else { return nil }
        width = w
        height = h
    }

    static var defaultValueDescription: String { "WxH" }
}

extension ColorMode: ExpressibleByArgument {}

extension BackgroundColor: ExpressibleByArgument {
    /// `white`, `black`, `gray`, `#rrggbb` or `rrggbb`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "white": self = .white
        case "black": self = .black
        case "gray", "grey": self = BackgroundColor(red: 0.5, green: 0.5, blue: 0.5)
        default:
            guard let color = BackgroundColor(hex: argument.hasPrefix("#") ? argument : "#" + argument) else { return nil }
            self = color
        }
    }
}

/// Turns a path argument into a URL, expanding `~`.
func fileURL(_ path: String) -> URL {
    URL(fileURLWithPath: expandingTilde(path))
}

/// `~` and `~/x` become the home folder (`$HOME`, else the password database), `~user/x` that
/// user's; other paths, and unknown users, are unchanged (what `NSString.expandingTildeInPath` did).
func expandingTilde(_ path: String) -> String {
    guard path.hasPrefix("~") else { return path }
    let slash = path.firstIndex(of: "/") ?? path.endIndex
    let user = path[path.index(after: path.startIndex)..<slash]
    let home: String?
    if user.isEmpty, let variable = getenv("HOME"), variable.pointee != 0 {
        home = String(cString: variable)
    } else {
        let entry = user.isEmpty ? getpwuid(getuid()) : getpwnam(String(user))
        home = entry.flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
    }
    guard let home else { return path }
    let rest = path[slash...]
    return home.hasSuffix("/") && rest.hasPrefix("/") ? String(home.dropLast()) + rest : home + rest
}

/// The `--threads` option shared by every command that decodes images or multiplies matrices.
struct ThreadOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Worker threads for decoding and matrix products (default: all cores).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        if !Self.isValid(threads) { throw ValidationError("Please give --threads between 1 and 256.") }
    }

    static func isValid(_ threads: Int?) -> Bool { threads.map { 1 ... 256 ~= $0 } ?? true }

    /// The number of worker threads: the machine's cores unless `--threads` says otherwise.
    var count: Int { Self.count(threads) }

    static func count(_ threads: Int?) -> Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// The matrix engine `CLASSIFY_BLAS` asks for (`builtin`, `openblas`); unset, `fallback` or else
/// OpenBLAS when it can be loaded and the built-in kernel when not.
func matrixEngine(fallback: MatrixEngine? = nil) throws -> MatrixEngine {
    try MatrixEngine.named(ProcessInfo.processInfo.environment["CLASSIFY_BLAS"], fallback: fallback)
}

/// How many times faster training runs with OpenBLAS than with the built-in AVX2+FMA kernel:
/// 784-128-10 ReLU SGD batch 64, measured by Benchmarks/run.py: 1 / 0.82 on one thread, the best
/// case for OpenBLAS (on two threads of a loaded machine the two were level; Benchmarks/README.md).
let measuredOpenBLASSpeedup = "1.2"

/// The test folder of `evaluate` and `report`: the images of the classes the model knows, in its input
/// format, with each skipped file reported on stderr.
func loadTestFolder(_ directory: String, for classifier: ImageClassifier, threads: Int) throws -> ImageDataset {
    let loaded = try ImageDataset(evaluationFolder: fileURL(directory), classes: classifier.classes,
                                  inputFormat: classifier.inputFormat, threads: threads)
    for skipped in loaded.skipped {
        Console.err("Skipped '\(skipped.path)': \(skipped.reason).")
    }
    return loaded
}

/// `text` without leading and trailing spaces and tabs (Unicode space separators included), as
/// Foundation's `trimmingCharacters(in: .whitespaces)` does; line breaks are kept.
func trimmingSpaces(_ text: Substring) -> Substring {
    func isSpace(_ c: Character) -> Bool {
        c == "\t" || c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .spaceSeparator }
    }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
    return text[first...last]
}
