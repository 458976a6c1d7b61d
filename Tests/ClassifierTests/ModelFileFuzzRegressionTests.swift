import Foundation
import Testing
@testable import Classifier

/// What fuzzing found in the model-file loader, kept tested: every input the model-file fuzzer
/// (`fuzz/ModelFileFuzzer`) crashed or hung on (`fuzz/regressions/model/`), and every small file
/// of its seed corpus (`fuzz/corpus/model/`), goes through `ImageClassifier(modelFileBytes:name:)`
/// and must give a classifier that survives write + load, or `ClassifierError.invalidModelFile`
/// naming the file — never a crash.
@Suite struct ModelFileFuzzRegressionTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz")

    /// Files of `fuzz/<folder>` smaller than 64 KiB, sorted by name (empty if the folder is missing).
    static func smallFiles(in folder: String) -> [String] {
        let url = fuzzFolder.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            guard !name.hasPrefix("."),
                  let size = (try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(name).path))?[.size] as? Int
            else { return false }
            return size < 65_536
        }.sorted()
    }

    static func bytes(_ folder: String, _ file: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: fuzzFolder.appendingPathComponent(folder).appendingPathComponent(file)))
    }

    /// Every input the model-file fuzzer ever crashed or hung on (none so far: its runs on
    /// 2026-11-29 found nothing) must be refused with `invalidModelFile` naming the file. A new
    /// finding is added by dropping it into `fuzz/regressions/model/`.
    @Test func everyRegressionInputGivesACleanError() throws {
        for file in Self.smallFiles(in: "regressions/model") {
            let bytes = try Self.bytes("regressions/model", file)
            do {
                _ = try ImageClassifier(modelFileBytes: bytes, name: file)
                Issue.record("\(file) loaded, expected invalidModelFile")
            } catch {
                guard case let .invalidModelFile(name, _) = error else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
                #expect(name == file)
            }
        }
    }

    @Test func seedCorpusHoldsAValidModelAndCorruptVariants() throws {
        let files = Self.smallFiles(in: "corpus/model")
        #expect(files.count >= 10)
        let tiny = try Self.bytes("corpus/model", "tiny.safetensors")
        #expect(throws: Never.self) { try ImageClassifier(modelFileBytes: tiny, name: "tiny.safetensors") }
    }

    @Test(arguments: smallFiles(in: "corpus/model"))
    func corpusFileLoadsOrFailsCleanly(_ file: String) throws {
        let bytes = try Self.bytes("corpus/model", file)
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
