import Classifier
import Foundation
import Imaging
import Testing

/// Issue 14, end to end on the built binary: closed and full streams, special files, unbounded
/// reads and misleading errors. Every case ends with one clear line and a non-zero exit (or works),
/// never by a signal other than SIGPIPE, and never replaces a file that was not the tool's.
@Suite struct HostileInputTests {
    // MARK: Output streams

    @Test(arguments: [HostileWorld.Stream.closed, .full])
    func aFailedWriteToStdoutIsOneLineAndExitOne(stream: HostileWorld.Stream) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, train) = try HostileWorld.trainedModel(in: tmp)
        for arguments in [["predict", "--model", model.path, train.appendingPathComponent("0").path],
                          ["inspect", "--model", model.path], ["evaluate", "--model", model.path, train.path]] {
            let result = try HostileWorld.run(arguments, in: tmp, stdout: stream)
            #expect(result.signal == nil, "\(arguments[0]) ended by signal \(result.signal ?? 0)")
            #expect(result.status == 1, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("standard output"), "\(arguments[0]): \(result.stderr)")
        }
    }

    @Test(arguments: [false, true])
    func aClosedPipeEndsQuietlyLikeHeadExpects(ignoreSIGPIPE: Bool) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, train) = try HostileWorld.trainedModel(in: tmp)
        let result = try HostileWorld.run(["predict", "--model", model.path, train.path], in: tmp,
                                          stdout: .brokenPipe, ignoreSIGPIPE: ignoreSIGPIPE)
        #expect(result.signal == nil || result.signal == SIGPIPE, "signal \(result.signal ?? 0): \(result.stderr.prefix(300))")
        #expect(result.signal == SIGPIPE || result.status == 141, "status \(String(describing: result.status))")
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr.prefix(300))")
    }

    @Test(arguments: [HostileWorld.Stream.closed, .full])
    func trainingSavesItsModelWhenStderrIsGone(stream: HostileWorld.Stream) throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let result = try HostileWorld.run(["train", train.path, "--epochs", "2", "--hidden", "8", "--model", "m.safetensors"],
                                          in: tmp, stderr: stream)
        #expect(result.signal == nil && result.status == 0, "status \(String(describing: result.status)), signal \(result.signal ?? 0)")
        #expect(result.stdout.contains("Saved the model (epoch ") && result.stdout.contains(") to m.safetensors."))
        _ = try ImageClassifier(contentsOf: tmp.appendingPathComponent("m.safetensors"))
    }

    // MARK: Special files as model and output paths

    @Test func aDeviceFIFOOrFolderIsNeverReplacedByAModelAndFailsBeforeTraining() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        var targets: [(URL, mode_t)] = []
        if let device = HostileWorld.nullDevice(at: tmp.appendingPathComponent("null")) { targets.append((device, S_IFCHR)) }
        let fifo = tmp.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        targets.append((fifo, S_IFIFO))
        let folder = tmp.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        targets.append((folder, S_IFDIR))
        for (target, type) in targets {
            let result = try HostileWorld.run(["train", train.path, "--epochs", "50", "--hidden", "8", "--model", target.path], in: tmp)
            #expect(result.status == 1 && result.signal == nil, "\(target.lastPathComponent): \(result.stderr)")
            #expect(!result.stderr.contains("epoch"), "refused before training: \(result.stderr)")
            #expect(result.stderr.contains(target.lastPathComponent), "\(result.stderr)")
            #expect(HostileWorld.fileType(target) == type, "\(target.lastPathComponent) was replaced")
        }
        let empty = try HostileWorld.run(["train", train.path, "--epochs", "50", "--model", ""], in: tmp)
        #expect(empty.status != 0 && !empty.stderr.contains("epoch"), "\(empty.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aModelPathThatIsASymlinkWritesItsTargetAndKeepsTheLink() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let train = try CommandRunner.copySampleData("digits/train", into: tmp)
        let models = tmp.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: models.appendingPathComponent("v1.safetensors"))
        let link = tmp.appendingPathComponent("current.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "models/v1.safetensors")
        let result = try HostileWorld.run(["train", train.path, "--epochs", "1", "--hidden", "8", "--model", link.path], in: tmp)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(HostileWorld.fileType(link) == S_IFLNK, "the link is kept")
        _ = try ImageClassifier(contentsOf: models.appendingPathComponent("v1.safetensors"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: models.path) == ["v1.safetensors"])
    }

    @Test func previewRefusesADeviceAndAFolderAsOutput() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let image = HardInputTests.fixtures.appendingPathComponent("grey16.png")
        var targets = [tmp]
        if let device = HostileWorld.nullDevice(at: tmp.appendingPathComponent("null")) { targets.append(device) }
        for target in targets {
            let type = HostileWorld.fileType(target)
            let result = try HostileWorld.run(["preview", image.path, "--output", target.path, "--size", "4x4"], in: tmp)
            #expect(result.status == 1 && result.signal == nil, "\(result.stderr)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(HostileWorld.fileType(target) == type)
        }
        // /dev/stdout on a pipe resolves to the kernel's "pipe:[…]": refused by name, not "cannot create".
        let piped = try HostileWorld.run(["preview", image.path, "--output", "/dev/stdout", "--size", "4x4"], in: tmp, stdout: .brokenPipe)
        #expect(piped.status == 1 && piped.stderr.contains("pipe or socket"), "\(piped.stderr)")
    }

    // MARK: Folders that cannot be read

    @Test func predictNamesAnUnreadableSubFolderInOneLineAndPredictsTheRest() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, train) = try HostileWorld.trainedModel(in: tmp)
        let photos = tmp.appendingPathComponent("photos")
        let readable = photos.appendingPathComponent("readable"), locked = photos.appendingPathComponent("locked")
        for folder in [readable, locked] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let threes = train.appendingPathComponent("3")
        let names = try FileManager.default.contentsOfDirectory(atPath: threes.path).sorted().prefix(3)
        for (name, folder) in zip(names, [photos, readable, locked]) {
            try FileManager.default.copyItem(at: threes.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        // Everything readable by others (the child runs as nobody), except the locked folder, by anyone.
        for path in [tmp.path] + (FileManager.default.subpaths(atPath: tmp.path) ?? []).map({ tmp.path + "/" + $0 }) {
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFLNK else { continue }
            chmod(path, status.st_mode & S_IFMT == S_IFDIR ? 0o755 : 0o644)
        }
        #expect(chmod(locked.path, 0) == 0)
        defer { chmod(locked.path, 0o755) }
        let result = try HostileWorld.run(["predict", "--json", "--model", model.path, photos.path], in: tmp, timeout: 60, asNobody: true)
        #expect(result.status == 1 && result.signal == nil && !result.timedOut, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("photos/locked") == true, "\(result.stderr)")
        #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 2, "the two readable images are predicted: \(result.stdout)")
    }

    // MARK: Unbounded reads

    @Test func zeroDevicesAndFIFOsAreRefusedAtOnce() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, _) = try HostileWorld.trainedModel(in: tmp)
        let fifo = tmp.appendingPathComponent("x.png")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let cases = [["preview", "/dev/zero", "--output", tmp.appendingPathComponent("o.png").path, "--size", "4x4"],
                     ["inspect", "--model", "/dev/zero"], ["inspect", "--model", fifo.path],
                     ["predict", "--model", model.path, fifo.path], ["predict", "--model", fifo.path, fifo.path]]
        for arguments in cases {
            let result = try HostileWorld.run(arguments, in: tmp, timeout: 20)
            #expect(!result.timedOut && result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("not a regular file"), "\(arguments): \(result.stderr)")
            #expect(result.peakBytes < 200 << 20, "\(arguments): \(result.peakBytes >> 20) MiB")
        }
    }

    @Test func aHugeSparseModelFileIsRefusedFromItsHeader() throws {
        let tmp = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (model, _) = try HostileWorld.trainedModel(in: tmp)
        var bytes = try [UInt8](Data(contentsOf: model))
        for size in [3 << 30, 50 << 30] {
            let sparse = tmp.appendingPathComponent("sparse-\(size >> 30).safetensors")
            // A valid model followed by gigabytes of holes, and a header of zeros before a hole.
            for prefix in [bytes, [UInt8](repeating: 0, count: 8)] {
                try Data(prefix).write(to: sparse)
                #expect(truncate(sparse.path, off_t(size)) == 0)
                let result = try HostileWorld.run(["inspect", "--model", sparse.path], in: tmp, timeout: 20)
                #expect(result.status == 1 && result.signal == nil, "\(result.stderr)")
                #expect(result.seconds < 5 && result.peakBytes < 200 << 20, "\(result.seconds) s, \(result.peakBytes >> 20) MiB")
            }
        }
        bytes.removeAll()
    }
}
