/// Balanced sampling (`--class-weight balanced`): every epoch draws the same number of examples
/// from every class, so each class weighs the same in the epoch's cost whatever its size.
///
/// An epoch keeps the length of an ordinary one: `perClass = ⌈n / K⌉` examples from each of the
/// `K` classes that have examples (`n` training examples in all). Each class draws from its own
/// stream, a shuffled cycle through its examples that goes on from epoch to epoch and is shuffled
/// afresh whenever it is used up: a large class's examples are all seen, in turn, over
/// `n_c / perClass` epochs, a small class's several times per epoch, never one twice before all
/// its others once. (Drawing `max n_c` from every class instead would make an epoch of a 10:1 set
/// almost twice as long as the set, for the same number of steps per unit of learning.)
struct BalancedSampler {
    /// Per class with examples: its examples in the current cycle's order.
    private var streams: [[Int]]
    /// Per class: how many of the current cycle's examples have been drawn.
    private var cursors: [Int]
    /// Examples drawn from each class per epoch.
    let perClass: Int

    /// A sampler over `byClass` (each class's example indices; empty classes are left out) for
    /// `exampleCount` training examples. Every stream is shuffled on first use.
    init(byClass: [[Int]], exampleCount: Int) {
        streams = byClass.filter { !$0.isEmpty }
        cursors = streams.map(\.count)  // used up: the first draw shuffles
        perClass = streams.isEmpty ? 0 : (exampleCount + streams.count - 1) / streams.count
    }

    /// Examples per epoch, `perClass · K`.
    var epochLength: Int { perClass * streams.count }

    /// The next epoch's examples, class by class (`perClass` from each; shuffle them for batches).
    mutating func nextEpoch(using generator: inout SeededGenerator) -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(epochLength)
        for c in streams.indices {
            var needed = perClass
            while needed > 0 {
                if cursors[c] == streams[c].count {
                    Dataset.shuffle(&streams[c], using: &generator)
                    cursors[c] = 0
                }
                let take = min(needed, streams[c].count - cursors[c])
                order += streams[c][cursors[c] ..< cursors[c] + take]
                cursors[c] += take
                needed -= take
            }
        }
        return order
    }
}
