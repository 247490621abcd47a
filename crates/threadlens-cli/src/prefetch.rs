//! Reading ahead on a thread of its own, so decoding the next batch of
//! posts overlaps with scoring the current one.

use std::sync::mpsc::sync_channel;

/// The items of `items`, produced up to `depth` ahead on another thread.
pub(crate) fn prefetch<T, I>(items: I, depth: usize) -> impl Iterator<Item = T>
where
    T: Send + 'static,
    I: Iterator<Item = T> + Send + 'static,
{
    let (sender, receiver) = sync_channel(depth);
    std::thread::spawn(move || {
        for item in items {
            // The receiver is gone when the consumer stopped early.
            if sender.send(item).is_err() {
                break;
            }
        }
    });
    receiver.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_arrive_in_order_and_stopping_early_is_fine() {
        let all: Vec<u32> = prefetch(0..1000u32, 2).collect();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        let first: Vec<u32> = prefetch(0..1_000_000u32, 1).take(3).collect();
        assert_eq!(first, [0, 1, 2]);
    }
}
