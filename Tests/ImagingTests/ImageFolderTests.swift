import Foundation
import Testing
@testable import Imaging

@Suite struct ImageFolderTests {
    /// root/cats: UPPER.PNG, a.png, b.Png, .DS_Store, ._x.png, notes.txt, self.png → self.png, up → ..
    /// root/dogs: broken.png (text), d1.png;  root/empty/;  root/.hidden/h.png;  root/readme.txt
    static func makeTree() throws -> URL {
        let root = try temporaryFolder()
        let fm = FileManager.default
        for folder in ["cats", "dogs", "empty", ".hidden"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        func png(_ path: String, _ value: UInt16) throws {
            try PNG.write(Image(width: 2, height: 2, channels: 1, samples: [value, value, value, value]),
                          to: root.appendingPathComponent(path))
        }
        try png("cats/UPPER.PNG", 10)
        try png("cats/a.png", 20)
        try png("cats/b.Png", 30)
        try png("dogs/d1.png", 40)
        try png(".hidden/h.png", 50)
        try Data([0, 0, 0, 1]).write(to: root.appendingPathComponent("cats/.DS_Store"))
        try Data([0, 5, 22, 7]).write(to: root.appendingPathComponent("cats/._x.png"))
        try Data("notes".utf8).write(to: root.appendingPathComponent("cats/notes.txt"))
        try Data("not an image\n".utf8).write(to: root.appendingPathComponent("dogs/broken.png"))
        try Data("readme".utf8).write(to: root.appendingPathComponent("readme.txt"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("cats/self.png").path, withDestinationPath: "self.png")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("cats/up").path, withDestinationPath: "..")
        return root
    }

    @Test("classes, entries and skipped files follow the layout rules")
    func scan() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ImageFolder(scanning: root)
        #expect(folder.classes == ["cats", "dogs", "empty"])
        #expect(folder.entries.map { "\($0.classIndex)/\($0.url.lastPathComponent)" }
                == ["0/UPPER.PNG", "0/a.png", "0/b.Png", "1/broken.png", "1/d1.png"])
        let skipped = folder.skipped.map { [String($0.path.dropFirst(root.path.count + 1)), $0.reason] }
        #expect(skipped == [
            ["cats/notes.txt", "not a PNG file (only .png files are read)"],
            ["cats/self.png", "symbolic link loop"],
            ["cats/up", "a folder inside a class folder (class folders are read flat, not recursively)"],
            ["empty", "empty class folder: no PNG images"],
        ])
    }

    @Test("loadSamples is deterministic and reports the undecodable file by path", arguments: [1, 2, 4])
    func load(threads: Int) throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ImageFolder(scanning: root)
        let set = folder.loadSamples(format: InputFormat(width: 1, height: 1, color: .gray), threads: threads)
        #expect(set.count == 4 && set.inputCount == 1)
        #expect(set.inputs == [10, 20, 30, 40])
        #expect(set.labels == [0, 0, 0, 1])
        #expect(set.files.map(\.lastPathComponent) == ["UPPER.PNG", "a.png", "b.Png", "d1.png"])
        let failure = try #require(set.skipped.last)
        #expect(failure.path == root.appendingPathComponent("dogs/broken.png").path)
        #expect(failure.reason.contains("it is a text file"))
        #expect(set.skipped.count == folder.skipped.count + 1)
    }

    @Test("a file swapped for a FIFO after the scan is reported, not waited on (issue 14 §3)")
    func fifoSwappedInAfterTheScan() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ImageFolder(scanning: root)
        let swapped = root.appendingPathComponent("cats/a.png")
        try FileManager.default.removeItem(at: swapped)
        #expect(mkfifo(swapped.path, 0o644) == 0)
        let set = folder.loadSamples(format: InputFormat(width: 1, height: 1, color: .gray), threads: 2)
        #expect(set.files.map(\.lastPathComponent) == ["UPPER.PNG", "b.Png", "d1.png"])
        let failure = try #require(set.skipped.first { $0.path == swapped.path })
        #expect(failure.reason.contains("not a regular file (it is a FIFO"), "\(failure.reason)")
    }

    static let unusable: [(String, String)] = [("missing", "it does not exist"), ("file", "not a folder"), ("flat", "no class sub-folders")]

    @Test("an unusable root is an invalidFolder error", arguments: unusable)
    func invalidRoot(kind: String, words: String) throws {
        let base = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: base) }
        var root = base.appendingPathComponent("missing")
        if kind == "file" {
            root = base.appendingPathComponent("x.png")
            try Data([1]).write(to: root)
        } else if kind == "flat" {
            root = base
            try Data([1]).write(to: base.appendingPathComponent("a.png"))
        }
        let error = #expect(throws: ImagingError.self) { try ImageFolder(scanning: root) }
        guard case let .invalidFolder(path, reason)? = error else {
            Issue.record("expected invalidFolder, got \(String(describing: error))")
            return
        }
        #expect(path == root.path)
        #expect(reason.contains(words))
    }

    static let sizeCases: [(String, [(Int, Int, Int)], InputFormat)] = [
        ("28×28 grey keeps its size", [(28, 28, 1)], InputFormat(width: 28, height: 28, color: .gray)),
        ("256×256 RGB scales to 32×32 (a small folder)", [(256, 256, 3)], InputFormat(width: 32, height: 32, color: .rgb)),
        ("100×50 keeps aspect under 1024 pixels", [(100, 50, 1)], InputFormat(width: 45, height: 22, color: .gray)),
        ("the most common size wins", [(10, 10, 1), (20, 16, 2), (20, 16, 1)], InputFormat(width: 20, height: 16, color: .gray)),
        ("one colour image makes it rgb", [(8, 8, 1), (8, 8, 4)], InputFormat(width: 8, height: 8, color: .rgb)),
    ]

    @Test("suggestedInputFormat picks size and colour from the data", arguments: sizeCases)
    func suggestion(name: String, images: [(Int, Int, Int)], expected: InputFormat) throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let classFolder = root.appendingPathComponent("only")
        try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
        for (i, (w, h, c)) in images.enumerated() {
            try PNG.write(Image(width: w, height: h, channels: c, samples: [UInt16](repeating: 7, count: w * h * c)),
                          to: classFolder.appendingPathComponent("\(i).png"))
        }
        let format = try ImageFolder(scanning: root).suggestedInputFormat(background: .white, threads: 2)
        #expect(format == expected, "\(name)")
        #expect(format.width * format.height <= ImageFolder.smallFolderPixelBudget)
    }

    @Test("the pixel budget grows from 1,024 to 4,096 at 10,000 images",
          arguments: [(1, 1024), (9_999, 1024), (10_000, 4096), (60_000, 4096)])
    func pixelBudget(images: Int, budget: Int) {
        #expect(ImageFolder.pixelBudget(imageCount: images) == budget)
    }

    @Test("pngFiles walks folders recursively, sorted, without following loops")
    func pngFilesRecursive() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let files = try ImageFolder.pngFiles(at: root).map { String($0.path.dropFirst(root.path.count + 1)) }
        // cats/self.png is a symlink loop: listed, so that reading it reports why (issue 14).
        #expect(files == ["cats/UPPER.PNG", "cats/a.png", "cats/b.Png", "cats/self.png", "dogs/broken.png", "dogs/d1.png"])
        let single = root.appendingPathComponent("cats/a.png")
        #expect(try ImageFolder.pngFiles(at: single) == [single])
        #expect(throws: ImagingError.self) { try ImageFolder.pngFiles(at: root.appendingPathComponent("nope")) }
    }
}
