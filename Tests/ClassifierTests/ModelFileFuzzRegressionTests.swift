import Foundation
import Testing
@testable import Classifier

/// What fuzzing found in the model-file loader, kept tested: every input the model-file fuzzer
/// (`fuzz/ModelFileFuzzer`) crashed or hung on, and the integer-edge inputs kept beside them
/// (`fuzz/regressions/model/`), and every small file
/// of its seed corpus (`fuzz/corpus/model/`), goes through `ImageClassifier(modelFileBytes:name:)`
/// and must give a classifier that survives write + load, or `ClassifierError.invalidModelFile`
/// naming the file — never a crash.
@Suite struct ModelFileFuzzRegressionTests {
    /// Every file of `fuzz/regressions/model/` (written by `fuzz/make_model_regressions.py`, and
    /// any fuzzer finding dropped there) and the reason its refusal must give.
    static let regressions: [(file: String, reason: String)] = [
        ("length-wraps.safetensors", "the header length field says 18446744073709551609 bytes, over the 100 MB limit"),
        ("offsets-int64-max.safetensors", "tensor 'layers.0.weight' has no valid data_offsets"),
        ("offsets-past-uint64.safetensors", "tensor 'layers.0.weight' has no valid data_offsets"),
        ("shape-int64-max.safetensors", "tensor 'layers.0.bias' has no valid shape"),
        ("shape-product-wraps.safetensors", "tensor 'layers.0.weight' has shape [4294967296, 4294967296], larger than the whole data buffer"),
    ]

    @Test func everyRegressionFileIsInTheTable() {
        let files = Repository.smallFuzzFiles(in: "regressions/model")
        #expect(files.count >= 5, "fuzz/regressions/model is missing or empty")
        #expect(files == Self.regressions.map(\.file).sorted())
    }

    @Test(arguments: regressions)
    func everyRegressionInputGivesItsCleanError(file: String, reason: String) throws {
        let bytes = try Repository.fuzzBytes("regressions/model", file)
        #expect {
            _ = try ImageClassifier(modelFileBytes: bytes, name: file)
        } throws: { error in
            guard case let .invalidModelFile(name, actual)? = error as? ClassifierError else { return false }
            return name == file && actual.hasPrefix(reason)
        }
    }

    /// The seed corpus's hand-made variants (`fuzz/make_model_seeds.py`), each refused for its own
    /// reason (not merely "loads or fails"), and the valid seeds that must load.
    static let corpusRejections: [(file: String, reason: String)] = [
        ("bad-training.safetensors", "the 'training' metadata is not a valid training summary"),
        ("classes-duplicate.safetensors", "the 'classes' metadata lists class 'a' twice"),
        ("classes-not-json.safetensors", "the 'classes' metadata is not valid JSON"),
        ("dtype-f16.safetensors", "tensor 'layers.0.bias' has dtype F16, but classify models store F32"),
        ("future-version.safetensors", "format_version '99' is not supported"),
        ("header-past-end.safetensors", "the header length field says 2304 bytes but only 2296 bytes follow it"),
        ("huge-header-length.safetensors", "the header length field says 9223372036854775808 bytes, over the 100 MB limit"),
        ("input-bad-background.safetensors", "the 'input' metadata has background '#12345g'"),
        ("input-bad-color.safetensors", "the 'input' metadata has unknown color 'cmyk'"),
        ("input-zero-width.safetensors", "the 'input' metadata has no valid 'width'"),
        ("json-array.safetensors", "the header is JSON but not an object"),
        ("metadata-not-strings.safetensors", "the '__metadata__' entry 'format' is not a string"),
        ("missing-bias.safetensors", "the tensors cover 1200 bytes of data but the data buffer holds 1240 bytes"),
        ("nan-value.safetensors", "tensor 'layers.0.weight' contains NaN at element 0"),
        ("no-format.safetensors", "not a classify model: it has no classify metadata"),
        ("not-json.safetensors", "the header is not valid JSON"),
        ("not-utf8.safetensors", "the header is not valid UTF-8 text"),
        ("offsets-float.safetensors", "tensor 'layers.0.bias' has no valid data_offsets"),
        ("offsets-reversed.safetensors", "tensor 'layers.0.bias' has no valid data_offsets"),
        ("other-format.safetensors", "not a classify model: its metadata says format 'other'"),
        ("shape-huge.safetensors", "tensor 'layers.0.weight' has shape [2147483648, 2147483648, 2147483648], larger than"),
        ("shape-negative.safetensors", "tensor 'layers.0.bias' has no valid shape"),
        ("softmax-hidden.safetensors", "layer 0 uses softmax, which is only valid on the output layer"),
        ("trailing-bytes.safetensors", "the tensors cover 1240 bytes of data but the data buffer holds 1244 bytes"),
        ("truncated-data.safetensors", "tensor 'layers.1.bias' data_offsets [1200, 1240] are out of range"),
        ("truncated-length.safetensors", "the file is only 5 bytes long"),
        ("unknown-activation.safetensors", "layer 1 has unknown activation 'swish'"),
        ("unknown-cost.safetensors", "unknown cost 'hinge'"),
    ]
    static let corpusValid = ["minimal.safetensors", "tiny.safetensors", "unpadded-header.safetensors"]

    @Test(arguments: corpusRejections)
    func namedCorpusVariantIsRefusedForItsReason(file: String, reason: String) throws {
        let bytes = try Repository.fuzzBytes("corpus/model", file)
        #expect {
            _ = try ImageClassifier(modelFileBytes: bytes, name: file)
        } throws: { error in
            guard case let .invalidModelFile(name, actual)? = error as? ClassifierError else { return false }
            return name == file && actual.hasPrefix(reason)
        }
    }

    @Test(arguments: corpusValid)
    func validSeedLoadsAndSurvivesWriteAndLoad(file: String) throws {
        let classifier = try ImageClassifier(modelFileBytes: try Repository.fuzzBytes("corpus/model", file), name: file)
        #expect(try ImageClassifier(modelFileBytes: classifier.encodedModelFile(), name: file) == classifier)
    }

    @Test func everyNamedCorpusFileIsInATable() {
        let named = Repository.smallFuzzFiles(in: "corpus/model").filter { $0.hasSuffix(".safetensors") }
        #expect(named == (Self.corpusRejections.map(\.file) + Self.corpusValid).sorted())
    }

    /// The fuzzer's own corpus entries (hash-named): each loads and survives write + load, or
    /// is refused with `invalidModelFile` naming the file — never a crash.
    @Test(arguments: Repository.smallFuzzFiles(in: "corpus/model").filter { !$0.hasSuffix(".safetensors") })
    func corpusFileLoadsOrFailsCleanly(_ file: String) throws {
        let bytes = try Repository.fuzzBytes("corpus/model", file)
        do {
            let classifier = try ImageClassifier(modelFileBytes: bytes, name: file)
            let again = try ImageClassifier(modelFileBytes: classifier.encodedModelFile(), name: file)
            #expect(again == classifier)
        } catch {
            guard case let .invalidModelFile(name, reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == file)
            #expect(!reason.isEmpty)
        }
    }
}
