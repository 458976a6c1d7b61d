import Foundation
import Imaging
import Testing
@testable import Classifier

/// `ProtobufWriter` against the worked examples of the protobuf encoding guide
/// (https://protobuf.dev/programming-guides/encoding/) and a few edge cases.
@Suite struct ProtobufWriterTests {
    static let varints: [(UInt64, [UInt8])] = [
        (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (150, [0x96, 0x01]),
        (300, [0xAC, 0x02]), (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: varints)
    func varintsAreSevenBitGroupsLowFirst(value: UInt64, bytes: [UInt8]) {
        var w = ProtobufWriter()
        w.writeVarint(value)
        #expect(w.bytes == bytes)
    }

    @Test func fieldsMatchTheEncodingGuidesExamples() {
        var w = ProtobufWriter()
        w.write(1, int64: 150)
        #expect(w.bytes == [0x08, 0x96, 0x01])

        w = ProtobufWriter()
        w.write(2, string: "testing")
        #expect(w.bytes == [0x12, 0x07] + Array("testing".utf8))

        w = ProtobufWriter()
        w.writeMessage(3) { $0.write(1, int64: 150) }
        #expect(w.bytes == [0x1A, 0x03, 0x08, 0x96, 0x01])

        w = ProtobufWriter()
        w.write(4, packedInt64s: [3, 270, 86942])
        #expect(w.bytes == [0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05])
    }

    @Test func negativeIntegersAreTenByteTwosComplementAndFloatsFixed32LittleEndian() {
        var w = ProtobufWriter()
        w.write(1, int64: -1)
        #expect(w.bytes == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])

        w = ProtobufWriter()
        w.write(2, float: 1)
        #expect(w.bytes == [0x15, 0x00, 0x00, 0x80, 0x3F])
        #expect(ProtobufWriter.littleEndianBytes(of: [-2, 0.5]) == [0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F])

        w = ProtobufWriter()
        w.write(16, int64: 1)  // field numbers from 16 on need a two-byte key
        #expect(w.bytes == [0x80, 0x01, 0x01])
    }

    @Test func theONNXModelStartsWithItsIRVersionAndIsDeterministic() {
        var generator = SeededGenerator(seed: 4)
        let network = Network(sizes: [4, 3, 2], hiddenActivation: .arctan, cost: .quadratic, using: &generator)
        let classifier = ImageClassifier(network: network, classes: ["a", "b"],
                                         inputFormat: InputFormat(width: 2, height: 2, color: .gray))
        let bytes = classifier.onnxModel()
        #expect(Array(bytes.prefix(2)) == [0x08, 0x07], "ModelProto.ir_version = 7 comes first")
        #expect(bytes == classifier.onnxModel())
        #expect(bytes != classifier.onnxModel(includeLabel: false))
        // The weights are stored as raw little-endian floats, unchanged.
        let weights = ProtobufWriter.littleEndianBytes(of: network.layers[0].weights.elements)
        #expect(bytes.indices.contains { Array(bytes[$0 ..< min($0 + weights.count, bytes.count)]) == weights })
    }
}
