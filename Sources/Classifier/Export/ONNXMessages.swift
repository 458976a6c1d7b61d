/// The handful of ONNX protobuf messages an exported classifier needs, each with its encoder.
///
/// Field numbers are those of `onnx/onnx.proto` (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto);
/// each `encode` writes its fields in field-number order. Only the fields classify fills exist here.
enum ONNX {
    /// `TensorProto.DataType` values used here.
    enum DataType: Int64 {
        case float = 1
        case int64 = 7
    }

    /// `ModelProto`: the file's top-level message.
    struct Model {
        /// `ir_version` 7 is the IR of ONNX 1.8, the release that introduced opset 13.
        var irVersion: Int64 = 7
        var producerName: String
        var producerVersion: String
        var graph: Graph
        /// `opset_import`: the default domain `""` at `opsetVersion`.
        var opsetVersion: Int64 = 13
        /// `metadata_props`, written sorted by key so that the same model gives the same bytes.
        var metadata: [String: String]

        func encoded() -> [UInt8] {
            var w = ProtobufWriter()
            w.write(1, int64: irVersion)
            w.write(2, string: producerName)
            w.write(3, string: producerVersion)
            w.writeMessage(7, graph.encode)
            w.writeMessage(8) { opset in          // OperatorSetIdProto
                opset.write(1, string: "")
                opset.write(2, int64: opsetVersion)
            }
            for key in metadata.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                w.writeMessage(14) { entry in     // StringStringEntryProto
                    entry.write(1, string: key)
                    entry.write(2, string: metadata[key] ?? "")
                }
            }
            return w.bytes
        }
    }

    /// `GraphProto`: nodes in topological order, constant tensors, inputs and outputs.
    struct Graph {
        var name: String
        var nodes: [Node] = []
        var initializers: [Tensor] = []
        var docString: String = ""
        var inputs: [ValueInfo] = []
        var outputs: [ValueInfo] = []

        func encode(into w: inout ProtobufWriter) {
            for node in nodes { w.writeMessage(1, node.encode) }
            w.write(2, string: name)
            for tensor in initializers { w.writeMessage(5, tensor.encode) }
            if !docString.isEmpty { w.write(10, string: docString) }
            for input in inputs { w.writeMessage(11, input.encode) }
            for output in outputs { w.writeMessage(12, output.encode) }
        }
    }

    /// `NodeProto`: one operator applied to named values.
    struct Node {
        var inputs: [String]
        var outputs: [String]
        var name: String
        var opType: String
        var attributes: [Attribute] = []

        func encode(into w: inout ProtobufWriter) {
            for input in inputs { w.write(1, string: input) }
            for output in outputs { w.write(2, string: output) }
            w.write(3, string: name)
            w.write(4, string: opType)
            for attribute in attributes { w.writeMessage(5, attribute.encode) }
        }
    }

    /// `AttributeProto` of type `INT` or `FLOAT`, the only kinds the exported operators take.
    struct Attribute {
        enum Value {
            case int(Int64)
            case float(Float)
        }
        var name: String
        var value: Value

        func encode(into w: inout ProtobufWriter) {
            w.write(1, string: name)
            switch value {
            case let .float(f):
                w.write(2, float: f)
                w.write(20, int64: 1)  // AttributeType.FLOAT
            case let .int(i):
                w.write(3, int64: i)
                w.write(20, int64: 2)  // AttributeType.INT
            }
        }
    }

    /// `TensorProto` of floats, stored as little-endian `raw_data`.
    struct Tensor {
        var name: String
        var dimensions: [Int]
        var values: [Float]

        init(name: String, dimensions: [Int], values: [Float]) {
            precondition(values.count == dimensions.reduce(1, *),
                         "tensor \(name): \(values.count) values for dimensions \(dimensions)")
            self.name = name
            self.dimensions = dimensions
            self.values = values
        }

        func encode(into w: inout ProtobufWriter) {
            w.write(1, packedInt64s: dimensions.map(Int64.init))
            w.write(2, int64: DataType.float.rawValue)
            w.write(8, string: name)
            w.write(9, bytes: ProtobufWriter.littleEndianBytes(of: values))
        }
    }

    /// `ValueInfoProto` of a tensor: its name, element type and shape, with an optional docstring.
    struct ValueInfo {
        /// One dimension: a fixed size or a symbolic name such as `N` (the batch size).
        enum Dimension {
            case value(Int)
            case parameter(String)
        }
        var name: String
        var elementType: DataType
        var shape: [Dimension]
        var docString: String = ""

        func encode(into w: inout ProtobufWriter) {
            w.write(1, string: name)
            w.writeMessage(2) { type in                    // TypeProto
                type.writeMessage(1) { tensor in           // TypeProto.Tensor
                    tensor.write(1, int64: elementType.rawValue)
                    tensor.writeMessage(2) { shapeProto in // TensorShapeProto
                        for dimension in shape {
                            shapeProto.writeMessage(1) { d in
                                switch dimension {
                                case let .value(n): d.write(1, int64: Int64(n))
                                case let .parameter(name): d.write(2, string: name)
                                }
                            }
                        }
                    }
                }
            }
            if !docString.isEmpty { w.write(3, string: docString) }
        }
    }
}
