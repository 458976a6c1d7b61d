// The model-file fuzzer (one file: a @_cdecl function referenced from a second file was emitted twice).
// The entry point. SwiftPM links executables with their own `main` (it renames the
// top-level code and points `main` at it), which collides with libFuzzer's `main`; so the
// top-level code here starts libFuzzer itself through its documented driver entry point.
#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's driver: parses libFuzzer flags from `argv` and runs `callback` on every input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

import Classifier


/// libFuzzer's entry point: every input is handed to the model loader as a whole file.
///
/// The loader must either build a classifier or throw `ClassifierError.invalidModelFile`;
/// a crash, sanitizer report, hang or runaway allocation is a finding. A loaded classifier is
/// re-encoded and loaded again, which must reproduce it exactly (round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func modelFileFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let classifier: ImageClassifier
    do {
        classifier = try ImageClassifier(modelFileBytes: bytes, name: "fuzz")
    } catch {
        guard case .invalidModelFile = error else { fatalError("unexpected error kind: \(error)") }
        return 0
    }
    // Round trip: what loaded must write and load back to the same classifier.
    let again = try? ImageClassifier(modelFileBytes: classifier.encodedModelFile(), name: "fuzz-again")
    guard let again, again.encodedModelFile() == classifier.encodedModelFile() else {
        fatalError("a loaded model does not survive write + load")
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, modelFileFuzzerTestOneInput))
