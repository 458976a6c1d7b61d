import Platform
import Classifier

/// Writing to the terminal: results on stdout, progress and warnings on stderr, with `write(2)`
/// so that a closed, full or broken stream is an error the command handles, never a trap.
///
/// - stdout failing ends the command: a closed pipe (EPIPE) exits 141 quietly, as if SIGPIPE had
///   ended it (what `cmd | head` users expect); any other failure prints one line on stderr and exits 1.
/// - stderr failing is ignored: progress and warnings are lost, the work (a training run) is not.
///
/// Text lines pass through `Format.terminalSafe`, so names from the disk or a model file cannot
/// move the cursor, clear the screen or forge lines; JSON is escaped by its encoder.
enum Console {
    /// True when stderr is a terminal (live progress bar) rather than a file or pipe.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes one line to stdout.
    static func out(_ line: String = "") {
        writeOut(Format.terminalSafe(line) + "\n")
    }

    /// One JSON value on one line of stdout (keys sorted by their UTF-8 bytes, slashes not escaped).
    static func jsonObject(_ object: JSONValue) {
        writeOut(object.serialized() + "\n")
    }

    /// Writes one line to stderr.
    static func err(_ line: String = "") {
        _ = write(STDERR_FILENO, Format.terminalSafe(line) + "\n")
    }

    /// Writes text to stderr without a newline (for `\r` progress bars; the caller builds it from numbers).
    static func errRaw(_ text: String) {
        _ = write(STDERR_FILENO, text)
    }

    /// One machine-readable JSON value on one line of stdout (keys sorted, so output is stable).
    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail; an empty object is the
        // honest fallback if it ever did.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        writeOut(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// Writes to stdout or ends the process as described in the type's comment.
    private static func writeOut(_ text: String) {
        let code = write(STDOUT_FILENO, text)
        guard code != 0 else { return }
        if code == EPIPE { exit(141) }
        err("Error: could not write to standard output: \(String(cString: strerror(code))).")
        exit(1)
    }

    /// Writes all of `text` to `descriptor`, retrying short writes; returns 0 or the `errno`.
    private static func write(_ descriptor: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { buffer -> Int32 in
            var done = 0
            while done < buffer.count {
                let count = systemWrite(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += count
            }
            return 0
        }
    }
}

/// `write(2)` under a name that does not collide with `Console.write` (at file scope, `write` is libc's).
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// Small text-formatting helpers shared by the commands.
enum Format {
    /// `97.3%`.
    static func percent(_ value: Double, digits: Int = 1) -> String {
        String(cFormat: "%.\(digits)f%%", value * 100)
    }

    /// A bar of `width` cells for a fraction 0…1, with eighth-block resolution.
    static func bar(_ fraction: Double, width: Int = 30) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// `1:05` or `12.3 s`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(cFormat: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(cFormat: "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60)
            : String(cFormat: "%ld:%02ld", s / 60, s % 60)
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

    /// `text` with every control character shown as an escape (`\e`, `\r`, `\n`, `\t`, `\u{…}`) and
    /// bidirectional overrides too, so a name can never drive the terminal (clear the screen, move
    /// the cursor, forge a line). Printable text, including non-ASCII letters, is unchanged.
    static func terminalSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\u{1B}": out += "\\e"
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out
    }

    /// C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate marks.
    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
