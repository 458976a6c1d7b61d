import Classifier
import Foundation
#if canImport(FoundationXML)
import FoundationXML  // XMLParser on Linux
#endif
import Imaging
import Testing
@testable import Report

/// A report on the bundled digits with a model file written by main before the history was kept
/// (`Fixtures/digits-main-2c8e54f.safetensors`, 64 → 16 relu → 10 softmax).
enum ReportFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let oldModel = root.appendingPathComponent("Tests/ReportTests/Fixtures/digits-main-2c8e54f.safetensors")
    static let digitsTest = root.appendingPathComponent("sample-data/digits/test")

    static func report(classifier: ImageClassifier? = nil, balancedAccuracy: Double? = nil,
                       calibration: Report.Calibration? = nil, mistakeLimit: Int = 48) throws -> Report {
        let classifier = try classifier ?? ImageClassifier(contentsOf: oldModel)
        let loaded = try ImageDataset(evaluationFolder: digitsTest, classes: classifier.classes,
                                      inputFormat: classifier.inputFormat, threads: 2)
        return Report(modelName: "digits.safetensors", folderName: "digits/test", classifier: classifier,
                      files: loaded.files.map(\.path), dataset: loaded.dataset,
                      evaluation: classifier.evaluation(on: loaded.dataset), balancedAccuracy: balancedAccuracy,
                      calibration: calibration, mistakeLimit: mistakeLimit)
    }

    static let calibration = Report.Calibration(expectedCalibrationError: 0.0421, bins: [
        .init(confidence: 0.35, accuracy: 0.3, count: 10), .init(confidence: 0.72, accuracy: 0.8, count: 40),
        .init(confidence: 0.97, accuracy: 0.95, count: 310),
    ])
}

/// Every `src="…"` / `href="…"` / `url(…)` target of a page.
func references(in html: String) throws -> [String] {
    let pattern = #"(?:src|href)\s*=\s*"([^"]*)"|url\(\s*['"]?([^'")]*)"#
    let regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
        (1 ... 2).lazy.compactMap { Range(match.range(at: $0), in: html).map { String(html[$0]) } }.first
    }
}

/// The substrings of `text` between `open` and `close` (non-overlapping, in order).
func pieces(of text: String, from open: String, to close: String) -> [String] {
    var result: [String] = []
    var rest = text[...]
    while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
        result.append(String(rest[start.lowerBound ..< end.upperBound]))
        rest = rest[end.upperBound...]
    }
    return result
}

enum SVGChecker {
    /// Parses `text` as XML; returns the parser's error, or nil when it is well-formed.
    static func error(in text: String) -> Error? {
        let parser = XMLParser(data: Data(text.utf8))
        return parser.parse() ? nil : (parser.parserError ?? NSError(domain: "XMLParser", code: -1))
    }
}

@Suite struct ReportTests {
    typealias F = ReportFixtures

    @Test func aModelFromBeforeTheHistoryStillReportsWithANoteInsteadOfCurves() throws {
        let report = try F.report()
        #expect(report.classifier.trainingHistory.isEmpty)
        let html = try report.html()
        #expect(html.contains("keeps no training history"))
        #expect(!html.contains("Loss per epoch"))
        #expect(html.contains("data-metric=\"accuracy\" data-value=\"\(report.metrics.accuracy)\""))
        for section in ["summary", "training", "confusion", "mistakes", "first-layer", "calibration"] {
            #expect(html.contains("<section id=\"\(section)\">"), "no section \(section)")
        }
    }

    @Test func aModelWithHistoryGetsLossAndAccuracyCurvesWithTheBestEpochMarked() throws {
        var classifier = try ImageClassifier(contentsOf: F.oldModel)
        classifier.trainingHistory = (1 ... 6).map {
            EpochRecord(epoch: $0, trainingLoss: 2 / Double($0), trainingAccuracy: 0.15 * Double($0),
                        validationLoss: 2.2 / Double($0), validationAccuracy: 0.14 * Double($0))
        }
        classifier.summary?.bestEpoch = 5
        let html = try F.report(classifier: classifier).html()
        #expect(html.contains("Loss per epoch") && html.contains("Accuracy per epoch"))
        #expect(html.contains("best epoch 5"))
        #expect(!html.contains("keeps no training history"))
    }

