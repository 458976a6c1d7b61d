import Foundation

/// Writing to the terminal: results on stdout, progress and warnings on stderr.
enum Console {
    /// True when stderr is a terminal (live progress bar) rather than a file or pipe.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes one line to stdout.
    static func out(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// One JSON object built from dictionaries and arrays, on one line of stdout (keys sorted).
    static func jsonObject(_ object: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Writes one line to stderr.
    static func err(_ line: String = "") {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes text to stderr without a newline (for `\r` progress bars).
    static func errRaw(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// One machine-readable JSON value on one line of stdout (keys sorted, so output is stable).
    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail; an empty object is the
        // honest fallback if it ever did.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// Small text-formatting helpers shared by the commands.
enum Format {
    /// `97.3%`.
    static func percent(_ value: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f%%", value * 100)
    }

    /// A bar of `width` cells for a fraction 0…1, with eighth-block resolution.
    static func bar(_ fraction: Double, width: Int = 30) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// `1:05` or `12.3 s`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// `12,345`.
    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    /// Left-pads (for numbers) or right-pads (for text) to `width` characters.
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let n = max(0, width - text.count)
        return right ? String(repeating: " ", count: n) + text : text + String(repeating: " ", count: n)
    }

    /// A path relative to the current folder when it lies inside it, else as given.
    static func path(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let p = url.path
        return p.hasPrefix(cwd + "/") ? String(p.dropFirst(cwd.count + 1)) : p
    }
}
