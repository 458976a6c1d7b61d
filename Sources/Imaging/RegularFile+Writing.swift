import Platform

/// The one way this package writes a file (models, previews): atomically, and only over a regular
/// file or nothing. A symlink is followed to its target, which is replaced and the link kept; a
/// device (`/dev/null`), FIFO, socket or folder is refused, never swapped for a regular file.
extension RegularFile {
    /// The file a write to `path` replaces: `path` itself, or the final target of a symlink chain.
    /// Checks what can be checked before any work: the path is not empty, not a folder or special
    /// file, and its folder exists and is writable.
    /// - Throws: `Failure` naming what is in the way.
    public static func writableDestination(for path: String) throws(Failure) -> String {
        guard !path.isEmpty else { throw Failure("the path is empty; please name a file") }
        var destination = path
        for _ in 0..<40 {
            var status = stat()
            if lstat(destination, &status) != 0 {
                let code = errno
                guard code == ENOENT else { throw Failure(systemReason(code), code: code) }
                return try checkedFolder(of: destination)
            }
            let type = status.st_mode & S_IFMT
            switch type {
            case S_IFREG: return try checkedFolder(of: destination)
            case S_IFLNK:
                var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlink(destination, &target, target.count - 1)
                guard count >= 0 else { throw Failure(systemReason(errno), code: errno) }
                let text = String(decoding: target[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                // /dev/stdout → /proc/self/fd/1 → "pipe:[1234]": the kernel's name for a pipe or socket.
                if ["pipe:[", "socket:[", "anon_inode:"].contains(where: text.hasPrefix) {
                    throw Failure("it is a pipe or socket, not a regular file; please name a regular file")
                }
                destination = text.hasPrefix("/") ? text : folder(of: destination) + "/" + text
            case S_IFDIR: throw Failure("it is a folder; please name a file inside it")
            default: throw Failure("it is \(describe(type)), not a regular file; please name a regular file")
            }
        }
        throw Failure("it is a symbolic link loop")
    }

    /// Writes `bytes` to `path` atomically: removes stale temporary files of this naming whose
    /// process is gone, writes `.<name>.tmp-<pid>-<random>` beside the destination, `fsync`s,
    /// runs `beforeRename` (tests inject failures there), renames over the destination and
    /// `fsync`s the folder. On failure the temporary file is removed and the destination untouched.
    /// - Throws: `Failure`, or what `beforeRename` throws.
    public static func writeAtomically<E: Error>(_ bytes: [UInt8], to path: String,
                                                 beforeRename: () throws(E) -> Void = {}) throws(WriteError<E>) {
        let destination: String
        do { destination = try writableDestination(for: path) } catch { throw .file(error) }
        let folder = folder(of: destination), name = String(destination.split(separator: "/").last ?? "")
        removeStaleTemporaries(in: folder, of: name)
        var random = SystemRandomNumberGenerator()
        let temporary = folder + "/." + name + ".tmp-\(getpid())-" + String(random.next() & 0xFFFF_FFFF, radix: 16)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .file(Failure("cannot create a file in '\(folder)' (\(systemReason(errno)))", code: errno))
        }
        var closed = false, renamed = false
        defer {
            if !closed { close(descriptor) }
            if !renamed { unlink(temporary) }
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .file(Failure("writing failed (\(systemReason(errno)))", code: errno))
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw .file(Failure("flushing to disk failed (\(systemReason(errno)))", code: errno)) }
        closed = true
        guard close(descriptor) == 0 else { throw .file(Failure("closing the file failed (\(systemReason(errno)))", code: errno)) }
        do { try beforeRename() } catch { throw .other(error) }
        guard rename(temporary, destination) == 0 else {
            let code = errno
            throw .file(Failure(code == EISDIR || code == ENOTEMPTY || code == EEXIST
                ? "a folder of that name is in the way" : "replacing the file failed (\(systemReason(code)))", code: code))
        }
        renamed = true
        let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// A failure of `writeAtomically`: the file's, or the one `beforeRename` threw.
    public enum WriteError<E: Error>: Error {
        case file(Failure)
        case other(E)
    }

    /// Removes `.<name>.tmp-<pid>-<hex>` files in `folder` whose process no longer exists: what a
    /// run killed during its write (SIGKILL, a second Ctrl-C) left behind.
    static func removeStaleTemporaries(in folder: String, of name: String) {
        let prefix = "." + name + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in names where entry.hasPrefix(prefix) {
            let parts = entry.dropFirst(prefix.count).split(separator: "-")
            guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1], radix: 16) != nil else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + entry) }
        }
    }

    /// The folder part of `path` ("." when there is none).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Returns `destination` when its folder exists and can be written.
    private static func checkedFolder(of destination: String) throws(Failure) -> String {
        let folder = folder(of: destination)
        var status = stat()
        guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw Failure("the folder '\(folder)' does not exist; please create it or choose another path", code: ENOENT)
        }
        guard access(folder, W_OK) == 0 else {
            throw Failure("the folder '\(folder)' is not writable (\(String(cString: strerror(errno)))); please choose another path", code: errno)
        }
        return destination
    }
}
