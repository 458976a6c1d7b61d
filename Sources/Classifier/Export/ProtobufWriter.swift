/// An encode-only Protocol Buffers writer: just the three wire types an ONNX model needs.
///
/// A message is a sequence of fields, each a key `(fieldNumber << 3) | wireType` written as a
/// varint, then the value:
/// ```
/// wire type 0  varint            int32, int64, enum, bool      7 bits per byte, low bits first,
///                                                              high bit set on all but the last
/// wire type 2  length-delimited  string, bytes, sub-message,   varint byte count, then the bytes
///                                packed repeated scalars
/// wire type 5  fixed32           float                         4 bytes, little-endian
/// ```
/// Negative `int64`/`int32` values are varints of their 64-bit two's complement (10 bytes), as the
/// encoding guide prescribes. Fields are written in the order the caller writes them, so the same
/// calls always give the same bytes. Reference: https://protobuf.dev/programming-guides/encoding/
///
/// Why no generated code: an exported classifier uses eight ONNX message types and about thirty
/// fields; a few hundred bytes of schema do not justify a code generator or a new dependency.
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// The wire type of a field, the low three bits of its key.
    enum WireType: UInt64 {
        case varint = 0
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// Appends `value` as a base-128 varint: 7 bits per byte, least significant group first.
    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends a field key: `(field << 3) | wireType`.
    mutating func writeKey(_ field: Int, _ wireType: WireType) {
        precondition(field > 0, "protobuf field numbers start at 1, got \(field)")
        writeVarint(UInt64(field) << 3 | wireType.rawValue)
    }

    /// An `int64` / `int32` / enum field (wire type 0; negative values as 64-bit two's complement).
    mutating func write(_ field: Int, int64 value: Int64) {
        writeKey(field, .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    /// A `float` field (wire type 5): the IEEE 754 bits, little-endian.
    mutating func write(_ field: Int, float value: Float) {
        writeKey(field, .fixed32)
        appendLittleEndian(value)
    }

    /// A `bytes` field (wire type 2).
    mutating func write(_ field: Int, bytes value: [UInt8]) {
        writeKey(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (wire type 2): its UTF-8 bytes.
    mutating func write(_ field: Int, string value: String) {
        write(field, bytes: Array(value.utf8))
    }

    /// A packed `repeated int64` field (wire type 2): the varints back to back.
    mutating func write(_ field: Int, packedInt64s values: [Int64]) {
        var inner = ProtobufWriter()
        for value in values { inner.writeVarint(UInt64(bitPattern: value)) }
        write(field, bytes: inner.bytes)
    }

    /// An embedded message field (wire type 2), encoded by `body` into a writer of its own.
    mutating func writeMessage(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        write(field, bytes: inner.bytes)
    }

    /// The bytes of `values` as little-endian IEEE 754 floats (the layout of an ONNX `raw_data`).
    static func littleEndianBytes(of values: [Float]) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.bytes.reserveCapacity(values.count * 4)
        for value in values { writer.appendLittleEndian(value) }
        return writer.bytes
    }

    private mutating func appendLittleEndian(_ value: Float) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }
}
