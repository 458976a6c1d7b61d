// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "classify",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "classify", targets: ["classify"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Classifier", targets: ["Classifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries, found by pkg-config (Debian: libpng-dev, libopenblas-dev).
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev", "zlib1g-dev"]), .brew(["libpng"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        // The libpng boundary: setjmp/longjmp never cross a Swift frame.
        .target(name: "CPNG", dependencies: ["CLibPNG"]),
        .target(name: "Imaging", dependencies: ["CPNG"]),
        .target(name: "Classifier", dependencies: ["Imaging", "COpenBLAS"]),
        .executableTarget(
            name: "classify",
            dependencies: [
                "Classifier", "Imaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The Swift side of the benchmark (Benchmarks/run.py); not a product, no tests depend on it.
        .executableTarget(name: "classify-bench", dependencies: ["Classifier", "Imaging"],
                          path: "Benchmarks/Sources/classify-bench"),
        // Fixtures are read from the source tree by path (#filePath), not bundled.
        // Helpers shared by the three test targets (temporary folders, fuzz corpora, isClose).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "Imaging", "TestSupport"]),
        .testTarget(name: "classifyTests", dependencies: ["classify", "Classifier", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
