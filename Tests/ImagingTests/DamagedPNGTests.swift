import Testing
@testable import Imaging

/// PNGs built byte by byte and damaged one way each: the class of failure is the status the C shim
/// decides (cpng_classify.c: chunk lengths, CRCs, the zlib stream), and the reason the user reads
/// follows from that status alone.
///
/// The image data is a zlib stream of stored (uncompressed) deflate blocks (RFC 1950, RFC 1951 §3.2.4),
/// so a test controls every filtered byte: filter type, row count, the stream's end.
@Suite struct DamagedPNGTests {
    /// CRC-32 of the PNG spec (Annex D): reflected polynomial 0xEDB88320 over the chunk type and data.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// One chunk: length, type, data, CRC of type + data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    /// A zlib stream holding `raw` in one stored block: header 78 01, BFINAL=1 BTYPE=00, LEN, NLEN, bytes, Adler-32.
    static func storedZlib(_ raw: [UInt8]) -> [UInt8] {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let length = UInt16(raw.count)
        return [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            + raw + bigEndian(b << 16 | a)
    }

    /// An 8-bit grey PNG whose IDAT holds `raw` (filtered rows), with optional extra chunks before IDAT.
    static func grey(width: Int, height: Int, interlaced: Bool = false, raw: [UInt8], idats: Int = 1) -> [UInt8] {
        var header = bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 0, 0, 0, interlaced ? 1 : 0]
        let stream = storedZlib(raw)
        let piece = (stream.count + idats - 1) / idats
        var bytes = Signature.png + chunk("IHDR", header)
        for start in stride(from: 0, to: stream.count, by: piece) {
            bytes += chunk("IDAT", Array(stream[start..<min(start + piece, stream.count)]))
        }
        return bytes + chunk("IEND", [])
    }

    /// 4×3 grey, every row filter 0 (None): 3 × (1 + 4) filtered bytes.
    static let rows: [UInt8] = (0..<15).map { $0 % 5 == 0 ? 0 : UInt8($0 * 10) }
    static let valid = grey(width: 4, height: 3, raw: rows)

