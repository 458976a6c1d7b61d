import Platform

package extension String {
    /// `printf`-style formatting in the C locale (`"%.1f"` → `"2.5"`): what the package used
    /// Foundation's `String(format:)` for, which lives in the Foundation that `FoundationEssentials`
    /// leaves out (with ICU, the larger part of a `classify predict` process's start-up).
    /// Integers are written with `%ld`, `Int` being 64 bits.
    init(cFormat format: String, _ arguments: CVarArg...) {
        var buffer = [CChar](repeating: 0, count: 128)
        let needed = withVaList(arguments) { Int(vsnprintf(&buffer, buffer.count, format, $0)) }
        if needed >= buffer.count {
            buffer = [CChar](repeating: 0, count: needed + 1)
            _ = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
