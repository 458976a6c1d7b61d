import Foundation
import Imaging
import Testing

/// `classify report` rendered in a real browser: it loads offline with no console message and no
/// request, it is not blank, and its numbers are `evaluate --json`'s.
@Suite(.serialized) struct ReportBrowserTests {
    static let browserNote: Comment = """
        CHROMIUM NOT FOUND: the report's browser test did NOT run. Install Debian's chromium \
        (apt-get install chromium); .ci/run installs it and CI (CI=true) always runs this test.
        """

    @Test(.enabled(if: Chromium.installed != nil || Chromium.isCI, browserNote))
    func theReportOpensOfflineWithoutErrorsAndShowsEvaluatesNumbers() throws {
        let chromium = try #require(Chromium.installed, "CI=true but no chromium on PATH")
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fruit = CommandRunner.repositoryRoot.appendingPathComponent("sample-data/fruit")
        let model = folder.appendingPathComponent("fruit.safetensors").path
        let trained = try CommandRunner.run(["train", fruit.appendingPathComponent("train").path, "--model", model,
                                             "--hidden", "16", "--epochs", "4"], in: folder)
        try #require(trained.status == 0, "\(trained.stderr)")
        let test = fruit.appendingPathComponent("test").path
        let page = folder.appendingPathComponent("report.html")
        let reported = try CommandRunner.run(["report", test, "--model", model, "--output", page.path], in: folder)
        try #require(reported.status == 0, "\(reported.stderr)")
        let evaluated = try CommandRunner.run(["evaluate", "--json", test, "--model", model], in: folder)
        try #require(evaluated.status == 0, "\(evaluated.stderr)")

        let size = try #require(try FileManager.default.attributesOfItem(atPath: page.path)[.size] as? Int)
        #expect(size <= 5_000_000, "the page is \(size) bytes")

        let loaded = try chromium.visit(page, in: folder)
        #expect(loaded.consoleMessages.isEmpty, "\(loaded.consoleMessages)")
        #expect(loaded.pageRequests.isEmpty, "\(loaded.pageRequests)")
        try ReportPageNumbers(dom: loaded.dom).expectEqual(toEvaluation: evaluated.stdout)

        let shot = folder.appendingPathComponent("report.png")
        let painted = try chromium.visit(page, screenshot: shot, in: folder)
        #expect(painted.consoleMessages.isEmpty && painted.pageRequests.isEmpty)
        let image = try PNG.decode(contentsOf: shot)
        let luma = stride(from: 0, to: image.samples.count, by: image.channels).map { Double(image.samples[$0]) }
        let mean = luma.reduce(0, +) / Double(luma.count)
        let deviation = (luma.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(luma.count)).squareRoot()
        #expect(image.width == 1200 && deviation > 10, "screenshot \(image.width)×\(image.height), deviation \(deviation)")
    }

    /// The detectors themselves: a page that fetches an image and logs to the console is caught.
    @Test(.enabled(if: Chromium.installed != nil || Chromium.isCI, browserNote))
    func theBrowserChecksCatchAFetchAndAConsoleMessage() throws {
        let chromium = try #require(Chromium.installed, "CI=true but no chromium on PATH")
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fetching = folder.appendingPathComponent("fetching.html")
        try #"<!DOCTYPE html><html><body><img src="https://example.com/x.png" alt="x"></body></html>"#
            .write(to: fetching, atomically: true, encoding: .utf8)
        #expect(try chromium.visit(fetching, in: folder).pageRequests == ["https://example.com/x.png"])
        let logging = folder.appendingPathComponent("logging.html")
        try #"<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>"#
            .write(to: logging, atomically: true, encoding: .utf8)
        #expect(try chromium.visit(logging, in: folder).consoleMessages.contains { $0.contains("boom") })
    }
}
