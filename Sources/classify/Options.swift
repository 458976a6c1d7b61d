import ArgumentParser
import Foundation
import Imaging

/// The `--model` option shared by every command that reads or writes a model file.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The model file to read or write.", valueName: "file"))
    var model: String = "classifier.safetensors"

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
    URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
}

/// The number of worker threads: the machine's cores unless `--threads` says otherwise.
func threadCount(_ requested: Int?) -> Int {
    requested ?? ProcessInfo.processInfo.activeProcessorCount
}
