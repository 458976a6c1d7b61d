// The system modules every other target imports, in one place: FoundationEssentials where the
// toolchain has it (Linux: a `classify` process then loads no FoundationInternationalization or
// ICU, which made one prediction twice as slow), Foundation elsewhere; and the C library
// (Glibc, Musl or Darwin) for the math functions, stat, pthreads and signals.
#if canImport(FoundationEssentials)
@_exported import FoundationEssentials
#else
@_exported import Foundation
#endif
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif
