import Foundation
import Testing
@testable import Classifier

/// Writing a model where the user may not write: as root (CI) in a child that dropped to `nobody`.
@Suite struct ModelFilePermissionTests {
    static let readOnlyFolderVariable = "CLASSIFY_TEST_READONLY_FOLDER"

    /// Root ignores folder permissions, and CI runs as root: so as root the write runs in a child
    /// that dropped to `nobody` (`setpriv`, re-running this test bundle with a filter on
    /// `readOnlyFolderWriteFails`); as another user it runs here.
    @Test func writeIntoAReadOnlyFolderFailsAndLeavesTheExistingFileIntact() throws {
        let folder = try temporaryFolder()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            try? FileManager.default.removeItem(at: folder)
        }
        let url = folder.appendingPathComponent("model.safetensors")
        try ModelFileFixtures.classifier(seed: 1).write(to: url)
        let before = try Data(contentsOf: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        if getuid() == 0 {
            let outcome = try runAsNobody(testNamed: "readOnlyFolderWriteFails", environment: [Self.readOnlyFolderVariable: folder.path])
            #expect(outcome.status == 0, "the unprivileged child failed: \(outcome.output)")
            #expect(outcome.output.contains("1 test"), "the child ran the test: \(outcome.output)")
        } else {
            try Self.checkReadOnlyWrite(in: folder)
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    /// The unprivileged half of the test above: runs only in the child it starts.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[readOnlyFolderVariable] != nil))
    func readOnlyFolderWriteFails() throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.readOnlyFolderVariable])
        #expect(getuid() != 0)
        try Self.checkReadOnlyWrite(in: URL(fileURLWithPath: path))
    }

    static func checkReadOnlyWrite(in folder: URL) throws {
        let url = folder.appendingPathComponent("model.safetensors")
        let before = try Data(contentsOf: url)
        let error = #expect(throws: ClassifierError.self) { try ModelFileFixtures.classifier().write(to: url) }
        #expect(error?.description.contains("Permission denied") == true, "\(String(describing: error))")
        #expect(error?.description.contains(url.path) == true)
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }
}
