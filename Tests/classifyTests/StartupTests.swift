import Foundation
import Testing

/// What keeps a one-image `classify predict` quick (issue 11): no Foundation beyond
/// FoundationEssentials, and the command-line details that came with dropping it.
@Suite struct StartupTests {
    @Test func predictExpandsATildeAndLoadsNoFoundationInternationalization() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let trained = try CommandRunner.run(["train", train.path, "--model", "m.safetensors", "--epochs", "1", "--hidden", "8"], in: tmp)
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        let home = tmp.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("3"), withIntermediateDirectories: true)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: train.appendingPathComponent("3").path).sorted().first)
        try FileManager.default.copyItem(at: train.appendingPathComponent("3/\(name)"), to: home.appendingPathComponent("3/\(name)"))

        let predicted = try CommandRunner.run(["predict", "--model", "m.safetensors", "--json", "~/3/\(name)", "~/3"], in: tmp,
                                              environment: ["HOME": home.path, "LD_DEBUG": "files"])
        #expect(predicted.status == 0, "stderr: \(predicted.stderr.suffix(2000))")
        #expect(predicted.stdout.split(separator: "\n").count == 2)
        #if os(Linux)
        // The dynamic loader lists every library it opens: ICU and FoundationInternationalization
        // cost more start-up time than the whole prediction.
        #expect(predicted.stderr.contains("FoundationEssentials"))
        #expect(!predicted.stderr.contains("FoundationInternationalization"))
        #expect(!predicted.stderr.contains("ICU"))
        #endif
    }

    @Test func predictHelpAndUsageErrorsStillNameTheWholeCommand() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let help = try CommandRunner.run(["predict", "--help"], in: tmp)
        #expect(help.status == 0 && help.stdout.contains("USAGE: classify predict"))
        let usage = try CommandRunner.run(["predict", "--top", "0", "a.png"], in: tmp)
        #expect(usage.status == 64 && usage.stderr.contains("Please give a --top of at least 1."))
        #expect(usage.stderr.contains("classify predict"))
    }
}
