/// Says what a file that is not a PNG looks like, from its first bytes, so the user learns
/// "it starts like a JPEG" rather than "bad signature".
///
/// Reference: the magic numbers of common formats (JPEG `FF D8 FF`, GIF `GIF8`, BMP `BM`,
/// WebP `RIFF….WEBP`, TIFF `II*\0`/`MM\0*`, PDF `%PDF`, ZIP `PK\3\4`); the PNG signature is
/// `89 50 4E 47 0D 0A 1A 0A` (PNG spec §5.2).
enum Signature {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A short clause for `ImagingError.notPNG`'s reason.
    static func describe(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        if count == 0 { return "the file is empty" }
        func starts(with magic: [UInt8], at offset: Int = 0) -> Bool {
            guard count >= offset + magic.count else { return false }
            for (i, byte) in magic.enumerated() where bytes[offset + i] != byte { return false }
            return true
        }
        if count < 8, Array(bytes).elementsEqual(png.prefix(count)) {
            return "it is only \(count) byte\(count == 1 ? "" : "s") long, too short for a PNG signature"
        }
        if starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return "its PNG signature is damaged (was it transferred as text, changing line endings?)"
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return "it starts like a JPEG" }
        if starts(with: Array("GIF8".utf8)) { return "it starts like a GIF" }
        if starts(with: Array("RIFF".utf8)), starts(with: Array("WEBP".utf8), at: 8) { return "it starts like a WebP image" }
        if starts(with: Array("BM".utf8)) { return "it starts like a BMP image" }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "it starts like a TIFF image" }
        if starts(with: Array("%PDF".utf8)) { return "it starts like a PDF document" }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "it starts like a ZIP archive" }
        if starts(with: [0x1F, 0x8B]) { return "it starts like a gzip archive" }
        if starts(with: Array("<svg".utf8)) || starts(with: Array("<?xml".utf8)) { return "it is an XML or SVG text file" }
        if looksLikeText(bytes) { return "it is a text file" }
        return "it does not start with the PNG signature"
    }

    /// True when the first 512 bytes are printable ASCII, whitespace or UTF-8 continuation bytes.
    private static func looksLikeText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes.prefix(512) {
            switch byte {
            case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x80...0xF4: continue
            default: return false
            }
        }
        return true
    }
}
