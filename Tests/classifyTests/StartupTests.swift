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
        // The same options through ArgumentParser (`--model=` is not read by the plain-argument
        // path) give the same output, text and JSON.
        for extra in [["--json", "--top", "2", "--min-confidence", "0.99", "--threads", "1"], ["--top", "1"], []] {
            let plain = try CommandRunner.run(["predict", "--model", "m.safetensors"] + extra + ["~/3"], in: tmp,
                                              environment: ["HOME": home.path])
            let parsed = try CommandRunner.run(["predict", "--model=m.safetensors"] + extra + ["~/3"], in: tmp,
                                               environment: ["HOME": home.path])
            #expect(plain.status == 0 && parsed.status == 0 && !plain.stdout.isEmpty)
            #expect(plain.stdout == parsed.stdout && plain.stderr == parsed.stderr, "\(extra)")
        }
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
        let repeated = try CommandRunner.run(["predict", "--model", "a", "--model", "b", "--bogus", "x.png"], in: tmp)
        #expect(repeated.status == 64 && repeated.stderr.contains("Unknown option '--bogus'"))
        let missing = try CommandRunner.run(["predict", "--model", "absent.safetensors", "x.png"], in: tmp)
        #expect(missing.status == 1 && missing.stderr.contains("absent.safetensors"))
    }
}
