import Dispatch
import Platform
import Parallel

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

    private let lock = Condition()
    private var raisedBy: String?
    private var sources: [DispatchSourceSignal] = []

    /// Starts listening for the signals.
    init() {
        for (number, name) in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            // `data` counts the signals since the last call: two quick Ctrl-Cs can arrive as one event.
            // (The source holds its handler and the handler the source: both live as long as the process.)
            source.setEventHandler { [weak self, source] in self?.raise(number, name, count: source.data) }
            source.resume()
            sources.append(source)
        }
    }

    private func raise(_ number: Int32, _ name: String, count: UInt) {
        lock.lock()
        let second = raisedBy != nil || count > 1
        if !second { raisedBy = name }
        lock.unlock()
        if second {
            Console.errRaw("\nInterrupted by \(name) a second time: quitting now without saving.\n")
            // _exit, not exit: atexit handlers and the runtime's teardown would race the threads
            // still training, and the process could then die of a signal instead of this status.
            _exit(128 + number)
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
