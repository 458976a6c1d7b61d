import Platform

/// The safetensors container that holds a classifier: an 8-byte little-endian header length `N`,
/// `N` bytes of UTF-8 JSON header, then the raw little-endian data buffer.
///
/// Layout (reference: https://github.com/huggingface/safetensors, "Format"):
/// ```
/// [ N: UInt64 LE ][ header: N bytes of JSON, space-padded ][ data buffer ]
/// header = { "__metadata__": { String: String },
///            "<tensor>": { "dtype": "F32", "shape": [d₀, d₁, …], "data_offsets": [begin, end] }, … }
/// ```
/// `data_offsets` are byte offsets relative to the start of the data buffer; the tensors cover
/// the buffer exactly, without gaps or overlaps. This type knows nothing about networks: it turns
/// named `F32` tensors plus string metadata into bytes and back, validating every field.
/// `ImageClassifier+ModelFile.swift` maps a classifier onto it.
public struct ModelFile: Sendable, Equatable {
    /// One named `F32` tensor: `values.count == shape.reduce(1, *)`, row-major.
    public struct Tensor: Sendable, Equatable {
        /// The tensor's key in the header, e.g. `layers.0.weight`.
        public var name: String
        /// Dimensions, outermost first: `[out, in]` for a weight, `[out]` for a bias.
        public var shape: [Int]
        /// `shape.reduce(1, *)` values, row-major.
        public var values: [Float]

