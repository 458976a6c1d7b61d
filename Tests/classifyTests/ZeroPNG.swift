import Foundation

/// Writes a large all-zero 8-bit PNG quickly without holding its pixels: the zlib stream is one
/// fixed-Huffman deflate block of a literal 0 followed by back-references of 258 bytes at
/// distance 1 (RFC 1951 §3.2.6), so a 100-megapixel RGBA image is ~2.5 MB and takes well under a
/// second — a decompression bomb within the pixel limit.
enum ZeroPNG {
    /// Bytes of a `width × height` PNG of colour type `colorType` (6 = RGBA), bit depth 8, all samples 0.
    /// With `interlaced`, the data is Adam7's seven passes (PNG spec §8.2), each row a filter byte and samples.
    static func bytes(width: Int, height: Int, colorType: UInt8 = 6, channels: Int = 4, interlaced: Bool = false) -> [UInt8] {
        var raw = (1 + width * channels) * height  // filter byte + samples per row, all zero
        if interlaced {
            let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            raw = passes.reduce(0) { total, pass in
                let w = width > pass.0 ? (width - pass.0 + pass.2 - 1) / pass.2 : 0
                let h = height > pass.1 ? (height - pass.1 + pass.3 - 1) / pass.3 : 0
                return total + (w > 0 ? h * (1 + w * channels) : 0)
            }
        }
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE = 01, fixed Huffman
        bits.writeCode(0b0011_0000, length: 8)  // literal 0
        let matches = (raw - 1) / 258
        for _ in 0..<matches {
            bits.writeCode(0b1100_0101, length: 8)  // length code 285 = 258 bytes
            bits.writeCode(0, length: 5)  // distance code 0 = distance 1
        }
        for _ in 0..<((raw - 1) % 258) { bits.writeCode(0b0011_0000, length: 8) }
        bits.writeCode(0, length: 7)  // end of block (256)
        let adler = UInt32(1) | UInt32(raw % 65521) << 16
        let zlib = [0x78, 0x01] + bits.finished + bigEndian(adler)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, interlaced ? 1 : 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[n] = c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// Deflate's bit order: values least-significant bit first, Huffman codes most-significant first.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var current: UInt32 = 0
    private var filled = 0

    mutating func write(_ value: UInt32, count: Int) {
        for i in 0..<count { push(value >> i & 1) }
    }

    mutating func writeCode(_ code: UInt32, length: Int) {
        for i in stride(from: length - 1, through: 0, by: -1) { push(code >> i & 1) }
    }

    private mutating func push(_ bit: UInt32) {
        current |= bit << filled
        filled += 1
        if filled == 8 { bytes.append(UInt8(current)); current = 0; filled = 0 }
    }

    /// The bytes with the last partial byte flushed.
    var finished: [UInt8] { filled > 0 ? bytes + [UInt8(current)] : bytes }
}
