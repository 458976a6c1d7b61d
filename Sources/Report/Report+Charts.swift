import Classifier

/// Series colours chosen to read on a light and a dark background alike.
enum Palette {
    static let training = "#2563eb"
    static let validation = "#ea580c"
    static let precision = "#2563eb"
    static let recall = "#ea580c"
    static let f1 = "#16a34a"
    static let heat = "#2563eb"
    static let secondRun = "#9333ea"
    static let secondRunValidation = "#db2777"
}

extension Report {
    /// Loss and accuracy per epoch, training solid and validation dashed, the best epoch marked;
    /// nil when the model file keeps no history.
    ///
    /// A history whose epoch numbers start again (a second training run appended, such as a refit
    /// on every image) is drawn as one more pair of series per run, on the same epoch axis.
    public func trainingCurves() -> (loss: String, accuracy: String)? {
        let history = classifier.trainingHistory
        guard !history.isEmpty else { return nil }
        var runs: [[EpochRecord]] = []
        for record in history {
            if let last = runs.last?.last, record.epoch > last.epoch { runs[runs.count - 1].append(record) } else { runs.append([record]) }
        }
        let best = classifier.summary.map { (x: Double($0.bestEpoch), label: "best epoch \($0.bestEpoch)") }
        func series(_ value: @escaping (EpochRecord) -> Double?, _ validation: @escaping (EpochRecord) -> Double?) -> [LineChart.Series] {
            runs.enumerated().flatMap { index, run -> [LineChart.Series] in
                let suffix = index == 0 ? "" : " (run \(index + 1))"
                let colors = index == 0 ? (Palette.training, Palette.validation) : (Palette.secondRun, Palette.secondRunValidation)
                return [("training" + suffix, colors.0, nil as String?, value), ("validation" + suffix, colors.1, "6 4", validation)]
                    .compactMap { name, color, dash, pick in
                        let points = run.compactMap { r in pick(r).map { (x: Double(r.epoch), y: $0) } }
                        return points.isEmpty ? nil : LineChart.Series(name: name, color: color, dash: dash, points: points)
                    }
            }
        }
        let epochs = history.map(\.epoch)
        let xs = Double(epochs.min() ?? 1) ... Double(max(epochs.max() ?? 1, (epochs.min() ?? 1) + 1))
        let loss = LineChart(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss (\(classifier.network.cost.rawValue))",
                             series: series({ $0.trainingLoss }, { $0.validationLoss }), xRange: xs, marker: best)
        let accuracy = LineChart(title: "Accuracy per epoch", xLabel: "epoch", yLabel: "accuracy",
                                 series: series({ $0.trainingAccuracy }, { $0.validationAccuracy }),
                                 yRange: 0 ... 1, xRange: xs, yFormat: { percent($0).replacing(".0%", with: "%") },
                                 marker: best)
        return (loss.svg(className: "chart curves"), accuracy.svg(className: "chart curves"))
    }

    /// Confidence against accuracy per bin with the diagonal of perfect calibration; nil without calibration.
    public func reliabilityDiagram() -> String? {
        guard let calibration, !calibration.bins.isEmpty else { return nil }
        let bins = calibration.bins.filter { $0.count > 0 }
        let points = bins.map { (x: $0.confidence, y: $0.accuracy) }
        let chart = LineChart(title: "Reliability (ECE \(percent(calibration.expectedCalibrationError)))",
                              xLabel: "confidence (top probability)", yLabel: "accuracy",
                              series: [.init(name: "bins (number: test images in the bin)", color: Palette.validation, dash: nil,
                                             points: points, dots: true, labels: bins.map { String($0.count) })],
                              yRange: 0 ... 1, xRange: 0 ... 1, reference: (0, 0, 1, 1), width: 360, height: 320)
        return chart.svg(className: "chart reliability")
    }