        /// Creates a tensor. - Precondition: `values.count == shape.reduce(1, *)`.
        public init(name: String, shape: [Int], values: [Float]) {
            precondition(values.count == shape.reduce(1, *),
                         "tensor \(name): \(values.count) values for shape \(shape)")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// Tensors in data-buffer order (the order they are written in).
    public var tensors: [Tensor]
    /// The `__metadata__` object: string keys to string values.
    public var metadata: [String: String]

    /// The largest header accepted when loading (100 MB), checked before the header is read:
    /// a corrupt length field must not make the loader allocate gigabytes.
    public static let maximumHeaderLength: UInt64 = 100_000_000

    /// Creates a container from tensors (in buffer order) and metadata.
    public init(tensors: [Tensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if any.
    public func tensor(named name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }
}

// MARK: - Encoding

extension ModelFile {
    /// The file's bytes: deterministic (JSON keys sorted, no whitespace, header space-padded so the
    /// data buffer starts at an 8-byte aligned offset), so equal containers give identical bytes.
    public func encoded() -> [UInt8] {
        var entries: [String: JSONValue] = [:]
        var offset = 0
        for tensor in tensors {
            let byteCount = tensor.values.count * MemoryLayout<Float>.size
            entries[tensor.name] = .object([
                "dtype": .string("F32"),
                "shape": .array(tensor.shape.map { .integer($0) }),
                "data_offsets": .array([.integer(offset), .integer(offset + byteCount)]),
            ])
            offset += byteCount
        }
        if !metadata.isEmpty {
            entries["__metadata__"] = .object(metadata.mapValues { .string($0) })
        }
        var header = Array(JSONValue.object(entries).serialized().utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for tensor in tensors {
            for value in tensor.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }
}

// MARK: - Decoding

extension ModelFile {
    /// Parses and validates safetensors bytes. `file` names the file in error messages.
    ///
    /// Checks, in order: at least 8 bytes; header length within `maximumHeaderLength` and within
    /// the file (before any allocation); the header is a UTF-8 JSON object; `__metadata__`, if
    /// present, maps strings to strings; every tensor has dtype `F32`, a shape of non-negative
    /// integers and `[begin, end]` offsets that match its shape; the tensors cover the data buffer
    /// contiguously (no gaps, overlaps or bytes past the end); every value is finite.
    /// - Throws: `ClassifierError.invalidModelFile(file:reason:)` naming the first problem found.
    public init(bytes: [UInt8], file: String) throws(ClassifierError) {
        let headerEnd = bytes.count >= 8 ? 8 + Int(min(Self.headerLength(bytes[0..<8]), UInt64(bytes.count))) : 0
        try self.init(head: bytes, size: bytes.count, file: file, parsedHeader: nil) { offset, destination throws(ClassifierError) in
            bytes.withUnsafeBytes { raw in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[headerEnd + offset ..< headerEnd + offset + destination.count]))
            }
        }
    }

    /// `init(bytes:file:)` for `size` bytes of which `head` holds at least the length and header;
    /// `fill(offset, destination)` copies the data buffer's bytes from `offset` into `destination`
    /// (from memory, or from the file straight into the tensors). `parsedHeader`, when given, is the
    /// header already parsed from `head` (`read(_:name:)` parses it to check the file's size first).
    init(head bytes: [UInt8], size: Int, file: String, parsedHeader: [String: JSONValue]?,
         fill: (Int, UnsafeMutableRawBufferPointer) throws(ClassifierError) -> Void) throws(ClassifierError) {
        func invalid(_ reason: String) -> ClassifierError { .invalidModelFile(file: file, reason: reason) }

        guard size >= 8 else {
            throw invalid(size == 0
                ? "the file is empty"
                : "the file is only \(size) bytes long, too short for the 8-byte header length a safetensors file starts with")
        }
        let headerLength = Self.headerLength(bytes[0..<8])
        try Self.checkHeaderLength(headerLength, fileSize: size, file: file)
        let headerEnd = 8 + Int(headerLength)
        let header: [String: JSONValue]
        if let parsedHeader { header = parsedHeader } else { header = try Self.parseHeader(bytes[8..<headerEnd], file: file) }

        var metadata: [String: String] = [:]
        if let rawMetadata = header["__metadata__"] {
            guard let object = rawMetadata.object else {
                throw invalid("the '__metadata__' entry is not an object of strings")
            }
            for (key, value) in object {
                guard let string = value.string else {
                    throw invalid("the '__metadata__' entry '\(key)' is not a string (safetensors metadata maps strings to strings)")
                }
                metadata[key] = string
            }
        }

        let dataCount = size - headerEnd
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for name in header.keys.sorted() where name != "__metadata__" {
            guard let entry = header[name]?.object else {
                throw invalid("tensor '\(name)' is not described by an object")
            }
            guard let dtype = entry["dtype"]?.string else {
                throw invalid("tensor '\(name)' has no dtype")
            }
            guard dtype == "F32" else {
                throw invalid("tensor '\(name)' has dtype \(dtype), but classify models store F32 (32-bit float) tensors")
            }
            guard let shape = Self.integers(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw invalid("tensor '\(name)' has no valid shape (expected an array of non-negative integers)")
            }
            guard let offsets = Self.integers(entry["data_offsets"]), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw invalid("tensor '\(name)' has no valid data_offsets (expected [begin, end] with 0 ≤ begin ≤ end)")
            }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataCount else {
                    throw invalid("tensor '\(name)' has shape \(shape), larger than the whole data buffer (\(dataCount) bytes)")
                }
                count = product
            }
            guard offsets[1] - offsets[0] == count * 4 else {
                throw invalid("tensor '\(name)' has shape \(shape) (\(count * 4) bytes of F32) but data_offsets [\(offsets[0]), "
                    + "\(offsets[1])] span \(offsets[1] - offsets[0]) bytes")
            }
            guard offsets[1] <= dataCount else {
                throw invalid("tensor '\(name)' data_offsets [\(offsets[0]), \(offsets[1])] are out of range: "
                    + "the data buffer holds only \(dataCount) bytes")
            }
            entries.append((name, shape, offsets[0], offsets[1]))
        }

        // The tensors must tile the buffer: sorted by begin, each starts where the previous ends.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var expectedBegin = 0
        var previousName: String?
        for entry in entries {
            if entry.begin < expectedBegin, let previousName {
                throw invalid("tensor '\(entry.name)' data_offsets start at byte \(entry.begin) but tensor '\(previousName)' ends at "
                    + "byte \(expectedBegin): the tensors overlap")
            }
            guard entry.begin == expectedBegin else {
                throw invalid("tensor '\(entry.name)' data_offsets start at byte \(entry.begin) but the previous tensor ends at byte "
                    + "\(expectedBegin): the data offsets are not contiguous")
            }
            expectedBegin = entry.end
            previousName = entry.name
        }
        guard expectedBegin == dataCount else {
            throw invalid("the tensors cover \(expectedBegin) bytes of data but the data buffer holds "
                + "\(dataCount) bytes (truncated or trailing bytes)")
        }

        var tensors: [Tensor] = []
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            // Little-endian F32, copied without zero-filling first (a model is megabytes, read per prediction).
            let count = (entry.end - entry.begin) / 4
            var largestMagnitude: UInt32 = 0  // the bits of |x|: ≥ 0x7f800000 for infinity and NaN
            var failure: ClassifierError?
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                let words = UnsafeMutableRawBufferPointer(buffer)
                do throws(ClassifierError) { try fill(entry.begin, words) } catch {
                    failure = error
                    words.initializeMemory(as: UInt8.self, repeating: 0)
                }
                for i in 0 ..< count {
                    var bits = words.load(fromByteOffset: 4 * i, as: UInt32.self)
                    #if _endian(big)
                    bits = bits.byteSwapped
                    words.storeBytes(of: bits, toByteOffset: 4 * i, as: UInt32.self)
                    #endif
                    largestMagnitude = max(largestMagnitude, bits & 0x7fff_ffff)
                }
                initialized = count
            }
            if let failure { throw failure }
            if largestMagnitude >= 0x7f80_0000, let i = values.firstIndex(where: { !$0.isFinite }) {
                throw invalid("tensor '\(entry.name)' contains \(values[i].isNaN ? "NaN" : "infinity") at element "
                    + "\(i); the model is corrupt or training diverged")
            }
            tensors.append(Tensor(name: entry.name, shape: entry.shape, values: values))
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// The JSON object of a header (the bytes after the 8-byte length).
    /// - Throws: `invalidModelFile` when it is not UTF-8 text, not JSON or not an object.
    static func parseHeader(_ headerBytes: ArraySlice<UInt8>, file: String) throws(ClassifierError) -> [String: JSONValue] {
        func invalid(_ reason: String) -> ClassifierError { .invalidModelFile(file: file, reason: reason) }
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw invalid("the header is not valid UTF-8 text")
        }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: headerBytes)
        } catch {
            throw invalid("the header is not valid JSON")
        }
        guard let header = parsed.object else {
            throw invalid("the header is JSON but not an object (it is \(parsed.array != nil ? "an array" : "a single value"))")
        }
        return header
    }

    /// The little-endian `UInt64` in the first 8 bytes.
    static func headerLength(_ prefix: ArraySlice<UInt8>) -> UInt64 {
        var n: UInt64 = 0
        for (i, byte) in prefix.prefix(8).enumerated() { n |= UInt64(byte) << (8 * UInt64(i)) }
        return n
    }

    /// Throws unless `headerLength` is within `maximumHeaderLength` and within the file's
    /// `fileSize − 8` remaining bytes; run before the header is read or allocated.
    static func checkHeaderLength(_ headerLength: UInt64, fileSize: Int, file: String) throws(ClassifierError) {
        guard headerLength <= Self.maximumHeaderLength else {
            throw .invalidModelFile(file: file, reason: "the header length field says \(headerLength) bytes, over the "
                + "\(Self.maximumHeaderLength / 1_000_000) MB limit; this is not a safetensors file or it is corrupt")
        }
        guard headerLength <= UInt64(max(0, fileSize - 8)) else {
            throw .invalidModelFile(file: file, reason: "the header length field says \(headerLength) bytes but only \(max(0, fileSize - 8)) bytes "
                + "follow it; the file is truncated or not a safetensors file")
        }
    }

    /// `value` as an array of integers, or nil when it is not a JSON array of integral numbers.
    static func integers(_ value: JSONValue?) -> [Int]? {
        guard let array = value?.array else { return nil }
        var result: [Int] = []
        for element in array {
            guard let double = element.number else { return nil }
            guard double.rounded() == double, abs(double) < 9.0e15 else { return nil }
            result.append(Int(double))
        }
        return result
    }
}
