import Foundation
import Imaging
import Testing

/// Debian's headless Chromium, driven from the command line: a screenshot, the DOM after loading,
/// the console messages (`--enable-logging=stderr`) and a NetLog of every request the browser made.
struct Chromium {
    let executable: URL

    /// The first of chromium, chromium-browser, google-chrome on PATH; nil when none is installed.
    static let installed: Chromium? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let url = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return Chromium(executable: url) }
            }
        }
        return nil
    }()

    /// True in CI (`CI=true`), where a missing Chromium is a failure rather than a skipped test.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    struct Visit {
        /// `--dump-dom` output (empty for a screenshot run).
        var dom: String
        /// Every console message the page caused (there is no script, so any message is a problem).
        var consoleMessages: [String]
        /// URLs of requests made on the page's behalf (not file: or data:), from the NetLog.
        var pageRequests: [String]
    }

    /// Opens `page` offline (every host name resolves to nothing) and either dumps the DOM or
    /// writes a `width × height` screenshot to `screenshot`.
    func visit(_ page: URL, screenshot: URL? = nil, width: Int = 1200, height: Int = 2400, in folder: URL) throws -> Visit {
        let netLog = folder.appendingPathComponent("netlog-\(UUID().uuidString).json")
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(folder.appendingPathComponent("profile-\(UUID().uuidString)").path)",
            "--enable-logging=stderr", "--v=0", "--log-net-log=\(netLog.path)",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=\(width),\(height)",
        ] + (screenshot.map { ["--screenshot=\($0.path)"] } ?? ["--dump-dom"]) + [page.absoluteString]
        let out = folder.appendingPathComponent("out-\(UUID().uuidString).txt")
        let err = folder.appendingPathComponent("err-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A hung browser must not hang the test run: stop it after two minutes.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0,
                "chromium ended with \(process.terminationStatus) (\(process.terminationReason == .exit ? "exit" : "signal, after 120 s?"))")
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        // Chromium writes "[…:INFO:CONSOLE:1] "message", source: file:///…" for every console message.
        let console = stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Visit(dom: (try? String(contentsOf: out, encoding: .utf8)) ?? "", consoleMessages: console,
                     pageRequests: try Self.pageRequests(inNetLog: netLog))
    }

    /// Requests in a NetLog made for a `file://` page (its network isolation key names the page's
    /// site): the browser's own background traffic (updates, accounts) carries another key.
    static func pageRequests(inNetLog url: URL) throws -> [String] {
        let data = try Data(contentsOf: url)
        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "the NetLog is not JSON")
        let events = log["events"] as? [[String: Any]] ?? []
        var urls: Set<String> = []
        for event in events {
            guard let params = event["params"] as? [String: Any], let target = params["url"] as? String,
                  let key = params["network_isolation_key"] as? String, key.contains("file://") else { continue }
            if !target.hasPrefix("file:") && !target.hasPrefix("data:") { urls.insert(target) }
        }
        return urls.sorted()
    }
}
