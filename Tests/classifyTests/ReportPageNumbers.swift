import Foundation
import Testing

/// The numbers a rendered report carries in `data-*` attributes, read from the browser's DOM.
struct ReportPageNumbers {
    let dom: String

    /// `data-metric="name" data-value="…"` in the summary.
    func metric(_ name: String) -> Double? {
        capture(#"data-metric="\#(name)" data-value="([^"]*)""#, in: dom).first.flatMap { Double($0[0]) }
    }

    /// Expects every number `evaluate --json` printed to be on the page, equal as Doubles.
    func expectEqual(toEvaluation json: [String: Any]) throws {
        #expect(metric("accuracy") == (json["accuracy"] as? Double), "accuracy")
        #expect(metric("count") == (json["count"] as? Int).map(Double.init), "count")
        if let balanced = json["balanced_accuracy"] as? Double { #expect(metric("balanced_accuracy") == balanced) }
        if let calibration = json["calibration"] as? [String: Any], let ece = calibration["ece"] as? Double {
            #expect(metric("calibration_ece") == ece)
        }
        let classes = try #require(json["classes"] as? [String])
        let rows = Dictionary(capture(#"<tr data-class="([^"]*)">(.*?)</tr>"#, in: dom).map { (unescape($0[0]), $0[1]) },
                              uniquingKeysWith: { a, _ in a })
        for entry in try #require(json["per_class"] as? [[String: Any]]) {
            let label = try #require(entry["label"] as? String)
            let row = try #require(rows[label], "no row for class \(label)")
            for key in ["precision", "recall", "f1", "support"] {
                let shown = capture(#"data-metric="\#(key)" data-value="([^"]*)""#, in: row).first.flatMap { Double($0[0]) }
                let expected = (entry[key] as? Double) ?? (entry[key] as? Int).map(Double.init)
                #expect(shown != nil && shown == expected, "\(label) \(key): page \(String(describing: shown)), evaluate \(String(describing: expected))")
            }
        }
        let confusion = try #require(json["confusion"] as? [[Int]])
        var cells: [String: Int] = [:]
        for m in capture(#"data-row="([^"]*)" data-column="([^"]*)" data-count="(\d+)""#, in: dom) {
            cells[unescape(m[0]) + "\u{0}" + unescape(m[1])] = Int(m[2])
        }
        #expect(cells.count == classes.count * classes.count)
        for (i, row) in confusion.enumerated() {
            for (j, count) in row.enumerated() {
                #expect(cells[classes[i] + "\u{0}" + classes[j]] == count, "confusion[\(classes[i])][\(classes[j])]")
            }
        }
        // Mistakes: the page's most confident ones, each with evaluate's probability for that file.
        let misclassified = try #require(json["misclassified"] as? [[String: Any]])
        let expected = Dictionary(misclassified.compactMap { m -> (String, Double)? in
            guard let file = m["file"] as? String, let p = m["probability"] as? Double else { return nil }
            return (Self.tail(file), p)
        }, uniquingKeysWith: { a, _ in a })
        let shown = capture(#"<figure class="mistake" data-file="([^"]*)">.*?<span data-value="([^"]*)">"#, in: dom)
        #expect(shown.count == min(48, misclassified.count))
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
