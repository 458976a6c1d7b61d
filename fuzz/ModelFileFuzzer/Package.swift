// swift-tools-version:6.0
// A libFuzzer target for the safetensors model-file loader (ImageClassifier(modelFileBytes:name:)).
// Built separately from the product so the product's build never needs -sanitize=fuzzer;
// see fuzz/README.md for the build command.
import PackageDescription

let package = Package(
    name: "ModelFileFuzzer",
    dependencies: [
        .package(name: "classify", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "ModelFileFuzzer",
            dependencies: [.product(name: "Classifier", package: "classify")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
