import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) and the other signals that ask a program to stop (SIGTERM from `kill` or
/// a supervisor, SIGHUP when the terminal goes away, SIGQUIT from Ctrl-\) into a flag that
/// training polls after every batch, so the current batch finishes and the best model so far is
/// saved. A second signal exits at once (128 + signal number); the model file is written
/// atomically, so that never leaves a torn file, and a temporary file it leaves behind is removed
/// by the next write to the same path.
final class InterruptFlag: @unchecked Sendable {
    /// The signals handled, with the words used to report them.
    static let signals: [(number: Int32, name: String)] = [
        (SIGINT, "Ctrl-C"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT"),
    ]

    private let lock = NSLock()
    private var raisedBy: String?
    private var sources: [DispatchSourceSignal] = []

    /// Starts listening for the signals.
    init() {
        for (number, name) in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.raise(number, name) }
            source.resume()
            sources.append(source)
        }
    }

    private func raise(_ number: Int32, _ name: String) {
        lock.lock()
        let second = raisedBy != nil
        if !second { raisedBy = name }
        lock.unlock()
        if second {
            Console.errRaw("\nInterrupted by \(name) a second time: quitting now without saving.\n")
            exit(128 + number)
        }
        Console.errRaw("\nInterrupted by \(name): finishing this batch, then saving the best model so far"
            + " (send it again to quit at once).\n")
    }

    /// True once a signal arrived.
    var isRaised: Bool { reason != nil }

    /// What stopped training ("Ctrl-C", "SIGTERM", …), or nil.
    var reason: String? {
        lock.lock()
        defer { lock.unlock() }
        return raisedBy
    }
}
