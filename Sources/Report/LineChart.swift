/// A line chart of a few series over a shared x axis (the training curves, the reliability diagram).
struct LineChart {
    /// One named line; `dash` nil draws it solid.
    struct Series {
        var name: String
        var color: String
        var dash: String?
        var points: [(x: Double, y: Double)]
        var dots = false
        /// Text beside each dot (e.g. how many images it stands for).
        var labels: [String] = []
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Fixed y range (accuracy 0…1), or nil for the data's range padded to nice ticks.
    var yRange: ClosedRange<Double>?
    var xRange: ClosedRange<Double>?
    var yFormat: (Double) -> String = { n($0) }
    /// A vertical dashed line with a label (the best epoch).
    var marker: (x: Double, label: String)?
    /// A dashed reference line from (x₀, y₀) to (x₁, y₁) (the diagonal of perfect calibration).
    var reference: (Double, Double, Double, Double)?
    var width = 440.0
    var height = 280.0

    func svg(className: String) -> String {
        let (left, right, top, bottom) = (56.0, 16.0, 44.0, 40.0)
        let all = series.flatMap(\.points)
        let xs = xRange ?? ((all.map(\.x).min() ?? 0) ... max((all.map(\.x).max() ?? 1), (all.map(\.x).min() ?? 0) + 1))
        var ys = yRange ?? ((all.map(\.y).min() ?? 0) ... (all.map(\.y).max() ?? 1))
        if ys.upperBound <= ys.lowerBound { ys = ys.lowerBound - 0.5 ... ys.upperBound + 0.5 }
        let yTicks = ticks(from: ys.lowerBound, to: ys.upperBound, count: 5)
        if yRange == nil, let low = yTicks.first, let high = yTicks.last {
            let step = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
            ys = min(low, ys.lowerBound) - (low > ys.lowerBound ? step : 0) ... max(high, ys.upperBound)
        }
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xs.lowerBound) / (xs.upperBound - xs.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double { top + (ys.upperBound - y) / (ys.upperBound - ys.lowerBound) * plotHeight }

        var svg = SVG(width: width, height: height)
        svg.text(title, left, 16, size: 14, weight: "600")
        var legendX = left
        for s in series {
            svg.line(legendX, 32, legendX + 18, 32, stroke: s.color, width: 2.5, dash: s.dash)
            svg.text(s.name, legendX + 22, 36, size: 11)
            legendX += 34 + Double(s.name.count) * 6.2
        }
        for t in ticks(from: ys.lowerBound, to: ys.upperBound, count: 5) {
            svg.line(left, py(t), left + plotWidth, py(t), opacity: 0.15)
            svg.text(yFormat(t), left - 6, py(t) + 4, anchor: "end", size: 11)
        }
        for t in ticks(from: xs.lowerBound, to: xs.upperBound, count: 6) {
            svg.line(px(t), top + plotHeight, px(t), top + plotHeight + 4)
            svg.text(n(t), px(t), top + plotHeight + 16, anchor: "middle", size: 11)
        }
        svg.line(left, top + plotHeight, left + plotWidth, top + plotHeight, opacity: 0.6)
        svg.line(left, top, left, top + plotHeight, opacity: 0.6)
        svg.text(xLabel, left + plotWidth / 2, height - 6, anchor: "middle", size: 11)
        svg.text(yLabel, 14, top + plotHeight / 2, anchor: "middle", size: 11, rotate: -90)
        if let (x0, y0, x1, y1) = reference {
            svg.line(px(x0), py(y0), px(x1), py(y1), opacity: 0.5, dash: "4 4")
        }
        if let marker {
            svg.line(px(marker.x), top, px(marker.x), top + plotHeight, stroke: "#16a34a", width: 1.5, dash: "5 3")
            svg.text("┆ " + marker.label, width - right, 16, anchor: "end", size: 11, fill: "#16a34a")
        }
        for s in series {
            let points = s.points.map { (px($0.x), py($0.y)) }
            svg.polyline(points, stroke: s.color, width: 2, dash: s.dash)
            if s.dots || points.count == 1 {
                for (i, (x, y)) in points.enumerated() {
                    svg.raw("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3\" fill=\"\(s.color)\"/>")
                    if i < s.labels.count { svg.text(s.labels[i], x - 6, y - 6, anchor: "end", size: 10) }
                }
            }
        }
        return svg.document(title: title, className: className)
    }
}
