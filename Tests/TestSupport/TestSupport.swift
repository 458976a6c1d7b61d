import Foundation

/// The helpers every test target shares (one copy, not one per suite): the repository's folders,
/// fresh temporary folders, the fuzz corpora and the one float comparison.
public enum Repository {
    /// The repository root, from this file's path (`Tests/TestSupport/TestSupport.swift`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `fuzz/` at the root.
    public static let fuzz = root.appendingPathComponent("fuzz")

    /// Files of `fuzz/<folder>` smaller than 64 KiB, sorted by name, hidden files left out.
    /// Empty when the folder is missing: callers assert the count they expect, so a renamed or
    /// lost folder fails instead of running a loop zero times.
    public static func smallFuzzFiles(in folder: String) -> [String] {
        let url = fuzz.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            guard !name.hasPrefix("."),
                  let size = (try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(name).path))?[.size] as? Int
            else { return false }
            return size < 65_536
        }.sorted()
    }

    /// The bytes of `fuzz/<folder>/<file>`.
    public static func fuzzBytes(_ folder: String, _ file: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: fuzz.appendingPathComponent(folder).appendingPathComponent(file)))
    }
}

/// A fresh empty folder under the system's temporary folder; the caller removes it.
public func temporaryFolder(_ prefix: String = "classify-tests") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The one tolerance of every suite: `|x − y| ≤ absolute + relative·max(|x|, |y|)`.
public func isClose<T: BinaryFloatingPoint>(_ x: T, _ y: T, absolute: T = 1e-6, relative: T = 1e-5) -> Bool {
    abs(x - y) <= absolute + relative * max(abs(x), abs(y))
}

/// Element-wise `isClose` of two arrays of the same count.
public func isClose<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], absolute: T = 1e-6, relative: T = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, absolute: absolute, relative: relative) }
}
