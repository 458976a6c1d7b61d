import Classifier
import Foundation
import Imaging
import Testing

/// Hard inputs, end to end through the built binary: every bad file gives one clear line (file
/// and reason) and exit 1 with no signal; the odd-but-valid inputs work.
@Suite struct HardInputTests {
    static let fixtures = CommandRunner.repositoryRoot.appendingPathComponent("Tests/ImagingTests/Fixtures")

    /// A small trained model for predicting with, trained once for the whole run (only read here).
    private func trainedModel(in tmp: URL) throws -> URL {
        try CommandRunner.sharedDigitsModel.get()
    }

    @Test(arguments: [
        ("truncated.png", "ends before the image data is complete"),
        ("badidatcrc.png", "IDAT"),
        ("empty.png", "empty"),
        ("signatureonly.png", "signature"),
        ("jpeg.png", "JPEG"),
        ("text.png", "text file"),
        ("huge.png", "100000×100000"),
        ("absurdchunklength.png", "length"),
    ])
    func corruptImagesGiveOneLineAndExitOne(file: String, reason: String) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let model = try trainedModel(in: tmp)
        let bad = Self.fixtures.appendingPathComponent("corrupt").appendingPathComponent(file)
        let result = try CommandRunner.run(["predict", "--model", model.path, bad.path], in: tmp)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(!result.killedBySignal)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains(file) && result.stderr.contains(reason), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aHugeHeaderIsRefusedWithoutAllocatingTheImage() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let model = try trainedModel(in: tmp)
        let huge = Self.fixtures.appendingPathComponent("corrupt/huge.png")
        let result = try CommandRunner.runMeasuringPeakMemory(["predict", "--model", model.path, huge.path], in: tmp)
        #expect(result.status == 1)
        #expect(result.stderr.contains("megapixel limit"), "stderr: \(result.stderr)")
        // 100000×100000 would be ≥ 10 GB of samples; the process must stay small.
        #expect(result.peakBytes < 300 << 20, "peak resident memory: \(result.peakBytes >> 20) MiB")
    }

    @Test func oddButValidImagesWork() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let model = try trainedModel(in: tmp)
        // 1×1, a 4000×3000 photo-sized grey image, 16-bit, palette with tRNS, interlaced,
        // and a bad CRC in an ancillary chunk: all predicted.
        let one = tmp.appendingPathComponent("one.png")
        try PNG.write(Image(width: 1, height: 1, channels: 3, samples: [10, 200, 30]), to: one)
        let big = tmp.appendingPathComponent("big.png")
        var samples = [UInt16](repeating: 0, count: 4000 * 3000)
        for y in 0 ..< 3000 { for x in stride(from: 0, to: 4000, by: 7) { samples[y * 4000 + x] = UInt16((x ^ y) & 255) } }
        try PNG.write(Image(width: 4000, height: 3000, channels: 1, samples: samples), to: big)
        let files = [one, big] + ["grey16.png", "palette4trns.png", "greyalpha8adam7.png", "badtextcrc.png"]
            .map { Self.fixtures.appendingPathComponent($0) }
        let start = Date()
        let result = try CommandRunner.run(["predict", "--model", model.path, "--json"] + files.map(\.path), in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == files.count)
        #expect(Date().timeIntervalSince(start) < 60, "a 12-megapixel image is decoded and shrunk in reasonable time")
    }

    @Test func mixedSizesAndColourTypesTrainTogether() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let root = tmp.appendingPathComponent("mixed")
        for (c, name) in ["dark", "light"].enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0 ..< 12 {
                let base = UInt16(c == 0 ? 20 + i : 220 - i)
                let image: Image
                switch i % 4 {
                case 0: image = Image(width: 12, height: 12, channels: 1, samples: .init(repeating: base, count: 144))
                case 1: image = Image(width: 16, height: 8, channels: 3, samples: .init(repeating: base, count: 384))
                case 2: image = Image(width: 12, height: 12, channels: 4, samples: (0 ..< 144).flatMap { _ in [base, base, base, 255] })
                default: image = Image(width: 30, height: 20, channels: 2, samples: (0 ..< 600).flatMap { _ in [base, 255] })
                }
                try PNG.write(image, to: folder.appendingPathComponent("\(i).PNG"))
            }
            try Data().write(to: folder.appendingPathComponent("._0.PNG"))
            try Data().write(to: folder.appendingPathComponent(".DS_Store"))
        }
        let result = try CommandRunner.run(["train", root.path, "--json", "--epochs", "30", "--validation-split", "0"], in: tmp)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let summary = try CommandRunner.jsonObject(result.stdout)
        #expect(summary["images"] as? Int == 24, "hidden and AppleDouble files are ignored")
        #expect((summary["skipped"] as? [Any])?.isEmpty == true)
        let input = try #require(summary["input"] as? [String: Any])
        #expect(input["color"] as? String == "rgb", "some images are colour")
        #expect(input["width"] as? Int == 12 && input["height"] as? Int == 12, "the most common size")
    }

    @Test func aTreeWithNoImagesOrOnlyFoldersIsRefusedClearly() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let root = tmp.appendingPathComponent("nothing")
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: root.appendingPathComponent("a/readme.txt"))
        let noClasses = tmp.appendingPathComponent("flat")
        try FileManager.default.createDirectory(at: noClasses, withIntermediateDirectories: true)
        for folder in [root, noClasses] {
            let result = try CommandRunner.run(["train", folder.path], in: tmp)
            #expect(result.status == 1, "stderr: \(result.stderr)")
            #expect(!result.killedBySignal)
            #expect(result.stderr.contains(folder.lastPathComponent))
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error") }.count == 1, "stderr: \(result.stderr)")
        }
    }

    @Test func aSymlinkLoopInTheTreeDoesNotHang() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        try FileManager.default.createSymbolicLink(atPath: train.appendingPathComponent("0/loop").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: train.appendingPathComponent("1/self.png").path, withDestinationPath: "self.png")
        let trained = try CommandRunner.run(["train", train.path, "--epochs", "1", "--hidden", "8"], in: tmp)
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        let predicted = try CommandRunner.run(["predict", "--json", train.path], in: tmp)
        #expect(!predicted.killedBySignal)
        #expect(predicted.stdout.split(separator: "\n").count == 1437, "every real image once, no loop")
    }
}
