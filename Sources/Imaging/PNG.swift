import CPNG
import Platform

/// The PNG codec: decoding every PNG variant through libpng (samples as stored, no gamma or
/// colour management) and encoding 8-bit grey, grey + alpha, RGB and RGBA images.
///
/// Decoding applies exactly these transforms (DESIGN §3): palette → RGB, grey 1/2/4 bits → 8 bits
/// (bit replication, `v · 255 / (2^b − 1)`), tRNS → alpha channel, Adam7 de-interlacing; 16-bit
/// samples stay 16-bit. Reference: PNG specification (ISO/IEC 15948), §7–§10.
public enum PNG {
    /// The default pixel budget: images whose header declares more pixels are refused
    /// before any pixel buffer is allocated.
    public static let defaultPixelLimit = 100_000_000

    /// Header facts read without decoding pixels.
    public struct Header: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// Channels after expansion: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (palette → 3 or 4; tRNS adds alpha).
        public var channels: Int
        /// 8 or 16 after expansion.
        public var bitDepth: Int
        public var isInterlaced: Bool

        /// Creates header facts (mainly for tests and callers that synthesise images).
        public init(width: Int, height: Int, channels: Int, bitDepth: Int, isInterlaced: Bool) {
            self.width = width
            self.height = height
            self.channels = channels
            self.bitDepth = bitDepth
            self.isInterlaced = isInterlaced
        }
    }

    /// Bytes of libpng's message buffer.
    static let messageCapacity = 256

    /// Decodes PNG bytes. `name` is used in error messages.
    ///
    /// Shapes: returns `width × height × channels` samples (`Image` layout), 8 or 16 bits.
    /// - Parameters:
    ///   - bytes: the whole PNG file.
    ///   - name: the file name quoted in errors.
    ///   - pixelLimit: refuse headers declaring more than this many pixels (`width × height`).
    /// - Throws: `.notPNG` (with what the bytes look like), `.truncatedPNG`, `.invalidPNG` (the class of
    ///   damage the shim found, in plain words), `.tooLarge` (before any pixel buffer is allocated).
    public static func decode(_ bytes: [UInt8], name: String, pixelLimit: Int = defaultPixelLimit) throws(ImagingError) -> Image {
        let result: Result<Image, ImagingError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ImagingError) -> Image in try decode(buffer, name: name, pixelLimit: pixelLimit) }
        }
        return try result.get()
    }

    /// Reads and decodes a PNG file (one read of the whole file, then an in-memory decode).
    ///
    /// - Throws: `.unreadable` when the file cannot be read, otherwise as `decode(_:name:pixelLimit:)`.
    public static func decode(contentsOf url: URL, pixelLimit: Int = defaultPixelLimit) throws(ImagingError) -> Image {
        let name = url.relativePath  // as the user wrote it (joined under a folder argument as given)
        return try decode(try readFile(url.path, name: name), name: name, pixelLimit: pixelLimit)
    }

    /// The largest PNG file read (1 GiB): above a 100-megapixel 16-bit RGBA image stored uncompressed.
    public static let maximumFileSize = 1 << 30

    /// The bytes of a PNG file: a regular file of at most `maximumFileSize` bytes (`RegularFile`).
    /// - Throws: `.unreadable` naming the file and the reason (missing, a folder, a device or FIFO, too large).
    static func readFile(_ path: String, name: String) throws(ImagingError) -> [UInt8] {
        do { return try RegularFile.read(path: path, limit: maximumFileSize) } catch {
            throw .unreadable(file: name, reason: error.reason)
        }
    }

    /// Reads only the header of a PNG file: width, height, channels and bit depth after expansion,
    /// and whether it is interlaced. Reads the first 64 KiB (the whole file only when the chunks
    /// before the image data are longer).
    /// - Throws: `.unreadable`, `.notPNG`, `.truncatedPNG`, `.invalidPNG`.
    public static func header(contentsOf url: URL) throws(ImagingError) -> Header {
        let prefixLength = 65_536, path = url.path, name = url.relativePath
        let prefix: [UInt8]
        do { prefix = try RegularFile(opening: path).read(count: prefixLength, at: 0) } catch {
            throw .unreadable(file: name, reason: error.reason)
        }
        do {
            return try header(prefix, name: name)
        } catch let error where prefix.count == prefixLength && error.isTruncation {
            return try header(try readFile(path, name: name), name: name)
        }
    }

    /// Header facts of in-memory PNG bytes.
    static func header(_ bytes: [UInt8], name: String) throws(ImagingError) -> Header {
        let result: Result<Header, ImagingError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ImagingError) -> Header in
                try withDecoder(buffer, name: name, pixelLimit: UInt64.max) { _, info in
                    Header(width: Int(info.width), height: Int(info.height), channels: Int(info.channels),
                           bitDepth: Int(info.bit_depth), isInterlaced: info.interlaced != 0)
                }
            }
        }
        return try result.get()
    }

    /// Decodes from a buffer: open (header, limit check), allocate the samples once, read into them.
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>, name: String, pixelLimit: Int) throws(ImagingError) -> Image {
        try withDecoder(buffer, name: name, pixelLimit: UInt64(max(0, pixelLimit))) { (decoder, info) throws(ImagingError) -> Image in
            try readImage(decoder, info, name: name)
        }
    }

    /// All pixels of an open decoder: allocate the samples once, read into them.
    static func readImage(_ decoder: OpaquePointer, _ info: cpng_info, name: String) throws(ImagingError) -> Image {
        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        let count = width * height * channels
        var status: Int32 = 0
        var reason = ""
        let samples = [UInt16](unsafeUninitializedCapacity: count) { samples, initialized in
            status = withMessageBuffer { message in
                cpng_decoder_read(decoder, samples.baseAddress, count, message, messageCapacity)
            } onFailure: { reason = $0 }
            initialized = status == Int32(CPNG_OK) ? count : 0
        }
        if status != Int32(CPNG_OK) { throw failure(status, reason, name: name) }
        return Image(width: width, height: height, channels: channels, bitDepth: Int(info.bit_depth), samples: samples)
    }

    /// Opens a libpng decoder over `buffer`, hands it to `body`, and always frees it.
    static func withDecoder<R>(
        _ buffer: UnsafeBufferPointer<UInt8>, name: String, pixelLimit: UInt64,
        _ body: (OpaquePointer, cpng_info) throws(ImagingError) -> R
    ) throws(ImagingError) -> R {
        var decoder: OpaquePointer?
        var info = cpng_info()
        var reason = ""
        let status = withMessageBuffer { message in
            cpng_decoder_open(buffer.baseAddress, buffer.count, pixelLimit, &decoder, &info, message, messageCapacity)
        } onFailure: { reason = $0 }
        switch Int(status) {
        case Int(CPNG_OK):
            guard let decoder else { throw .invalidPNG(file: name, reason: "libpng returned no decoder") }
            defer { cpng_decoder_free(decoder) }
            return try body(decoder, info)
        case Int(CPNG_NOT_PNG):
            throw .notPNG(file: name, reason: Signature.describe(buffer))
        case Int(CPNG_TOO_LARGE):
            throw .tooLarge(file: name, width: Int(info.width), height: Int(info.height), limit: Int(clamping: pixelLimit))
        default:
            if buffer.count == 8 { throw .invalidPNG(file: name, reason: "the file ends right after the PNG signature, with no image header") }
            throw failure(status, reason, name: name)
        }
    }

    /// The error for a failed `cpng_decoder_*` call, from the status the shim decided (cpng.h; never from
    /// libpng's wording). `detail` is the shim's message: the chunk type for `CPNG_BAD_CRC`, libpng's words
    /// for `CPNG_BAD_DATA` and `CPNG_LIBPNG`.
    static func failure(_ status: Int32, _ detail: String, name: String) -> ImagingError {
        let reason: String
        switch Int(status) {
        case Int(CPNG_TRUNCATED): return .truncatedPNG(file: name)
        case Int(CPNG_BAD_CRC): reason = "the \(detail) chunk is damaged (its checksum does not match its data)"
        case Int(CPNG_BAD_CHUNK): reason = "a chunk declares an impossible length (the file is damaged)"
        case Int(CPNG_BAD_DATA): reason = "the compressed image data is corrupt (libpng: \(detail))"
        case Int(CPNG_SHORT_DATA): reason = "the image data stops before the last row (not enough image data)"
        default: reason = detail.isEmpty ? "libpng rejected the data" : detail
        }
        return .invalidPNG(file: name, reason: reason)
    }

    /// Runs `call` with a stack buffer for libpng's message; on a non-zero status passes the message to `onFailure`.
    static func withMessageBuffer(_ call: (UnsafeMutablePointer<CChar>) -> Int32, onFailure: (String) -> Void) -> Int32 {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: messageCapacity) { message in
            message[0] = 0
            let status = call(message.baseAddress!)
            if status != 0 {
                message[messageCapacity - 1] = 0
                onFailure(String(cString: message.baseAddress!))
            }
            return status
        }
    }

    /// The reason `ImagingError.truncatedPNG` gives.
    static let truncationReason = "file ends before the image data is complete"

    /// Encodes an 8-bit image (1–4 channels) as PNG bytes.
    ///
    /// Shapes: `image.samples.count == width × height × channels`, every sample in 0…255.
    /// - Throws: `.unwritable` (file "<memory>") when the image is not 8-bit, empty, or libpng fails.
    public static func encode(_ image: Image) throws(ImagingError) -> [UInt8] {
        guard image.bitDepth == 8 else { throw .unwritable(file: "<memory>", reason: "only 8-bit images can be encoded, got \(image.bitDepth)-bit") }
        guard image.width > 0, image.height > 0, image.width <= Int(UInt32.max), image.height <= Int(UInt32.max) else {
            throw .unwritable(file: "<memory>", reason: "the image is \(image.width)×\(image.height); PNG needs at least 1×1")
        }
        let pixels = image.samples.map { UInt8(truncatingIfNeeded: min($0, 255)) }
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var reason = ""
        let status = withMessageBuffer { message in
            cpng_encode(pixels, UInt32(image.width), UInt32(image.height), Int32(image.channels), &output, &size, message, messageCapacity)
        } onFailure: { reason = $0 }
        defer { cpng_free(output) }
        guard status == Int32(CPNG_OK), let output else { throw .unwritable(file: "<memory>", reason: reason) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// Encodes and writes an 8-bit image atomically (`RegularFile.writeAtomically`): readers never
    /// see a half-written PNG, and a device, FIFO or folder at `url` is refused, never replaced.
    /// - Throws: `.unwritable` naming the file and the reason.
    public static func write(_ image: Image, to url: URL) throws(ImagingError) {
        let bytes: [UInt8]
        do { bytes = try encode(image) } catch {
            if case let .unwritable(_, reason) = error { throw .unwritable(file: url.path, reason: reason) }
            throw error
        }
        do throws(RegularFile.WriteError<Never>) {
            try RegularFile.writeAtomically(bytes, to: url.path, beforeRename: { () throws(Never) in })
        } catch {
            switch error {
            case let .file(failure): throw .unwritable(file: url.path, reason: failure.reason)
            }
        }
    }
}

extension ImagingError {
    /// True for the "file ends early" failure, which a longer read may cure.
    var isTruncation: Bool {
        if case .truncatedPNG = self { return true }
        return false
    }
}
