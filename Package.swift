// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "classify",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "classify", targets: ["classify"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Classifier", targets: ["Classifier"]),
        .library(name: "Report", targets: ["Report"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The one system library, found by pkg-config (Debian: libpng-dev, zlib1g-dev). OpenBLAS is
        // not a build requirement: CGEMM loads it at run time when it is installed.
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev", "zlib1g-dev"]), .brew(["libpng"])]
        ),
        // The libpng boundary: setjmp/longjmp never cross a Swift frame. zlib directly too: the shim checks
        // chunk CRCs and inflates the image data itself to classify a failure (cpng_classify.c).
        .target(name: "CPNG", dependencies: ["CLibPNG"], linkerSettings: [.linkedLibrary("z")]),
        // Matrix products: the built-in sgemm (AVX2+FMA chosen at run time, no ISA flag here) and
        // OpenBLAS through dlopen.
        .target(name: "CGEMM", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])),
                                                .linkedLibrary("pthread", .when(platforms: [.linux]))]),
        // The one parallel-for of the package (decoding in Imaging, products and prediction in Classifier).
        .target(name: "Platform"),
        .target(name: "Parallel", dependencies: ["Platform"]),
        .target(name: "Imaging", dependencies: ["CPNG", "Parallel", "Platform"]),
        .target(name: "Classifier", dependencies: ["Imaging", "CGEMM", "Parallel", "Platform"]),
        // The HTML report: SVG charts and PNG pictures of a model's evaluation; no math of its own.
        .target(name: "Report", dependencies: ["Classifier", "Imaging", "Platform"]),
        .executableTarget(
            name: "classify",
            dependencies: [
                "Classifier", "Imaging", "Report", "Parallel", "Platform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The Swift side of the benchmark (Benchmarks/run.py); not a product, no tests depend on it.
        .executableTarget(name: "classify-bench", dependencies: ["Classifier", "Imaging"],
                          path: "Benchmarks/Sources/classify-bench"),
        // Fixtures are read from the source tree by path (#filePath), not bundled.
        // Helpers shared by the three test targets (temporary folders, fuzz corpora, isClose).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "Parallel", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "classifyTests", dependencies: ["classify", "Classifier", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Classifier", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
