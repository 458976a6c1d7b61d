import Classifier
import Foundation
import Imaging
import Testing

/// Issue 14, end to end: control characters in names, signals during training, memory bombs and
/// settings that cannot fit, and errors that used to mislead.
@Suite struct HostileTrainingTests {
    /// Two tiny classes whose folder and file names carry terminal control sequences.
    private func hostileNames(in tmp: URL) throws -> URL {
        let root = tmp.appendingPathComponent("evil")
        for (c, name) in ["a\u{1B}[2Jb", "c\rapple (100.0%)\u{07}"].enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<6 {
                let value = UInt16(c == 0 ? 10 + i : 240 - i)
                try PNG.write(Image(width: 4, height: 4, channels: 1, samples: .init(repeating: value, count: 16)),
                              to: folder.appendingPathComponent("x\u{1B}]0;title\u{07}\(i).png"))
            }
        }
        return root
    }

    @Test func controlCharactersInNamesNeverReachTheTerminal() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let root = try hostileNames(in: tmp)
        let model = tmp.appendingPathComponent("m.safetensors").path
        let runs = [["train", root.path, "--epochs", "2", "--model", model, "--validation-split", "0"],
                    ["inspect", "--model", model], ["predict", "--model", model, root.path],
                    ["evaluate", "--model", model, root.path]]
        for arguments in runs {
            let result = try HostileWorld.run(arguments, in: tmp)
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
            for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
                let raw = text.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }
                #expect(raw.isEmpty, "\(arguments[0]) \(stream) has raw control characters: \(text.debugDescription.prefix(400))")
            }
            #expect(!result.stdout.contains("\napple (100.0%)"), "no forged line")
        }
        let json = try HostileWorld.run(["inspect", "--json", "--model", model], in: tmp)
        let classes = try CommandRunner.jsonObject(json.stdout)["classes"] as? [String]
        #expect(classes == ["a\u{1B}[2Jb", "c\rapple (100.0%)\u{07}"], "JSON keeps the exact names")
    }

    @Test(arguments: [SIGTERM, SIGHUP, SIGQUIT])
    func aTerminatingSignalSavesTheBestModelLikeCtrlC(signal: Int32) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        // A stale temporary file of this tool's naming whose process is gone: the next write removes it.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let stale = tmp.appendingPathComponent(".m.safetensors.tmp-\(dead.processIdentifier)-1234abcd")
        try Data("partial".utf8).write(to: stale)
        let result = try HostileWorld.run(["train", train.path, "--model", "m.safetensors", "--epochs", "100000",
                                           "--patience", "100000", "--hidden", "16"], in: tmp, timeout: 180) { pid in
            Thread.sleep(forTimeInterval: 4)
            kill(pid, signal)
        }
        #expect(result.signal == nil && result.status == 0,
                "status \(String(describing: result.status)) signal \(result.signal ?? 0): \(result.stderr.suffix(400))")
        #expect(!result.stderr.contains("crashed"))
        let model = try ImageClassifier(contentsOf: tmp.appendingPathComponent("m.safetensors"))
        #expect(model.classes.count == 10)
        #expect(!FileManager.default.fileExists(atPath: stale.path), "stale temporary file removed")
    }

    @Test func settingsThatCannotFitAreRefusedBeforeTrainingWithTheEstimate() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        for extra in [["--size", "3000x3000"], ["--hidden", "65536,65536"]] {
            let result = try HostileWorld.run(["train", train.path, "--epochs", "1"] + extra, in: tmp, timeout: 60)
            #expect(result.status == 1 && result.signal == nil, "\(extra): \(result.stderr.suffix(300))")
            #expect(result.stderr.contains("memory"), "\(extra): \(result.stderr)")
            #expect(result.peakBytes < 1 << 30, "\(extra): \(result.peakBytes >> 20) MiB")
        }
    }

    @Test func aDecompressionBombIsPredictedInBoundedMemory() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, _) = try HostileWorld.trainedModel(in: tmp)
        let bombs = tmp.appendingPathComponent("bombs")
        try FileManager.default.createDirectory(at: bombs, withIntermediateDirectories: false)
        let big = tmp.appendingPathComponent("big.png")
        try Data(ZeroPNG.bytes(width: 10_000, height: 10_000)).write(to: big)
        let one = try CommandRunner.runMeasuringPeakMemory(["predict", "--model", model.path, big.path], in: tmp)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.peakBytes < 256 << 20, "one 100-megapixel image: \(one.peakBytes >> 20) MiB")
        // Eight decoded in parallel: 6.25 megapixels each keeps a debug build fast; decoding all
        // of them whole would hold 8 × 6.25 M pixels × (4 × 2 + 4) bytes ≈ 0.6 GB. (Eight
        // 100-megapixel images measured by hand: 32 MB peak.)
        let bytes = Data(ZeroPNG.bytes(width: 2_500, height: 2_500))
        for i in 0..<8 { try bytes.write(to: bombs.appendingPathComponent("\(i).png")) }
        let eight = try CommandRunner.runMeasuringPeakMemory(["predict", "--threads", "8", "--model", model.path, bombs.path], in: tmp)
        #expect(eight.status == 0, "\(eight.stderr)")
        // Decoded whole, the eight would need 8 · 6.25 M · 4 samples · 2 bytes = 400 MB; streamed, the
        // peak is the process's base plus a band of rows per worker (137–151 MB seen under load, ~33 MB quiet).
        #expect(eight.peakBytes < 256 << 20, "eight bombs in parallel: \(eight.peakBytes >> 20) MiB")
        // Interlaced images cannot stream: the workers share a 256 MiB budget instead of holding
        // eight whole images (8 × 6.25 M pixels × (4 × 3 + 4) bytes ≈ 0.8 GB) at once.
        let adam7 = Data(ZeroPNG.bytes(width: 2_500, height: 2_500, interlaced: true))
        for i in 0..<8 { try adam7.write(to: bombs.appendingPathComponent("\(i).png")) }
        let interlaced = try CommandRunner.runMeasuringPeakMemory(["predict", "--threads", "8", "--model", model.path, bombs.path], in: tmp)
        #expect(interlaced.status == 0, "\(interlaced.stderr)")
        #expect(interlaced.peakBytes < 400 << 20, "eight interlaced bombs in parallel: \(interlaced.peakBytes >> 20) MiB")
    }

    @Test(arguments: [
        (["predict", "nothere.png"], "nothere.png", "no such file"),
        (["train", "DIR", "--seed", "-1"], "--seed", "'-1' is invalid"),
        (["train", "DIR", "--learning-rate", "-1"], "--learning-rate", "positive"),
        (["train", "DIR", "--l2", "-1"], "--l2", "0 or more"),
        (["train", "DIR", "--hidden", "100000"], "--hidden", "65536"),
        (["train", ""], "folder", "empty"),
        (["predict", "-dash"], "-dash", "./-dash"),
    ])
    func misleadingErrorsNowSayWhatIsWrong(arguments: [String], subject: String, reason: String) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = arguments[0] == "predict" ? try HostileWorld.trainedModel(in: tmp).train
            : try CommandRunner.copySampleData("digits/train", into: tmp)
        let model = tmp.appendingPathComponent("m.safetensors").path
        let arguments = arguments.map { $0 == "DIR" ? train.path : $0 } + (arguments[0] == "predict" ? ["--model", model] : [])
        let result = try HostileWorld.run(arguments, in: tmp, timeout: 60)
        #expect(result.status != 0 && result.signal == nil, "\(result.stderr)")
        #expect(result.stderr.contains(subject) && result.stderr.contains(reason), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("epoch"), "refused before training")
    }

    @Test func predictReportsSpecialFilesAndKeepsGoing() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, train) = try HostileWorld.trainedModel(in: tmp)
        let folder = train.appendingPathComponent("0")
        #expect(mkfifo(folder.appendingPathComponent("fifo.png").path, 0o644) == 0)
        #expect(mknod(folder.appendingPathComponent("socket.png").path, S_IFSOCK | 0o644, 0) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("dangling.png").path, withDestinationPath: "gone.png")
        let result = try HostileWorld.run(["predict", "--json", "--model", model.path, folder.path], in: tmp, timeout: 30)
        #expect(result.status == 1 && !result.timedOut, "\(result.stderr)")
        #expect(result.stderr.contains("fifo.png") && result.stderr.contains("dangling.png"), "\(result.stderr)")
        #expect(result.stderr.contains("socket.png': it is not a regular file (it is a socket)"), "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 142, "the real images are still predicted")
    }

    @Test func classFoldersNamedAlikeOrNotInUTF8AreReportedNotMerged() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        // Precomposed "é" and "e" + combining acute: the same text, two folders on disk.
        for name in ["caf\u{E9}", "cafe\u{301}"] {
            try FileManager.default.copyItem(at: train.appendingPathComponent("0"), to: train.appendingPathComponent(name))
        }
        let alike = try HostileWorld.run(["train", train.path, "--epochs", "1", "--hidden", "4"], in: tmp, timeout: 60)
        #expect(alike.status == 1 && alike.stderr.contains("same name"), "\(alike.stderr)")
        for name in ["caf\u{E9}", "cafe\u{301}"] { try FileManager.default.removeItem(at: train.appendingPathComponent(name)) }
        // A class folder whose name is not UTF-8 (byte 0xFF): reported, not silently dropped.
        let raw = [UInt8](train.path.utf8) + [UInt8(ascii: "/"), UInt8(ascii: "y"), 0xFF, 0]
        let made = raw.withUnsafeBytes { mkdir($0.baseAddress!.assumingMemoryBound(to: CChar.self), 0o755) }
        #expect(made == 0)
        // A file whose name is not UTF-8, and a class-folder link to nothing: both reported too.
        let file = [UInt8](train.path.utf8) + Array("/0/x".utf8) + [0xFF] + Array(".png".utf8) + [0]
        let copied = file.withUnsafeBytes { link(train.path + "/0/0000.png", $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
        #expect(copied == 0)
        try FileManager.default.createSymbolicLink(atPath: train.appendingPathComponent("gone").path, withDestinationPath: "nowhere")
        let reported = try HostileWorld.run(["train", train.path, "--epochs", "1", "--hidden", "4"], in: tmp, timeout: 120)
        #expect(reported.stderr.contains("/y\u{FFFD}': its name is not valid UTF-8"), "\(reported.stderr)")
        #expect(reported.stderr.contains("/0/x\u{FFFD}.png': its name is not valid UTF-8"), "\(reported.stderr)")
        #expect(reported.stderr.contains("/gone': broken symbolic link"), "\(reported.stderr)")
    }

    @Test func aModelWhoseProbabilitiesOverflowIsRefusedPerImage() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, train) = try HostileWorld.trainedModel(in: tmp)
        var classifier = try ImageClassifier(contentsOf: model)
        // Uncentred inputs (all ≥ 0), so that every weight of 1e30 drives the logits to overflow.
        classifier.inputStandardization = .identity(inputCount: classifier.inputStandardization.inputCount)
        for l in classifier.network.layers.indices {
            let w = classifier.network.layers[l].weights
            classifier.network.layers[l].weights = Matrix(rows: w.rows, columns: w.columns, repeating: 1e30)
        }
        try classifier.write(to: model)
        let result = try HostileWorld.run(["predict", "--model", model.path, train.appendingPathComponent("0/0000.png").path], in: tmp)
        #expect(result.status == 1 && result.stderr.contains("finite"), "\(result.stderr) \(result.stdout)")
        #expect(!result.stdout.contains("nan"))
    }

    @Test func pathsArePrintedAsTheUserWroteThem() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        _ = try HostileWorld.trainedModel(in: tmp)
        let json = try HostileWorld.run(["predict", "--json", "--model", "m.safetensors", "train/0/0000.png"], in: tmp)
        #expect(try CommandRunner.jsonObject(json.stdout)["file"] as? String == "train/0/0000.png", "\(json.stdout)")
        let folder = try HostileWorld.run(["predict", "--json", "--model", "m.safetensors", "./train/1"], in: tmp)
        #expect(folder.stdout.hasPrefix("{\"file\":\"./train/1/"), "\(folder.stdout.prefix(200))")
        let inspect = try HostileWorld.run(["inspect", "--json", "--model", "m.safetensors"], in: tmp)
        #expect(try CommandRunner.jsonObject(inspect.stdout)["model"] as? String == "m.safetensors")
        let missing = try HostileWorld.run(["predict", "--model", "m.safetensors", "train/0/nothere.png"], in: tmp)
        #expect(missing.stderr.contains("'train/0/nothere.png'"), "\(missing.stderr)")
    }
}
