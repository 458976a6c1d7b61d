import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file and prefix reads with one `open`, one `fstat` and as few `read` calls as the kernel
/// allows: no `Data` bridging and no intermediate copies (the decode loop reads thousands of files).
enum FileBytes {
    /// Reads at most `limit` bytes from the start of the file at `url` (the whole file by default).
    /// - Throws: `ImagingError.unreadable` naming the file and the system's reason.
    static func read(_ url: URL, limit: Int = Int.max) throws(ImagingError) -> [UInt8] {
        try read(path: url.path, limit: limit)
    }

    /// `read(_:limit:)` for a path already converted from its URL (`URL.path` parses the URL
    /// each time: ~10 % of loading a folder of 28×28 PNGs when done twice per file).
    static func read(path: String, limit: Int = Int.max) throws(ImagingError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw .unreadable(file: path, reason: systemReason(errno)) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw .unreadable(file: path, reason: systemReason(errno)) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(file: path, reason: "it is a folder, not a file") }
        let expected = min(Int(status.st_size), limit)
        var failure: Int32 = 0
        // Regular files: size known, one read fills the array. Pipes and the like report 0 and are
        // read in growing steps below.
        var bytes = [UInt8](unsafeUninitializedCapacity: max(expected, 1)) { buffer, initialized in
            var filled = 0
            while filled < expected {
                let got = systemRead(descriptor, buffer.baseAddress! + filled, expected - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                filled += got
            }
            initialized = filled
        }
        if failure != 0 { throw .unreadable(file: path, reason: systemReason(failure)) }
        if expected == 0, limit > 0 {
            // Size 0 from fstat: an empty file or a special file (pipe, /proc); drain whatever is there.
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count < limit {
                let got = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress!, min($0.count, limit - bytes.count)) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw .unreadable(file: path, reason: systemReason(errno))
                }
                if got == 0 { break }
                bytes.append(contentsOf: chunk[0..<got])
            }
        }
        return bytes
    }

    /// The C library's wording for `code` ("No such file or directory"), lower-cased for use mid-sentence.
    static func systemReason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        let message = String(cString: text)
        return message.prefix(1).lowercased() + message.dropFirst()
    }
}

/// `read(2)` under a name that does not collide with Swift methods called `read`.
@inline(__always)
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