    /// The confusion matrix as a heat map: cell `(i, j)` coloured by the row-normalised rate
    /// `C_ij / Σⱼ C_ij` (of the images of class i, the fraction taken for j), its count written in it.
    public func confusionHeatMap() -> String {
        let classes = classifier.classes, k = classes.count
        let names = classes.map { $0.count > 18 ? String($0.prefix(17)) + "…" : $0 }
        let longest = Double(names.map(\.count).max() ?? 1)
        let cell = max(24, min(64, 520 / Double(max(k, 1))))
        let font = min(13, max(8, cell * 0.36))
        // Column names stand upright when they fit their cell, else they lean at 45°.
        let upright = longest * font * 0.62 <= cell - 4
        let left = 28 + longest * font * 0.62, top = 40 + (upright ? font + 4 : longest * font * 0.5)
        var svg = SVG(width: left + cell * Double(k) + 12 + (upright ? 0 : 40), height: top + cell * Double(k) + 12)
        svg.text("columns: predicted class →", 4, 14, size: 11)
        svg.text("rows: true class ↓", 4, 28, size: 11)
        for (j, name) in names.enumerated() {
            let x = left + cell * (Double(j) + 0.5)
            if upright {
                svg.text(name, x, top - 6, anchor: "middle", size: font)
            } else {
                svg.text(name, x, top - 6, size: font, rotate: -45)
            }
        }
        for (i, row) in metrics.confusion.enumerated() {
            let total = row.reduce(0, +)
            let y = top + cell * Double(i)
            svg.text(names[i], left - 6, y + cell / 2 + font * 0.35, anchor: "end", size: font)
            for (j, count) in row.enumerated() {
                let rate = total == 0 ? 0 : Double(count) / Double(total)
                let x = left + cell * Double(j)
                svg.open("g", ["data-row": classes[i], "data-column": classes[j], "data-count": String(count)])
                svg.element("title", [:], text: "\(classes[i]) taken for \(classes[j]): \(count) of \(total) (\(percent(rate)))")
                svg.rect(x, y, cell, cell, fill: "currentColor", opacity: 0.04)
                svg.rect(x + 1, y + 1, cell - 2, cell - 2, fill: Palette.heat, opacity: rate, extra: " data-rate=\"\(rate)\"")
                svg.text(String(count), x + cell / 2, y + cell / 2 + font * 0.35, anchor: "middle", size: font,
                         fill: rate > 0.5 ? "#ffffff" : "currentColor", weight: i == j ? "600" : nil)
                svg.close("g")
            }
        }
        return svg.document(title: "Confusion matrix: rows are the true class, columns the predicted class",
                            className: "chart confusion")
    }

    /// Per-class precision, recall and F1 as grouped horizontal bars on a 0–100% axis.
    public func classBars() -> String {
        let classes = classifier.classes
        let names = classes.map { $0.count > 18 ? String($0.prefix(17)) + "…" : $0 }
        let left = 24 + Double(names.map(\.count).max() ?? 1) * 7.2, top = 40.0, bar = 11.0, group = 3 * bar + 12
        let plotWidth = 300.0
        var svg = SVG(width: left + plotWidth + 56, height: top + group * Double(classes.count) + 24)
        let measures: [(String, String, KeyPath<ClassificationMetrics.ClassMetrics, Double>)] = [
            ("precision", Palette.precision, \.precision), ("recall", Palette.recall, \.recall), ("F1", Palette.f1, \.f1),
        ]
        var legendX = left
        for (name, color, _) in measures {
            svg.rect(legendX, 12, 12, 12, fill: color)
            svg.text(name, legendX + 16, 22, size: 11)
            legendX += 28 + Double(name.count) * 6.5
        }
        for t in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = left + t * plotWidth
            svg.line(x, top - 4, x, top + group * Double(classes.count), opacity: 0.15)
            svg.text(percent(t).replacing(".0%", with: "%"), x, top + group * Double(classes.count) + 16,
                     anchor: "middle", size: 10)
        }
        for (c, m) in metrics.perClass.enumerated() {
            let y0 = top + group * Double(c)
            svg.text(names[c], left - 8, y0 + 1.5 * bar + 4, anchor: "end", size: 12)
            for (k, (name, color, path)) in measures.enumerated() {
                let value = m[keyPath: path], y = y0 + Double(k) * bar
                svg.open("g", ["data-class": classes[c], "data-measure": name, "data-value": String(value)])
                svg.element("title", [:], text: "\(classes[c]) \(name): \(percent(value))")
                svg.rect(left, y, value * plotWidth, bar - 1, fill: color)
                svg.text(percent(value), left + value * plotWidth + 4, y + bar - 2, size: 10)
                svg.close("g")
            }
        }
        return svg.document(title: "Precision, recall and F1 per class", className: "chart bars")
    }
}
