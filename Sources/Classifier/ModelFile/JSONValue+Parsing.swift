/// Reading JSON text into a `JSONValue`: what the package used `JSONSerialization` for, which lives
/// in the Foundation that `FoundationEssentials` leaves out (a `classify predict` process starts
/// faster without it). Strict RFC 8259: one value, optional surrounding whitespace, no trailing
/// commas, no comments, strings valid UTF-16 escapes, nesting at most 512 deep.
/// Integers that fit `Int` become `.integer`, larger ones that fit `UInt64` `.unsigned`, other numbers `.double`.
package extension JSONValue {
    /// Thrown for text that is not JSON; the callers turn it into their own typed error.
    struct SyntaxError: Error {}

    /// The value `text` holds.
    /// - Throws: `SyntaxError` when it is not one JSON value.
    init<Bytes: Collection<UInt8>>(parsing text: Bytes) throws(SyntaxError) {
        var parser = Parser(bytes: Array(text))
        parser.skipWhitespace()
        self = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw SyntaxError() }
    }

    /// The members of an object, or nil.
    var object: [String: JSONValue]? { if case let .object(members) = self { members } else { nil } }
    /// The elements of an array, or nil.
    var array: [JSONValue]? { if case let .array(elements) = self { elements } else { nil } }
    /// The text of a string, or nil.
    var string: String? { if case let .string(text) = self { text } else { nil } }
    /// Any number as a `Double`, or nil for every other value.
    var number: Double? {
        switch self {
        case let .integer(i): Double(i)
        case let .unsigned(u): Double(u)
        case let .double(d): d
        default: nil
        }
    }
    /// The strings of an array of strings, or nil.
    var strings: [String]? {
        guard let array else { return nil }
        var result: [String] = []
        for element in array {
            guard let text = element.string else { return nil }
            result.append(text)
        }
        return result
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        guard depth < 512, index < bytes.count else { throw .init() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONValue.SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .init() }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw .init() }
        index += count
    }

    mutating func expect(_ byte: Character) throws(JSONValue.SyntaxError) {
        guard index < bytes.count, bytes[index] == byte.asciiValue! else { throw .init() }
        index += 1
    }

    mutating func object(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .init() }
            let key = try string()
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw .init() }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
            guard bytes[index - 1] == UInt8(ascii: ",") else { throw .init() }
        }
    }

    mutating func array(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw .init() }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "]") { return .array(elements) }
            guard bytes[index - 1] == UInt8(ascii: ",") else { throw .init() }
        }
    }

    /// A string starting at the opening quote; UTF-8 is validated, escapes decoded. Runs of plain
    /// bytes are copied whole (a model's history is a 20 KB string with an escape every few bytes).
    mutating func string() throws(JSONValue.SyntaxError) -> String {
        index += 1
        var utf8: [UInt8] = []
        var escaped = false
        while true {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
                index += 1
            }
            guard index < bytes.count else { throw .init() }
            if bytes[index] == UInt8(ascii: "\"") {
                let text: String?
                if escaped {
                    utf8 += bytes[start..<index]
                    text = String(validating: utf8, as: UTF8.self)
                } else {
                    text = String(validating: bytes[start..<index], as: UTF8.self)
                }
                index += 1
                guard let text else { throw .init() }
                return text
            }
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else { throw .init() }  // a control character
            utf8 += bytes[start..<index]
            escaped = true
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8 += try unicodeEscape()
            default: throw .init()
            }
        }
    }

    /// The UTF-8 of a `\uXXXX` escape (after the `u`), joining a surrogate pair.
    mutating func unicodeEscape() throws(JSONValue.SyntaxError) -> [UInt8] {
        var unit = try hex4()
        if (0xD800..<0xDC00).contains(unit) {
            try expect("\\")
            try expect("u")
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw .init() }
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(unit) else { throw .init() }
        return Array(String(Character(scalar)).utf8)
    }

    mutating func hex4() throws(JSONValue.SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { throw .init() }
        guard bytes[index..<index + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }) else { throw .init() }
        index += 4
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func number() throws(JSONValue.SyntaxError) -> JSONValue {
        let start = index
        func digits(_ parser: inout Parser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) { parser.index += 1 }
            return parser.index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let leading = index
        guard digits(&self) > 0 else { throw .init() }
        guard bytes[leading] != UInt8(ascii: "0") || index - leading == 1 else { throw .init() }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            integral = false
            guard digits(&self) > 0 else { throw .init() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            integral = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw .init() }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int(text) { return .integer(value) }
        if integral, let value = UInt64(text) { return .unsigned(value) }
        guard let value = Double(text), value.isFinite else { throw .init() }
        return .double(value)
    }
}
