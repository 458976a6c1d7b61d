import Platform

/// A small SVG writer: elements as text, every attribute and text escaped for XML, numbers with
/// at most two decimals. The charts use `currentColor` for text and axes, so an inline chart takes
/// the page's light or dark foreground and a chart saved on its own is drawn in black.
struct SVG {
    let width: Double
    let height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `<name a="v" …/>` or, with `text`, `<name …>text</name>`; attribute values are escaped.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        body += "<" + name
        for (key, value) in attributes { body += " \(key)=\"\(SVG.escape(value))\"" }
        if let text { body += ">\(SVG.escape(text))</\(name)>" } else { body += "/>" }
    }

    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        body += "<" + name
        for (key, value) in attributes { body += " \(key)=\"\(SVG.escape(value))\"" }
        body += ">"
    }

    mutating func close(_ name: String) { body += "</\(name)>" }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "currentColor",
                       width: Double = 1, opacity: Double = 1, dash: String? = nil) {
        body += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\""
            + " stroke-width=\"\(n(width))\"" + (opacity < 1 ? " stroke-opacity=\"\(n(opacity))\"" : "")
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, opacity: Double = 1,
                       extra: String = "") {
        body += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, w)))\" height=\"\(n(max(0, h)))\" fill=\"\(fill)\""
            + (opacity < 1 ? " fill-opacity=\"\(n(opacity))\"" : "") + extra + "/>"
    }

    /// Text anchored at (x, y); `anchor` is start, middle or end.
    mutating func text(_ string: String, _ x: Double, _ y: Double, anchor: String = "start", size: Double = 12,
                       fill: String = "currentColor", weight: String? = nil, rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        body += "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
            + (weight.map { " font-weight=\"\($0)\"" } ?? "") + transform + ">\(SVG.escape(string))</text>"
    }

    /// A polyline through `points` (skipped when fewer than two).
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard points.count >= 2 else { return }
        body += "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\""
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")
            + " points=\"\(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))\"/>"
    }

    mutating func raw(_ text: String) { body += text }

    /// The complete `<svg>` element: `role="img"` with a title for screen readers.
    func document(title: String, className: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(SVG.escape(className))\" role=\"img\""
            + " viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\""
            + " font-family=\"system-ui, sans-serif\"><title>\(SVG.escape(title))</title>\(body)</svg>"
    }

    /// XML/HTML escaping of text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Characters XML 1.0 cannot carry at all (controls other than tab, newline, return).
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A coordinate with at most two decimals and no trailing zeros: small, deterministic SVG text.
func n(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(cFormat: "%.2f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
}

/// Nice tick values covering `lower … upper`: about `count` steps of 1, 2 or 5 × 10ᵏ.
func ticks(from lower: Double, to upper: Double, count: Int = 5) -> [Double] {
    guard upper > lower, lower.isFinite, upper.isFinite else { return [lower] }
    let raw = (upper - lower) / Double(max(1, count))
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var values: [Double] = []
    var v = (lower / step).rounded(.up) * step
    while v <= upper + step * 1e-9 {
        values.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
    }
    return values
}

/// Percent text for a rate: `0.9818` → `98.2%`.
func percent(_ rate: Double) -> String {
    String(cFormat: "%.1f%%", rate * 100)
}
