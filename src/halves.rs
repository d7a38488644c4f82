//! Work over a large slice split between two threads (the machines plancost runs on in CI have
//! two cores or more).

/// A slice at least this long is worked on by two threads; below it, a thread costs more than it
/// saves.
pub const TWO_THREADS_FROM: usize = 4096;

/// `work` over `items`: in one call below [`TWO_THREADS_FROM`] items, else over their two halves
/// at once, the second on another thread. The results are in the items' order; a panic on the
/// other thread is resumed on this one.
pub fn in_halves<'a, T: Sync, R: Send>(
    items: &'a [T],
    work: impl Fn(&'a [T]) -> R + Sync,
) -> Vec<R> {
    if items.len() < TWO_THREADS_FROM {
        return vec![work(items)];
    }
    let (first, second) = items.split_at(items.len() / 2);
    let (first, second) = both(true, || work(first), || work(second));
    vec![first, second]
}

/// `first` and `second` at once, `second` on another thread, when `large`; else one after the
/// other. A panic on the other thread is resumed on this one.
pub fn both<A, B: Send>(
    large: bool,
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !large {
        return (first(), second());
    }
    std::thread::scope(|scope| {
        let second = scope.spawn(second);
        let first = first();
        let second = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}
