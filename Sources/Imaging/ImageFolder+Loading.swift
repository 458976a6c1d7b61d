import Platform
import Parallel

extension ImageFolder {
    /// The largest input the suggested format allows: 4,096 pixels (DESIGN §3), for folders of
    /// at least `smallFolderImageCount` images.
    public static let suggestedPixelBudget = 4096
    /// The largest suggested input for a folder of fewer than `smallFolderImageCount` images:
    /// 1,024 pixels (32×32). A few hundred photos at 64×64 RGB (12,288 inputs) let the network
    /// memorise them; at 32×32 the accuracy suite (`Benchmarks/accuracy.py`) gains on the photo
    /// sets and trains about four times faster.
    public static let smallFolderPixelBudget = 1024
    /// Below this many images the suggested input uses `smallFolderPixelBudget`.
    public static let smallFolderImageCount = 10_000

    /// The pixel budget of the suggested input for a folder of `count` images.
    public static func pixelBudget(imageCount count: Int) -> Int {
        count < smallFolderImageCount ? smallFolderPixelBudget : suggestedPixelBudget
    }

    /// Reads every entry's header in parallel; picks the input format DESIGN §3 describes:
    /// the most common size (ties go to the size met first in entry order), scaled down keeping
    /// aspect ratio until ≤ `pixelBudget(imageCount:)` pixels: 1,024 below 10,000 images, else 4,096
    /// (`s = √(budget / (w·h))`, sides `⌊w·s⌋ × ⌊h·s⌋`, at least 1);
    /// gray if every image is grey (channels ≤ 2 after expansion), else rgb.
    /// Unreadable headers are ignored here (`loadSamples` reports them). With no readable image at
    /// all it returns 28×28 gray.
    public func suggestedInputFormat(background: BackgroundColor, threads: Int) -> InputFormat {
        let headers = Parallel.map(entries.count, threads: threads) { i in try? PNG.header(contentsOf: entries[i].url) }
        var counts: [SizeKey: (count: Int, firstIndex: Int)] = [:]
        var allGray = true
        for (index, header) in headers.enumerated() {
            guard let header else { continue }
            let key = SizeKey(width: header.width, height: header.height)
            counts[key, default: (0, index)].count += 1
            if header.channels > 2 { allGray = false }
        }
        guard let best = counts.max(by: { a, b in
            a.value.count != b.value.count ? a.value.count < b.value.count : a.value.firstIndex > b.value.firstIndex
        }) else {
            return InputFormat(width: 28, height: 28, color: .gray, background: background)
        }
        let (width, height) = ImageFolder.scaledToBudget(width: best.key.width, height: best.key.height,
                                                         budget: ImageFolder.pixelBudget(imageCount: entries.count))
        return InputFormat(width: width, height: height, color: allGray ? .gray : .rgb, background: background)
    }

    /// `w × h` scaled by `s = √(budget / (w·h))` when over `budget`, flooring each side (at least 1).
    static func scaledToBudget(width: Int, height: Int, budget: Int) -> (width: Int, height: Int) {
        guard width * height > budget else { return (width, height) }
        let s = (Double(budget) / Double(width * height)).squareRoot()
        var w = max(1, Int((Double(width) * s).rounded(.down)))
        var h = max(1, Int((Double(height) * s).rounded(.down)))
        while w * h > budget { if w >= h { w -= 1 } else { h -= 1 } }
        return (w, h)
    }