    @Test func aHistoryWhoseEpochsStartAgainIsDrawnAsASecondRun() throws {
        var classifier = try ImageClassifier(contentsOf: F.oldModel)
        let first: [EpochRecord] = (1 ... 4).map { (e: Int) -> EpochRecord in
            let x = Double(e)
            return EpochRecord(epoch: e, trainingLoss: 1 / x, trainingAccuracy: 0.2 * x, validationLoss: 1.1 / x, validationAccuracy: 0.2 * x)
        }
        let refit: [EpochRecord] = (1 ... 3).map { (e: Int) -> EpochRecord in
            EpochRecord(epoch: e, trainingLoss: 0.9 / Double(e), trainingAccuracy: 0.25 * Double(e))
        }
        classifier.trainingHistory = first + refit
        let curves = try #require(try F.report(classifier: classifier).trainingCurves())
        #expect(curves.loss.contains(">training (run 2)<") && !curves.loss.contains("validation (run 2)"))
        #expect(curves.loss.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(SVGChecker.error(in: curves.accuracy) == nil)
    }

    @Test func everyEmbeddedPNGDecodesAndEverySVGParses() throws {
        let html = try F.report(balancedAccuracy: 0.9, calibration: F.calibration).html()
        let images = try references(in: html).filter { $0.hasPrefix("data:image/png;base64,") }
        #expect(images.count >= 3)
        for uri in images {
            let data = try #require(Data(base64Encoded: String(uri.dropFirst("data:image/png;base64,".count))))
            let image = try PNG.decode([UInt8](data), name: "embedded")
            #expect(image.width > 0 && image.height > 0)
        }
        let svgs = pieces(of: html, from: "<svg", to: "</svg>")
        #expect(svgs.count == 3, "confusion, bars and reliability (this model has no curves), got \(svgs.count)")
        for svg in svgs {
            #expect(SVGChecker.error(in: svg) == nil, "\(svg.prefix(120))")
        }
    }

    @Test func theConfusionMatrixHasOneCellPerPairWithItsCount() throws {
        let report = try F.report()
        let svg = report.confusionHeatMap()
        for (i, row) in report.metrics.confusion.enumerated() {
            for (j, count) in row.enumerated() {
                let c = report.classifier.classes
                #expect(svg.contains("data-row=\"\(c[i])\" data-column=\"\(c[j])\" data-count=\"\(count)\""))
            }
        }
    }

    @Test func thePageFetchesNothing() throws {
        let html = try F.report(calibration: F.calibration).html()
        for reference in try references(in: html) {
            #expect(reference.hasPrefix("data:") || reference.hasPrefix("#"), "external reference \(reference.prefix(80))")
        }
        #expect(html.contains("default-src 'none'"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("@import") && !html.contains("@font-face"))
    }

    @Test func mistakesComeMostConfidentFirstAndAreLimited() throws {
        let report = try F.report(mistakeLimit: 5)
        let mistakes = report.mistakes
        #expect(mistakes.count == report.metrics.count - (0 ..< 10).reduce(0) { $0 + report.metrics.confusion[$1][$1] })
        #expect(zip(mistakes, mistakes.dropFirst()).allSatisfy { $0.probability >= $1.probability })
        #expect(mistakes.allSatisfy { $0.label != $0.predicted })
        let html = try report.html()
        #expect(pieces(of: html, from: "<figure class=\"mistake\"", to: "</figure>").count == 5)
        #expect(html.contains("the 5 most confident shown"))
    }

    @Test func balancedAccuracyAndCalibrationAppearOnlyWhenGiven() throws {
        let plain = try F.report().html()
        #expect(!plain.contains("balanced_accuracy") && !plain.contains("calibration_ece"))
        #expect(plain.contains("no reliability diagram"))
        let full = try F.report(balancedAccuracy: 0.875, calibration: F.calibration).html()
        #expect(full.contains("data-metric=\"balanced_accuracy\" data-value=\"0.875\""))
        #expect(full.contains("data-metric=\"calibration_ece\" data-value=\"0.0421\""))
        #expect(full.contains("Reliability (ECE 4.2%)"))
    }

