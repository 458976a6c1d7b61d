/// A JSON value written deterministically: object keys sorted by their UTF-8 bytes, no
/// whitespace, integers in decimal, doubles in Swift's shortest round-trip form. Foundation's
/// encoders do not promise stable float formatting across platforms; the model file must be
/// byte-identical for the same classifier, so its header is written by this small printer (and read
/// by the parser in `JSONValue+Parsing.swift`).
package enum JSONValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case unsigned(UInt64)
    case double(Double)
    case array([JSONValue])
    case object([String: JSONValue])
    case bool(Bool)
    case null

    /// The compact, key-sorted JSON text.
    package func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case let .string(s):
            JSONValue.writeString(s, to: &out)
        case let .integer(i):
            out += String(i)
        case let .unsigned(u):
            out += String(u)
        case let .bool(b):
            out += b ? "true" : "false"
        case .null:
            out += "null"
        case let .double(d):
            // JSON has no NaN or infinity; callers only store finite values, null keeps the text valid.
            if !d.isFinite {
                out += "null"
            } else if d == d.rounded(), abs(d) < 1e15 {
                out += String(Int(d)) + ".0"
            } else {
                out += d.description
            }
        case let .array(values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (i, key) in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(key, to: &out)
                out += ":"
                members[key]?.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
