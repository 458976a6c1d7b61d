import Platform

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
        let rootPath = root.relativePath  // paths are reported as the user wrote them
        switch FileKind.of(rootPath) {
        case .directory: break
        case .missing: throw .invalidFolder(path: rootPath, reason: "it does not exist")
        case let .unreadable(reason): throw .invalidFolder(path: rootPath, reason: reason)
        default: throw .invalidFolder(path: rootPath, reason: "it is not a folder; expected one sub-folder of PNG images per class")
        }
        var undecodable: [String] = []
        let names = try ImageFolder.listing(root, undecodable: &undecodable)
        var classes: [String] = []
        var skipped = undecodable.map { Skipped(path: rootPath + "/" + $0, reason: ImageFolder.undecodableReason) }
        for name in names {
            let path = rootPath.hasSuffix("/") ? rootPath + name : rootPath + "/" + name
            switch FileKind.of(path) {
            case .directory: classes.append(name)
            case .brokenSymlink: skipped.append(Skipped(path: path, reason: "broken symbolic link (not a class folder)"))
            case .symlinkLoop: skipped.append(Skipped(path: path, reason: "symbolic link loop (not a class folder)"))
            case let .unreadable(reason): skipped.append(Skipped(path: path, reason: "unreadable: \(reason)"))
            default: continue
            }
        }
        guard !classes.isEmpty else {
            throw .invalidFolder(path: rootPath, reason: "it has no class sub-folders;"
                + " put each class's PNG images in a sub-folder named after the class")
        }
        // Swift compares strings by canonical equivalence: "é" precomposed and "e" + U+0301 are one
        // name, and must not become two classes that print alike.
        var seen: [String: String] = [:]
        for name in classes {
            if let other = seen[name] {
                throw .invalidFolder(path: rootPath, reason: "the class folders '\(other)' and '\(name)' have the same name in"
                    + " different Unicode forms (\(other.unicodeScalars.count) and \(name.unicodeScalars.count) code points); please rename one")
            }
            seen[name] = name
        }
        var entries: [Entry] = []
        for (classIndex, name) in classes.enumerated() {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            let files: [String]
            var undecodable: [String] = []
            do { files = try ImageFolder.listing(folder, undecodable: &undecodable) } catch {
                skipped.append(Skipped(path: folder.relativePath, reason: "unreadable class folder: \(error.reasonText)"))
                continue
            }
            var found = 0
            let folderPath = folder.relativePath
            for name in undecodable { skipped.append(Skipped(path: folderPath + "/" + name, reason: ImageFolder.undecodableReason)) }
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
            if found == 0 { skipped.append(Skipped(path: folder.relativePath, reason: "empty class folder: no PNG images")) }
        }
        self.classes = classes
        self.entries = entries
        self.skipped = skipped
    }

    /// Why a name that is not valid UTF-8 is left out.
    static let undecodableReason = "its name is not valid UTF-8 text (shown with \u{FFFD} for the bad bytes); please rename it"

    /// True for names ending in `.png` in any letter case.
    static func hasPNGExtension(_ name: String) -> Bool {
        name.count > 4 && name.suffix(4).lowercased() == ".png"
    }

    /// The visible names in a folder (not starting with "."), sorted by Unicode scalar order; names
    /// that are not valid UTF-8 (which no class or file name can print as) go to `undecodable`,
    /// shown with U+FFFD for the bad bytes, so callers report them instead of dropping them.
    static func listing(_ folder: URL, undecodable: inout [String]) throws(ImagingError) -> [String] {
        guard let directory = opendir(folder.path) else {
            throw .unreadable(file: folder.relativePath, reason: RegularFile.systemReason(errno))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes.isEmpty || bytes[0] == UInt8(ascii: ".") { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                undecodable.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        return names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}

extension ImagingError {
    /// The reason clause of the error, without the file name.
    var reasonText: String {
        switch self {
        case let .notPNG(_, reason), let .invalidPNG(_, reason), let .unreadable(_, reason),
             let .unwritable(_, reason), let .invalidFolder(_, reason):
            return reason
        case .truncatedPNG:
            return PNG.truncationReason
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
        return .unreadable(RegularFile.systemReason(code))
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