    @Test func classNamesAreEscaped() {
        #expect(SVG.escape(#"<a&"b'>"#) == "&lt;a&amp;&quot;b&#39;&gt;")
        #expect(SVGChecker.error(in: "<svg>\(SVG.escape("x\u{1}<y"))</svg>") == nil)
    }

    @Test(arguments: [(-1, [33, 102, 172]), (0, [247, 247, 247]), (1, [178, 24, 43]), (Float.nan, [247, 247, 247]),
                      (-3, [33, 102, 172])] as [(Float, [UInt16])])
    func divergingColourMap(t: Float, rgb: [UInt16]) {
        #expect(Report.diverging(t) == rgb)
    }

    @Test func firstLayerTilesShareOneScaleAndHaveTheInputsSize() throws {
        let report = try F.report()
        let weights = try #require(report.firstLayerWeights(limit: 7))
        #expect(weights.shown == 7 && weights.total == 16)
        let layer = report.classifier.network.layers[0]
        #expect(weights.scale == layer.weights.elements[0 ..< 7 * 64].map(abs).max())
        // 7 tiles of 8×8 in 7 columns with 2-pixel gaps.
        #expect(weights.picture.image.width == 7 * 10 + 2 && weights.picture.image.height == 10 + 2)
        #expect(report.classMeans().allSatisfy { $0?.image.width == 8 && $0?.image.channels == 1 })
    }

    @Test func picturesAreWrittenAsDecodablePNGAndParsableSVG() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try F.report(calibration: F.calibration).writePictures(to: folder)
        #expect(Set(written.map(\.lastPathComponent)) == ["first-layer-weights.png", "class-means.png", "mistakes.png",
                                                          "confusion.svg", "per-class.svg", "reliability.svg"])
        for url in written {
            if url.pathExtension == "png" {
                _ = try PNG.decode(contentsOf: url)
            } else {
                #expect(SVGChecker.error(in: try String(contentsOf: url, encoding: .utf8)) == nil, "\(url.lastPathComponent)")
            }
        }
    }

    @Test(arguments: [(0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1]), (0.13, 2.4, [0.5, 1, 1.5, 2])])
    func ticksAreRoundNumbers(lower: Double, upper: Double, expected: [Double]) {
        let t = ticks(from: lower, to: upper, count: 5)
        #expect(t.count == expected.count && zip(t, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(t)")
    }

    @Test func aLargePhotoBecomesAThumbnailThatFitsItsBoxAndLosesItsAlpha() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("wide.png")
        var samples: [UInt16] = []
        for i in 0 ..< 200 * 100 {
            let alpha: UInt16 = i % 2 == 0 ? 255 : 0
            samples += [UInt16(i % 200), 40, 200, alpha]
        }
        try PNG.write(Image(width: 200, height: 100, channels: 4, bitDepth: 8, samples: samples), to: file)
        let classifier = try ImageClassifier(contentsOf: F.oldModel)
        let dataset = Dataset(inputs: [UInt8](repeating: 9, count: 64), labels: [3], inputCount: 64, classCount: 10)
        let report = Report(modelName: "m", folderName: "f", classifier: classifier, files: [file.path], dataset: dataset,
                            evaluation: classifier.evaluation(on: dataset))
        let thumbnail = try #require(report.thumbnail(0, side: 64))
        #expect(thumbnail.image.width == 64 && thumbnail.image.height == 32 && thumbnail.image.channels == 3)
        #expect(thumbnail.zoom == 1)
        #expect(report.seenPicture(0).image.samples == [UInt16](repeating: 9, count: 64))
        #expect(Report(modelName: "m", folderName: "f", classifier: classifier, files: [folder.appendingPathComponent("gone.png").path],
                       dataset: dataset, evaluation: classifier.evaluation(on: dataset)).thumbnail(0) == nil)
    }
}
