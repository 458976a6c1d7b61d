import ArgumentParser

@main
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train and run an image classifier.")
}
