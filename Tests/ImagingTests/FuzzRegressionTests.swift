import Foundation
import Testing
@testable import Imaging

/// What fuzzing found in the PNG decoder, kept tested: every input `fuzz/png_fuzzer.c` ever
/// crashed, hung or blew up on (`fuzz/regressions/png/`), and every small file of the fuzzer's
/// seed corpus (`fuzz/corpus/png/`), goes through `PNG.decode` and must come out as an image or
/// a clean `ImagingError` — never a crash, a sanitizer report or a runaway allocation.
@Suite struct FuzzRegressionTests {
    static let fuzzFolder = Repository.fuzz
    static func smallFiles(in folder: String) -> [String] { Repository.smallFuzzFiles(in: folder) }

    /// The process's peak resident memory in bytes (`getrusage`, kilobytes on Linux).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// One crash or hang the fuzzer found, and the error its input must now give.
    struct Finding: Sendable, CustomTestStringConvertible {
        /// File name in `fuzz/regressions/png/`.
        var file: String
        /// The error the decoder must report.
        var error: ImagingError
        var testDescription: String { file }
    }

    static let findings: [Finding] = [
        // A 166-byte file whose tEXt chunk claims 1.9 GB: libpng only warned about the length and
        // allocated and cleared 1.9 GB (11–27 s, 1.9 GB RSS) before finding that the file ends.
        // Fixed in cpng.c by skipping every ancillary chunk but tRNS unread.
        Finding(file: "timeout-huge-text-chunk.png", error: .truncatedPNG(file: "timeout-huge-text-chunk.png")),
    ]

    @Test(arguments: findings)
    func fuzzFindingGivesACleanErrorWithoutARunawayAllocation(_ finding: Finding) throws {
        let url = Self.fuzzFolder.appendingPathComponent("regressions/png").appendingPathComponent(finding.file)
        let bytes = try [UInt8](Data(contentsOf: url))
        let before = Self.peakResidentBytes()
        #expect(throws: finding.error) {
            try PNG.decode(bytes, name: finding.file)
        }
        let growth = Self.peakResidentBytes() - before
        #expect(growth < 256 << 20, "decoding a \(bytes.count)-byte file raised peak memory by \(growth >> 20) MB")
    }

    @Test func everyRegressionFileIsInTheTable() {
        #expect(Self.smallFiles(in: "regressions/png") == Self.findings.map(\.file).sorted())
    }

    @Test func seedCorpusIsPresent() {
        #expect(Self.smallFiles(in: "corpus/png").count >= 10)
    }

    @Test(arguments: smallFiles(in: "corpus/png"))
    func corpusFileDecodesOrFailsCleanly(_ file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.fuzzFolder.appendingPathComponent("corpus/png").appendingPathComponent(file)))
        do {
            let image = try PNG.decode(bytes, name: file)
            #expect(image.samples.count == image.width * image.height * image.channels)
            #expect((1...4).contains(image.channels))
            if image.bitDepth == 8 { #expect(image.samples.allSatisfy { $0 <= 255 }) }
        } catch {
            // Any typed error is a clean outcome; it must still name the file.
            #expect(error.description.contains(file))
        }
    }
}