    /// The big-endian chunk length at `at`.
    static func length(at: Int, in bytes: [UInt8]) -> Int {
        bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Offset of the first chunk of `type` in `bytes` (its length field).
    static func offset(of type: String, in bytes: [UInt8]) -> Int {
        var at = 8
        while Array(bytes[(at + 4)..<(at + 8)]) != Array(type.utf8) {
            at += 12 + length(at: at, in: bytes)
        }
        return at
    }

    /// `bytes` with the byte at `index` (from the start of the first `type` chunk) replaced by `change(old)`.
    static func patch(_ bytes: [UInt8], _ type: String, at index: Int, _ change: (UInt8) -> UInt8) -> [UInt8] {
        var copy = bytes
        let at = offset(of: type, in: bytes) + index
        copy[at] = change(copy[at])
        return copy
    }

    /// A chunk with its CRC's last byte inverted.
    static func badCRC(_ chunk: [UInt8]) -> [UInt8] { chunk.dropLast() + [~chunk[chunk.count - 1]] }

    /// `bytes` with the CRC of the first `type` chunk recomputed (so only the damage inside is seen).
    static func fixCRC(_ bytes: [UInt8], _ type: String) -> [UInt8] {
        var copy = bytes
        let at = offset(of: type, in: bytes)
        let length = length(at: at, in: bytes)
        let crc = bigEndian(crc32(Array(bytes[(at + 4)..<(at + 8 + length)])))
        copy.replaceSubrange((at + 8 + length)..<(at + 12 + length), with: crc)
        return copy
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        /// The error's reason; nil when the file must decode.
        var reason: String?
        var testDescription: String { name }
    }

    static let crcIHDR = "the IHDR chunk is damaged (its checksum does not match its data)"
    static let crcIDAT = "the IDAT chunk is damaged (its checksum does not match its data)"
    static let impossible = "a chunk declares an impossible length (the file is damaged)"
    static let corrupt = "the compressed image data is corrupt"
    static let short = "the image data stops before the last row (not enough image data)"

    static let cases: [Case] = [
        Case(name: "intact", bytes: valid, reason: nil),
        Case(name: "IDAT split over three chunks", bytes: grey(width: 4, height: 3, raw: rows, idats: 3), reason: nil),
        Case(name: "IHDR CRC byte flipped", bytes: patch(valid, "IHDR", at: 8 + 13) { ~$0 }, reason: crcIHDR),
        Case(name: "IDAT CRC byte flipped", bytes: patch(valid, "IDAT", at: 8 + storedZlib(rows).count + 3) { $0 ^ 1 }, reason: crcIDAT),
        Case(name: "first of three IDATs: data byte changed, CRC kept",
             bytes: patch(grey(width: 4, height: 3, raw: rows, idats: 3), "IDAT", at: 8 + 2) { $0 ^ 0x10 }, reason: crcIDAT),
        Case(name: "IEND CRC byte flipped (never read after the rows)", bytes: patch(valid, "IEND", at: 8) { ~$0 }, reason: nil),
        Case(name: "ancillary tEXt CRC wrong (dropped, as libpng does)",
             bytes: Array(valid[..<33]) + badCRC(chunk("tEXt", Array("a\0b".utf8))) + Array(valid[33...]), reason: nil),
        Case(name: "bad tEXt CRC (ignored), then a zlib error: the zlib error is the cause",
             bytes: Array(valid[..<33]) + badCRC(chunk("tEXt", Array("a\0b".utf8)))
                 + Array(fixCRC(patch(valid, "IDAT", at: 9) { $0 ^ 0x01 }, "IDAT")[33...]), reason: corrupt),
        Case(name: "IHDR length 0xFFFFFFFF", bytes: patch(valid, "IHDR", at: 0) { _ in 0xFF }, reason: impossible),
        Case(name: "IDAT length over 2^31 − 1", bytes: patch(valid, "IDAT", at: 0) { $0 | 0x80 }, reason: impossible),
        Case(name: "zlib header check fails", bytes: fixCRC(patch(valid, "IDAT", at: 9) { $0 ^ 0x01 }, "IDAT"), reason: corrupt),
        Case(name: "deflate block type 3 (reserved)", bytes: fixCRC(patch(valid, "IDAT", at: 10) { _ in 0x07 }, "IDAT"), reason: corrupt),
        Case(name: "stored block length and its complement disagree",
             bytes: fixCRC(patch(valid, "IDAT", at: 13) { $0 ^ 0xFF }, "IDAT"), reason: corrupt),
        Case(name: "filter type 5 (no such filter)", bytes: grey(width: 4, height: 3, raw: [5] + rows.dropFirst()), reason: corrupt),
        Case(name: "zlib stream ends after two of three rows", bytes: grey(width: 4, height: 3, raw: Array(rows.prefix(10))), reason: short),
        Case(name: "IDAT chunks end mid-stream", bytes: Signature.png + Array(valid[8..<33])
             + chunk("IDAT", Array(storedZlib(rows).prefix(12))) + chunk("IEND", []), reason: short),
        Case(name: "Adam7 8×8: all 79 filtered bytes", bytes: grey(width: 8, height: 8, interlaced: true, raw: .init(repeating: 0, count: 79)),
             reason: nil),
        Case(name: "Adam7 8×8: 78 of 79 filtered bytes", bytes: grey(width: 8, height: 8, interlaced: true, raw: .init(repeating: 0, count: 78)),
             reason: short),
    ]

    @Test("a damaged PNG gives the reason its status class names", arguments: cases)
    func damaged(_ damage: Case) throws {
        do {
            let image = try PNG.decode(damage.bytes, name: "d.png")
            #expect(damage.reason == nil, "decoded \(image.width)×\(image.height), expected: \(damage.reason ?? "")")
        } catch {
            guard let reason = damage.reason else { Issue.record("expected an image, got \(error)"); return }
            guard case let .invalidPNG(file, actual) = error else { Issue.record("expected invalidPNG, got \(error)"); return }
            #expect(file == "d.png")
            #expect(actual.hasPrefix(reason), "reason: \(actual)")
        }
    }

    @Test("a file cut inside the image data is a truncation, at every cut", arguments: [40, 50, 60])
    func truncated(_ length: Int) {
        let bytes = Array(Self.valid.prefix(length))
        #expect(throws: ImagingError.truncatedPNG(file: "t.png")) { try PNG.decode(bytes, name: "t.png") }
        #expect(ImagingError.truncatedPNG(file: "t.png").isTruncation)
        #expect(!ImagingError.invalidPNG(file: "t.png", reason: PNG.truncationReason).isTruncation)
    }

    @Test("the intact PNG decodes to its rows")
    func intactSamples() throws {
        let image = try PNG.decode(Self.valid, name: "v.png")
        #expect(image.samples == Self.rows.enumerated().filter { $0.offset % 5 != 0 }.map { UInt16($0.element) })
    }
}
