import Foundation
import Parallel

extension ImageFolder {
    /// The largest input the suggested format allows: 4,096 pixels (DESIGN §3).
    public static let suggestedPixelBudget = 4096

    /// Reads every entry's header in parallel; picks the input format DESIGN §3 describes:
    /// the most common size (ties go to the size met first in entry order), scaled down keeping
    /// aspect ratio until ≤ 4,096 pixels (`s = √(4096 / (w·h))`, sides `⌊w·s⌋ × ⌊h·s⌋`, at least 1);
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
                                                         budget: ImageFolder.suggestedPixelBudget)
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
                Parallel.forEach(n, threads: threads) { i in
                    let row = UnsafeMutableBufferPointer(rebasing: matrix[(i * width)..<((i + 1) * width)])
                    do throws(ImagingError) {
                        let image = try PNG.decode(contentsOf: entries[i].url)
                        format.preprocess(image, into: row)
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
                skipped.append(Skipped(path: entries[i].url.path, reason: reason))
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
    /// `classify predict folder/`.
    /// - Throws: `.invalidFolder` when `url` does not exist or cannot be listed.
    public static func pngFiles(at url: URL) throws(ImagingError) -> [URL] {
        switch FileKind.of(url.path) {
        case .file: return [url]
        case .directory: break
        case .missing: throw .invalidFolder(path: url.path, reason: "it does not exist")
        case .symlinkLoop: throw .invalidFolder(path: url.path, reason: "it is a symbolic link loop")
        case .brokenSymlink: throw .invalidFolder(path: url.path, reason: "it is a broken symbolic link")
        case let .unreadable(reason): throw .invalidFolder(path: url.path, reason: reason)
        case .other: throw .invalidFolder(path: url.path, reason: "it is neither a file nor a folder")
        }
        var visited: Set<FileIdentity> = []
        var found: [URL] = []
        func walk(_ folder: URL) throws(ImagingError) {
            guard let identity = FileKind.identity(folder.path), visited.insert(identity).inserted else { return }
            let names: [String]
            do { names = try listing(folder) } catch {
                throw .invalidFolder(path: folder.path, reason: error.reasonText)
            }
            let folderPath = folder.path
            for name in names {
                let path = folderPath.hasSuffix("/") ? folderPath + name : folderPath + "/" + name
                switch FileKind.of(path) {
                case .file where hasPNGExtension(name): found.append(folder.appendingPathComponent(name, isDirectory: false))
                case .directory: try walk(folder.appendingPathComponent(name, isDirectory: true))
                default: continue
                }
            }
        }
        try walk(url)
        return found
    }
}

/// A width × height pair used as a dictionary key.
private struct SizeKey: Hashable {
    var width: Int
    var height: Int
}
