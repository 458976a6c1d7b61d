import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a flag that training polls after every batch, so the current
/// batch finishes and the best model so far is saved. A second Ctrl-C exits at once (exit 130);
/// the model file is written atomically, so that never leaves a torn file either.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: DispatchSourceSignal?

    /// Starts listening for SIGINT.
    init() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.raise() }
        source.resume()
        self.source = source
    }

    private func raise() {
        lock.lock()
        let second = raised
        raised = true
        lock.unlock()
        if second {
            FileHandle.standardError.write(Data("\nInterrupted twice: stopping now without saving.\n".utf8))
            exit(130)
        }
        let message = "\nInterrupted: finishing this batch, then saving the best model so far (Ctrl-C again to quit at once).\n"
        FileHandle.standardError.write(Data(message.utf8))
    }

    /// True once Ctrl-C was pressed.
    var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }
}
