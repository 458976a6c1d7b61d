import Platform

/// The one way this package reads a file: `open` (non-blocking, so a FIFO cannot hang it), `fstat`
/// (regular files only: no devices such as `/dev/zero`, no FIFOs or sockets), then `pread` of at
/// most a size the caller knows to be plausible. PNG images and model files both come through here.
///
/// The file stays open while the value lives, so what is read is what was checked, even if the
/// path is swapped for a FIFO between a folder scan and the read.
public final class RegularFile {
    /// The path as the caller gave it (quoted in errors).
    public let path: String
    /// The size `fstat` reported when the file was opened.
    public let size: Int
    private let descriptor: Int32

    /// Why a file could not be opened, read or written, in words that fit after "Could not read 'x': ".
    public struct Failure: Error, Sendable, Equatable {
        public var reason: String
        /// The `errno`, or 0 when the failure is not the system's (a device, too large).
        public var code: Int32
        /// True when the path is a folder (callers name what they expected instead).
        public var isFolder: Bool
        public init(_ reason: String, code: Int32 = 0, isFolder: Bool = false) {
            self.reason = reason
            self.code = code
            self.isFolder = isFolder
        }
    }

    /// Opens `path` for reading if it is a regular file.
    /// - Throws: `Failure` saying it is missing, a folder, a device, FIFO or socket, or unreadable.
    public init(opening path: String) throws(Failure) {
        guard !path.isEmpty else { throw Failure("the path is empty") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        var status = stat()
        if descriptor < 0 {
            let code = errno
            // A socket cannot be opened at all (ENXIO, "no such device or address"): say what it is instead.
            if code == ENXIO, stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
                throw Failure("it is not a regular file (it is \(RegularFile.describe(status.st_mode & S_IFMT)))")
            }
            throw Failure(RegularFile.systemReason(code), code: code)
        }
        if fstat(descriptor, &status) != 0 {
            let code = errno
            close(descriptor)
            throw Failure(RegularFile.systemReason(code), code: code)
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(descriptor)
            if type == S_IFDIR { throw Failure("it is a folder, not a file", isFolder: true) }
            throw Failure("it is not a regular file (it is \(RegularFile.describe(type)))")
        }
        // Regular files never block; clear the flag so reads behave normally.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes from `offset` (fewer only at the end of the file).
    /// - Throws: `Failure` with the system's reason.
    public func read(count: Int, at offset: Int) throws(Failure) -> [UInt8] {
        let count = max(0, count)
        var failure: Failure?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Failure) { initialized = try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset) } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Fills `buffer` from `offset` and returns how many bytes were read (fewer only at the end of
    /// the file): reading straight into their destination spares large files a copy.
    /// - Throws: `Failure` with the system's reason.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(Failure) -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure(RegularFile.systemReason(errno), code: errno)
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    /// The whole file, refused unread when it is larger than `limit` bytes.
    /// - Throws: `Failure` when it is over the limit or cannot be read.
    public func readAll(limit: Int) throws(Failure) -> [UInt8] {
        guard size <= limit else {
            throw Failure("it is \(size) bytes, over the \(RegularFile.describeBytes(limit)) limit for this kind of file")
        }
        return try read(count: size, at: 0)
    }

    /// `RegularFile(opening:).readAll(limit:)` in one call.
    public static func read(path: String, limit: Int) throws(Failure) -> [UInt8] {
        try RegularFile(opening: path).readAll(limit: limit)
    }

    /// The C library's wording for `code` ("no such file or directory"), lower-cased for use mid-sentence.
    public static func systemReason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        let message = String(cString: text)
        return message.prefix(1).lowercased() + message.dropFirst()
    }

    /// `1.5 GB`, `100 MB`, `512 bytes`.
    static func describeBytes(_ count: Int) -> String {
        if count >= 1 << 30 { return String(cFormat: "%.1f GiB", Double(count) / Double(1 << 30)) }
        if count >= 1 << 20 { return "\(count >> 20) MiB" }
        return "\(count) bytes"
    }

    /// "a character device", "a FIFO", … for `st_mode & S_IFMT`.
    static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }
}