    /// Decodes and preprocesses every entry in parallel (`threads` workers), writing each straight
    /// into its row of one `UInt8` matrix; rows keep entry order, so the result is deterministic.
    /// Undecodable files go to `skipped` (with the `ImagingError` description as reason) and are left out.
    ///
    /// Shapes: `inputs` is `count × format.inputCount`.
    public func loadSamples(format: InputFormat, threads: Int) -> ImageFolder.Decoded {
        let n = entries.count, width = format.inputCount
        var inputs = [UInt8](repeating: 0, count: n * width)
        var failures = [String?](repeating: nil, count: n)
        inputs.withUnsafeMutableBufferPointer { matrix in
            failures.withUnsafeMutableBufferPointer { failed in
                // Each index writes only its own row and its own failure slot (Parallel's contract).
                let budget = MemoryBudget()  // workers take turns at images that cannot stream
                Parallel.forEach(n, threads: threads) { i in
                    let row = UnsafeMutableBufferPointer(rebasing: matrix[(i * width)..<((i + 1) * width)])
                    do throws(ImagingError) {
                        try format.preprocess(contentsOf: entries[i].url, into: row, budget: budget)
                    } catch {
                        failed[i] = error.description
                    }
                }
            }
        }
        var labels: [Int] = [], files: [URL] = [], skipped = self.skipped
        labels.reserveCapacity(n)
        files.reserveCapacity(n)
        var kept = 0
        for i in 0..<n {
            if let reason = failures[i] {
                skipped.append(Skipped(path: entries[i].url.relativePath, reason: reason))
                continue
            }
            if kept != i {  // close the gap left by failed rows, in place
                for j in 0..<width { inputs[kept * width + j] = inputs[i * width + j] }
            }
            labels.append(entries[i].classIndex)
            files.append(entries[i].url)
            kept += 1
        }
        inputs.removeLast((n - kept) * width)
        return ImageFolder.Decoded(inputs: inputs, labels: labels, files: files, skipped: skipped, inputCount: width)
    }

    /// All PNG files under `url` (a file is returned as is), recursively, sorted, hidden names
    /// skipped, symlink loops avoided (each folder is entered once, by device and inode) — for
    /// `classify predict folder/`. Entries named `.png` that are not regular files (FIFOs, sockets,
    /// dangling links) are returned too, so that reading them reports why; a sub-folder that cannot
    /// be listed goes to `skipped` and the walk goes on.
    /// - Throws: `.unreadable` when `url` does not exist, `.invalidFolder` when it cannot be listed.
    public static func pngFiles(at url: URL, skipped: inout [Skipped]) throws(ImagingError) -> [URL] {
        let given = url.relativePath
        switch FileKind.of(url.path) {
        case .file: return [url]
        case .directory: break
        case .missing: throw .unreadable(file: given, reason: "there is no such file or folder")
        case .symlinkLoop: throw .invalidFolder(path: given, reason: "it is a symbolic link loop")
        case .brokenSymlink: throw .unreadable(file: given, reason: "it is a broken symbolic link")
        case let .unreadable(reason): throw .unreadable(file: given, reason: reason)
        case .other: return [url]  // a FIFO or device: reading it says what it is
        }
        var visited: Set<FileIdentity> = []
        var found: [URL] = []
        func walk(_ folder: URL) {
            guard let identity = FileKind.identity(folder.path), visited.insert(identity).inserted else { return }
            let names: [String]
            var undecodable: [String] = []
            do { names = try listing(folder, undecodable: &undecodable) } catch {
                skipped.append(Skipped(path: folder.relativePath, reason: "unreadable folder: \(error.reasonText)"))
                return
            }
            for name in undecodable {
                skipped.append(Skipped(path: folder.relativePath + "/" + name, reason: undecodableReason))
            }
            let folderPath = folder.path
            for name in names {
                let path = folderPath.hasSuffix("/") ? folderPath + name : folderPath + "/" + name
                switch FileKind.of(path) {
                case .directory: walk(folder.appendingPathComponent(name, isDirectory: true))
                case _ where hasPNGExtension(name): found.append(folder.appendingPathComponent(name, isDirectory: false))
                default: continue
                }
            }
        }
        walk(url)
        return found
    }

    /// `pngFiles(at:skipped:)` for callers that do not report skipped folders.
    public static func pngFiles(at url: URL) throws(ImagingError) -> [URL] {
        var skipped: [Skipped] = []
        return try pngFiles(at: url, skipped: &skipped)
    }
}

/// A width × height pair used as a dictionary key.
private struct SizeKey: Hashable {
    var width: Int
    var height: Int
}
