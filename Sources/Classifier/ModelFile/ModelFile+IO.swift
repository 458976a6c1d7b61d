import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and atomically writing model files with POSIX calls, so that every failure carries
/// the system's own reason (`strerror`) and the write is crash-safe (temp file, fsync, rename).
extension ModelFile {
    /// The system's description of `code`, e.g. "Permission denied".
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Reads a whole file; `name` names it in errors.
    /// - Throws: `invalidModelFile` when it is missing, a folder or unreadable.
    static func readBytes(of url: URL, name: String) throws(ClassifierError) -> [UInt8] {
        func invalid(_ reason: String) -> ClassifierError { .invalidModelFile(file: name, reason: reason) }
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            throw invalid(code == ENOENT ? "there is no such file" : "the file cannot be opened (\(systemReason(code)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw invalid("the file cannot be examined (\(systemReason(errno)))")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw invalid("it is a folder, not a model file")
        }
        // Refuse a corrupt or foreign file from its first 8 bytes, before reading all of it.
        let size = Int(status.st_size)
        if size >= 8 {
            var prefix = [UInt8](repeating: 0, count: 8)
            let count = prefix.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 8, 0) }
            if count == 8 {
                try ModelFile.checkHeaderLength(ModelFile.headerLength(prefix[...]), fileSize: size, file: name)
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw invalid("the file cannot be read (\(systemReason(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// Writes `bytes` to `url` atomically: a temporary file `.<name>.tmp-<pid>-<random>` in the
    /// same folder, `fsync`, then `rename` over `url` (and a best-effort `fsync` of the folder).
    /// On any failure the temporary file is removed and an existing file at `url` is untouched.
    /// `beforeRename` runs after the temporary file is complete; tests use it to inject a failure.
    /// - Throws: `ClassifierError.unwritableModelFile(file:reason:)`.
    static func writeAtomically(_ bytes: [UInt8], to url: URL,
                                beforeRename: () throws(ClassifierError) -> Void = {}) throws(ClassifierError) {
        let name = url.relativePath
        func unwritable(_ reason: String) -> ClassifierError { .unwritableModelFile(file: name, reason: reason) }
        let destination = url.path
        let folder = url.deletingLastPathComponent().path
        var random = SystemRandomNumberGenerator()
        let suffix = String(random.next() & 0xFFFF_FFFF, radix: 16)
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-" + suffix

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw unwritable(code == ENOENT
                ? "the folder '\(url.deletingLastPathComponent().relativePath)' does not exist"
                : "cannot create a file in '\(url.deletingLastPathComponent().relativePath)' (\(systemReason(code)))")
        }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(descriptor) }
            if !renamed { unlink(temporary) }
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw unwritable("writing failed (\(systemReason(errno)))")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            throw unwritable("flushing to disk failed (\(systemReason(errno)))")
        }
        closed = true
        guard close(descriptor) == 0 else {
            throw unwritable("closing the file failed (\(systemReason(errno)))")
        }
        try beforeRename()
        guard rename(temporary, destination) == 0 else {
            let code = errno
            throw unwritable(code == EISDIR || code == ENOTEMPTY || code == EEXIST
                ? "a folder of that name is in the way"
                : "replacing the file failed (\(systemReason(code)))")
        }
        renamed = true
        // Make the rename itself durable; failure here does not undo a complete, renamed file.
        let folderDescriptor = open(folder, O_RDONLY)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}
