import Classifier
import Platform
import Imaging

extension Report {
    /// The whole report as one self-contained HTML page: inline CSS, inline SVG charts and PNG
    /// `data:` images. A Content-Security-Policy forbids every fetch (`default-src 'none'`), so a
    /// browser never leaves the page, and the page works offline, in light and dark, and in print.
    /// - Throws: `ReportError.unwritable` if a picture cannot be encoded as PNG.
    public func html() throws(ReportError) -> String {
        let e = SVG.escape
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <title>classify report: \(e(modelName)) on \(e(folderName))</title>
            <style>\(Report.css)</style></head><body>
            <header><h1>What <code>\(e(modelName))</code> learned</h1>
            <p>Tested on <code>\(e(folderName))</code>: \(metrics.count) images of \(classifier.classes.count) classes.</p>
            <nav><a href="#summary">Summary</a> <a href="#training">Training</a> <a href="#confusion">Confusions</a> \
            <a href="#mistakes">Mistakes</a> <a href="#first-layer">First layer</a> <a href="#calibration">Calibration</a></nav>
            </header>

            """
        page += summarySection()
        page += trainingSection()
        page += confusionSection()
        page += try mistakesSection()
        page += try firstLayerSection()
        page += calibrationSection()
        page += "<footer>Written by <code>classify report</code>. Everything is in this one file: nothing is fetched.</footer>\n"
        page += "</body></html>\n"
        return page
    }

    private func summarySection() -> String {
        let e = SVG.escape, format = classifier.inputFormat
        let correct = (0 ..< metrics.confusion.count).reduce(0) { $0 + metrics.confusion[$1][$1] }
        var rows: [(String, String)] = [
            ("Model file", "<code>\(e(modelName))</code>"),
            ("Classes", "\(classifier.classes.count): " + classifier.classes.map { "<code>\(e($0))</code>" }.joined(separator: ", ")),
            ("Input", "\(format.width)×\(format.height) \(format.color.rawValue), transparency on \(format.background)"),
            ("Network", e(networkDescription)),
            ("Test folder", "<code>\(e(folderName))</code>: <span data-metric=\"count\" data-value=\"\(metrics.count)\">\(metrics.count)</span>"
                + " images" + (skippedCount > 0 ? ", \(skippedCount) skipped" : "")),
            ("Accuracy", "<span data-metric=\"accuracy\" data-value=\"\(metrics.accuracy)\">\(percent(metrics.accuracy))</span>"
                + " (\(correct) of \(metrics.count))"),
        ]
        if let balancedAccuracy {
            rows.append(("Balanced accuracy", "<span data-metric=\"balanced_accuracy\" data-value=\"\(balancedAccuracy)\">"
                + "\(percent(balancedAccuracy))</span> (mean of the per-class recalls)"))
        }
        if let calibration {
            rows.append(("Calibration error", "<span data-metric=\"calibration_ece\" data-value=\"\(calibration.expectedCalibrationError)\">"
                + "\(percent(calibration.expectedCalibrationError))</span> expected calibration error (ECE)"))
        }
        if let s = classifier.summary {
            let validation = s.validationAccuracy.map { ", validation accuracy \(percent($0))" } ?? ""
            rows.append(("Training", "\(s.epochs) epochs, best epoch \(s.bestEpoch)\(validation); \(s.trainingExamples) training and "
                + "\(s.validationExamples) validation images; seed \(s.seed)"))
            if !s.hyperparameters.isEmpty {
                rows.append(("Settings", s.hyperparameters.sorted { $0.key < $1.key }
                    .map { "\(e($0.key)) <code>\(e($0.value))</code>" }.joined(separator: ", ")))
            }
        }
        return "<section id=\"summary\"><h2>Summary</h2><dl class=\"summary\">"
            + rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined(separator: "\n") + "</dl></section>\n"
    }

    private func trainingSection() -> String {
        guard let curves = trainingCurves() else {
            return "<section id=\"training\"><h2>Training curves</h2><p class=\"note\">This model file keeps no training history "
                + "(it was saved before classify recorded one), so there are no curves.</p></section>\n"
        }
        return "<section id=\"training\"><h2>Training curves</h2><div class=\"row\">\(curves.loss)\(curves.accuracy)</div>"
            + "<p class=\"note\">Training: mean over the epoch's mini-batches while the weights changed; validation: after the epoch. "
            + "The saved weights are those of the marked epoch.</p></section>\n"
    }

    private func confusionSection() -> String {
        let e = SVG.escape
        var table = "<table class=\"classes\"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>"
            + "<th>support</th></tr></thead><tbody>"
        for (name, m) in zip(classifier.classes, metrics.perClass) {
            table += "<tr data-class=\"\(e(name))\"><th><code>\(e(name))</code></th>"
            for (key, value) in [("precision", m.precision), ("recall", m.recall), ("f1", m.f1)] {
                table += "<td data-metric=\"\(key)\" data-value=\"\(value)\">\(percent(value))</td>"
            }
            table += "<td data-metric=\"support\" data-value=\"\(m.support)\">\(m.support)</td></tr>"
        }
        table += "</tbody></table>"
        return "<section id=\"confusion\"><h2>Confusions</h2><div class=\"row\"><figure class=\"fit\">\(confusionHeatMap())"
            + "<figcaption>Rows: true class; columns: predicted class. Colour: the row's rate; numbers: image counts."
            + "</figcaption></figure><figure>\(classBars())\(table)</figure></div></section>\n"
    }

    private func mistakesSection() throws(ReportError) -> String {
        let e = SVG.escape, all = mistakes, shown = all.prefix(mistakeLimit)
        var html = "<section id=\"mistakes\"><h2>Mistakes</h2>"
        guard !all.isEmpty else { return html + "<p class=\"note\">No test image is misclassified.</p></section>\n" }
        html += "<p class=\"note\">\(all.count) misclassified image\(all.count == 1 ? "" : "s")"
            + (all.count > shown.count ? ", the \(shown.count) most confident shown (use --mistakes N for more)" : ", most confident first")
            + ". Left: the file; right: what the network saw.</p><div class=\"sheet\">"
        for mistake in shown {
            let file = files[mistake.index]
            let name = file.split(separator: "/").last.map(String.init) ?? file
            html += "<figure class=\"mistake\" data-file=\"\(e(file))\"><div class=\"pair\">"
            if let thumbnail = thumbnail(mistake.index) {
                html += try img(thumbnail, alt: "the file \(name)", className: "thumb px")
            } else {
                html += "<span class=\"missing\">file no longer readable</span>"
            }
            html += try img(seenPicture(mistake.index), alt: "what the network saw", className: "seen px")
            html += "</div><figcaption><code title=\"\(e(file))\">\(e(name))</code><br><b>\(e(classifier.classes[mistake.label]))</b>"
                + " taken for <b>\(e(classifier.classes[mistake.predicted]))</b> <span data-value=\"\(mistake.probability)\">"
                + "\(percent(mistake.probability))</span></figcaption></figure>"
        }
        return html + "</div></section>\n"
    }

    private func firstLayerSection() throws(ReportError) -> String {
        let e = SVG.escape
        var html = "<section id=\"first-layer\"><h2>What the first layer learned</h2>"
        if let weights = firstLayerWeights() {
            let hidden = classifier.network.layers.count > 1
            html += "<figure>" + (try img(weights.picture, alt: "first-layer weights", className: "px weights"))
                + "<figcaption>Incoming weights of \(weights.shown == weights.total ? "all" : "the first") \(weights.shown) of "
                + "\(weights.total) \(hidden ? "hidden" : "output") neurons, each drawn at the input's size; one shared scale, "
                + "±\(String(cFormat: "%.3g", Double(weights.scale))). "
                + (classifier.inputFormat.color == .gray ? "Red: positive, blue: negative, white: zero."
                    : "Each channel shows its own weights; mid-grey is zero.") + "</figcaption></figure>"
        }
        html += "<h3>Each class's mean test image, as the network saw it</h3><div class=\"means\">"
        for (name, mean) in zip(classifier.classes, classMeans()) {
            guard let mean else { continue }
            html += "<figure>" + (try img(mean, alt: "mean of \(name)", className: "px")) + "<figcaption><code>\(e(name))</code>"
                + "</figcaption></figure>"
        }
        return html + "</div></section>\n"
    }

    private func calibrationSection() -> String {
        guard let diagram = reliabilityDiagram() else {
            return "<section id=\"calibration\"><h2>Calibration</h2><p class=\"note\">The evaluation gives no calibration data "
                + "for this model, so there is no reliability diagram.</p></section>\n"
        }
        return "<section id=\"calibration\"><h2>Calibration</h2><figure>\(diagram)<figcaption>Each dot: the test images whose top "
            + "probability falls in one bin; on the dashed diagonal, probabilities mean what they say.</figcaption></figure></section>\n"
    }

    private func img(_ picture: Picture, alt: String, className: String) throws(ReportError) -> String {
        let uri: String
        do { uri = try picture.dataURI() } catch { throw .unwritable(file: "<report>", reason: "\(error)") }
        return "<img class=\"\(className)\" src=\"\(uri)\" width=\"\(picture.image.width * picture.zoom)\" "
            + "height=\"\(picture.image.height * picture.zoom)\" alt=\"\(SVG.escape(alt))\">"
    }
}
