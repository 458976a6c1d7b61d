import Foundation
import Testing
@testable import Classifier

/// The JSON reader that replaced `JSONSerialization` (not in FoundationEssentials): it must accept
/// what Foundation accepts for model headers and refuse what is not JSON.
@Suite struct JSONValueParsingTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    @Test func aWrittenHeaderReadsBackEqual() throws {
        let value = JSONValue.object([
            "a": .array([.integer(-3), .double(0.25), .double(1e-7), .unsigned(UInt64.max), .bool(true), .null]),
            "name \"quoted\"\n\u{1}": .string("é ✓ 😀 \\ /"), "": .object([:]),
        ])
        #expect(try Self.parse(value.serialized()) == value)
    }

    @Test func whitespaceEscapesAndSurrogatePairsAreRead() throws {
        #expect(try Self.parse(" \t\r\n[ 1 , \"\\u00e9\\ud83d\\ude00\\/\\b\\f\" ] \n")
            == .array([.integer(1), .string("é😀/\u{8}\u{C}")]))
        #expect(try Self.parse("2.50e1") == .double(25))
        #expect(try Self.parse("-0") == .integer(0))
        #expect(try Self.parse("18446744073709551615") == .unsigned(UInt64.max))
        #expect(try Self.parse("18446744073709551616") == .double(18446744073709551616))
    }

    @Test(arguments: [
        "", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "1e", "[1 2]", "{\"a\" 1}", "{1:2}", "\"a", "\"\u{1}\"",
        "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\u12g4\"", "\"\\u+123\"", "tru", "nul", "[1] x", "1e999", "NaN", "'a'",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func nonJSONIsRefused(_ text: String) {
        #expect(throws: JSONValue.SyntaxError.self) { try Self.parse(text) }
    }

    @Test func invalidUTF8InAStringIsRefused() {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
    }

    @Test func foundationAgreesOnValidDocuments() throws {
        let text = #"{"b":[1,2.5,"x",{"c":null}],"a":true,"e":"\u00e9"}"#
        let ours = try Self.parse(text)
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(ours.object?.keys.sorted() == theirs?.keys.sorted())
        #expect(ours.object?["e"]?.string == theirs?["e"] as? String)
        #expect(ours.object?["b"]?.array?[1].number == (theirs?["b"] as? [Any])?[1] as? Double)
    }
}
