import Foundation
import Testing

/// The numbers a rendered report carries in `data-*` attributes, read from the browser's DOM.
struct ReportPageNumbers {
    let dom: String

    /// `data-metric="name" data-value="…"` in the summary.
    func metric(_ name: String) -> Double? {
        capture(#"data-metric="\#(name)" data-value="([^"]*)""#, in: dom).first.flatMap { Double($0[0]) }
    }

    /// `evaluate --json`'s output, read with `JSONDecoder` (exact doubles; Foundation's
    /// `JSONSerialization` on Linux rounds some of them in the last digit).
    struct Evaluation: Decodable {
        struct PerClass: Decodable { var label: String; var precision: Double; var recall: Double; var f1: Double; var support: Int }
        struct Mistake: Decodable { var file: String; var probability: Double }
        struct Calibration: Decodable { var ece: Double }
        var accuracy: Double
        var count: Int
        var classes: [String]
        var per_class: [PerClass]
        var confusion: [[Int]]
        var misclassified: [Mistake]
        var balanced_accuracy: Double?
        var calibration: Calibration?
    }

    /// Expects every number `evaluate --json` printed to be on the page, equal as Doubles.
    func expectEqual(toEvaluation text: String) throws {
        let json = try JSONDecoder().decode(Evaluation.self, from: Data(text.utf8))
        #expect(metric("accuracy") == json.accuracy, "accuracy")
        #expect(metric("count") == Double(json.count), "count")
        if let balanced = json.balanced_accuracy { #expect(metric("balanced_accuracy") == balanced) }
        if let ece = json.calibration?.ece { #expect(metric("calibration_ece") == ece) }
        let classes = json.classes
        let rows = Dictionary(capture(#"<tr data-class="([^"]*)">(.*?)</tr>"#, in: dom).map { (unescape($0[0]), $0[1]) },
                              uniquingKeysWith: { a, _ in a })
        for entry in json.per_class {
            let row = try #require(rows[entry.label], "no row for class \(entry.label)")
            for (key, expected) in [("precision", entry.precision), ("recall", entry.recall), ("f1", entry.f1),
                                    ("support", Double(entry.support))] {
                let shown = capture(#"data-metric="\#(key)" data-value="([^"]*)""#, in: row).first.flatMap { Double($0[0]) }
                #expect(shown == expected, "\(entry.label) \(key): page \(String(describing: shown)), evaluate \(expected)")
            }
        }
        var cells: [String: Int] = [:]
        for m in capture(#"data-row="([^"]*)" data-column="([^"]*)" data-count="(\d+)""#, in: dom) {
            cells[unescape(m[0]) + "\u{0}" + unescape(m[1])] = Int(m[2])
        }
        #expect(cells.count == classes.count * classes.count)
        for (i, row) in json.confusion.enumerated() {
            for (j, count) in row.enumerated() {
                #expect(cells[classes[i] + "\u{0}" + classes[j]] == count, "confusion[\(classes[i])][\(classes[j])]")
            }
        }
        // Mistakes: the page's most confident ones, each with evaluate's probability for that file.
        let expected = Dictionary(json.misclassified.map { (Self.tail($0.file), $0.probability) }, uniquingKeysWith: { a, _ in a })
        let shown = capture(#"<figure class="mistake" data-file="([^"]*)">.*?<span data-value="([^"]*)">"#, in: dom)
        #expect(shown.count == min(48, json.misclassified.count))
        for m in shown {
            #expect(expected[Self.tail(unescape(m[0]))] == Double(m[1]), "mistake \(m[0])")
        }
        let probabilities = shown.compactMap { Double($0[1]) }
        #expect(zip(probabilities, probabilities.dropFirst()).allSatisfy { $0 >= $1 }, "mistakes not most confident first")
    }

    /// `class/file.png`: the part of a path that names a test image whatever folder it was given from.
    static func tail(_ path: String) -> String {
        path.split(separator: "/").suffix(2).joined(separator: "/")
    }

    private func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The capture groups of every match of `pattern` in `text` (`.` matches newlines).
    private func capture(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1 ..< match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }
}
