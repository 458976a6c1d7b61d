import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder-per-class layout (DESIGN §3): `root/<class>/<image>.png`.
///
/// - Classes are the sorted names of the immediate sub-folders of `root` (names starting with `.`
///   are ignored; a symlink to a folder counts as a folder).
/// - Class folders are read **flat**: only the files directly inside are images; a folder inside a
///   class folder is reported in `skipped` and not entered, so no symlink can cause a loop.
/// - Images are files with a case-insensitive `.png` extension. Names starting with `.`
///   (`.DS_Store`, AppleDouble `._x.png`) are ignored silently; other files, broken or looping
///   symlinks and unreadable entries are reported in `skipped` with the reason.
public struct ImageFolder: Sendable {
    /// One image: its file and the index of its class in `classes`.
    public struct Entry: Sendable, Equatable {
        public var url: URL
        public var classIndex: Int
        public init(url: URL, classIndex: Int) {
            self.url = url
            self.classIndex = classIndex
        }
    }

    /// A file or folder left out, with the reason in plain words.
    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var reason: String
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// The folder that was scanned.
    public let root: URL
    /// Sorted names of the immediate sub-folders (not starting with ".").
    public let classes: [String]
    /// Sorted by class, then by file name.
    public let entries: [Entry]
    /// Non-PNG files, unreadable entries, symlink loops, sub-folders of class folders, empty class folders.
    public let skipped: [Skipped]

    /// Scans `root` for class folders and their PNG files (headers are not read).
    /// - Throws: `.invalidFolder` when `root` is missing, not a folder, or has no class sub-folders.
    public init(scanning root: URL) throws(ImagingError) {
        self.root = root
        let rootPath = root.path
        switch FileKind.of(rootPath) {
        case .directory: break
        case .missing: throw .invalidFolder(path: rootPath, reason: "it does not exist")
        case let .unreadable(reason): throw .invalidFolder(path: rootPath, reason: reason)
        default: throw .invalidFolder(path: rootPath, reason: "it is not a folder; expected one sub-folder of PNG images per class")
        }
        let names = try ImageFolder.listing(root)
        let classes = names.filter { FileKind.of(root.appendingPathComponent($0).path) == .directory }
        guard !classes.isEmpty else {
            throw .invalidFolder(path: rootPath, reason: "it has no class sub-folders; put each class's PNG "
                + "images in a sub-folder named after the class")
        }
        var entries: [Entry] = []
        var skipped: [Skipped] = []
        for (classIndex, name) in classes.enumerated() {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            let files: [String]
            do { files = try ImageFolder.listing(folder) } catch {
                skipped.append(Skipped(path: folder.path, reason: "unreadable class folder: \(error.reasonText)"))
                continue
            }
            var found = 0
            let folderPath = folder.path
            for file in files {
                // Work on the path string and build a URL only for images, with the directory
                // hint given: `appendingPathComponent(_:)` without it stats the file again.
                let path = folderPath.hasSuffix("/") ? folderPath + file : folderPath + "/" + file
                switch FileKind.of(path) {
                case .file:
                    if ImageFolder.hasPNGExtension(file) {
                        entries.append(Entry(url: folder.appendingPathComponent(file, isDirectory: false), classIndex: classIndex))
                        found += 1
                    } else {
                        skipped.append(Skipped(path: path, reason: "not a PNG file (only .png files are read)"))
                    }
                case .directory:
                    skipped.append(Skipped(path: path, reason: "a folder inside a class folder (class folders are read flat, not recursively)"))
                case .symlinkLoop:
                    skipped.append(Skipped(path: path, reason: "symbolic link loop"))
                case .brokenSymlink:
                    skipped.append(Skipped(path: path, reason: "broken symbolic link"))
                case let .unreadable(reason):
                    skipped.append(Skipped(path: path, reason: "unreadable: \(reason)"))
                case .missing, .other:
                    skipped.append(Skipped(path: path, reason: "not a regular file"))
                }
            }
            if found == 0 { skipped.append(Skipped(path: folder.path, reason: "empty class folder: no PNG images")) }
        }
        self.classes = classes
        self.entries = entries
        self.skipped = skipped
    }

    /// True for names ending in `.png` in any letter case.
    static func hasPNGExtension(_ name: String) -> Bool {
        name.count > 4 && name.suffix(4).lowercased() == ".png"
    }

    /// The visible names in a folder (not starting with "."), sorted by Unicode scalar order.
    static func listing(_ folder: URL) throws(ImagingError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { !$0.hasPrefix(".") }
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        } catch {
            throw .unreadable(file: folder.path, reason: (error as NSError).localizedDescription)
        }
    }
}

extension ImagingError {
    /// The reason clause of the error, without the file name.
    var reasonText: String {
        switch self {
        case let .notPNG(_, reason), let .invalidPNG(_, reason), let .unreadable(_, reason),
             let .unwritable(_, reason), let .invalidFolder(_, reason):
            return reason
        case let .tooLarge(_, width, height, limit):
            return "image is \(width)×\(height), over the \(limit)-pixel limit"
        }
    }
}

/// What a path is, following symlinks, with loops and dangling links told apart.
enum FileKind: Equatable {
    case file, directory, missing, symlinkLoop, brokenSymlink, other
    case unreadable(String)

    static func of(_ path: String) -> FileKind {
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: return .file
            case S_IFDIR: return .directory
            default: return .other
            }
        }
        let code = errno
        if code == ELOOP { return .symlinkLoop }
        if code == ENOENT {
            var link = stat()
            return lstat(path, &link) == 0 ? .brokenSymlink : .missing
        }
        return .unreadable(FileBytes.systemReason(code))
    }

    /// `(device, inode)` of the path after following symlinks: the identity used to avoid loops.
    static func identity(_ path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }
}

/// A file's identity on disk, independent of the path (and symlinks) used to reach it.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}
