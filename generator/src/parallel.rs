//! Work on several threads with results in order: two-stage pipelines (a producer thread
//! computes the next items while the calling thread consumes the current one) and parallel
//! maps over indices.

use std::sync::{mpsc, Mutex, PoisonError};

/// How many produced items may wait for the consumer: enough to hide an uneven item, few
/// enough that the waiting items stay small next to the work.
const QUEUE: usize = 32;

/// Runs `produce` (an iterator whose `next` does the producer's work) on a thread of its
/// own and `consume` on the calling thread, item by item in the iterator's order, so the
/// result is the same as `produce.for_each(consume)`, which is also what runs when no
/// thread can be started. A panic in the producer is resumed on the calling thread.
pub(crate) fn pipelined<T, I, F>(produce: I, mut consume: F)
where
    T: Send,
    I: Iterator<Item = T> + Send,
    F: FnMut(T),
{
    // The producer takes `produce` when it starts; if it cannot start, it is still here.
    let held = Mutex::new(Some(produce));
    let take = || held.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<T>(QUEUE);
        let started = std::thread::Builder::new().spawn_scoped(scope, move || {
            for item in take().into_iter().flatten() {
                if send.send(item).is_err() {
                    break;
                }
            }
        });
        match started {
            Ok(producer) => {
                receive.iter().for_each(&mut consume);
                if let Err(panic) = producer.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            Err(_) => take().into_iter().flatten().for_each(consume),
        }
    });
}

/// `work(i)` for each `i` below `count`, in order, computed on as many threads as the
/// machine has cores (at most 8) in contiguous blocks taken in turn; the first error (by
/// index) is returned.
pub(crate) fn in_parallel<T, E, F>(count: usize, work: F) -> Result<Vec<T>, E>
where
    T: Send,
    E: Send,
    F: Fn(usize) -> Result<T, E> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8);
    // Blocks small enough to balance the threads, large enough to keep hand-overs rare.
    let block = count.div_ceil(threads * 16).max(1);
    let blocks = count.div_ceil(block);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if b >= blocks {
                return done;
            }
            let results: Result<Vec<T>, E> = (b * block..((b + 1) * block).min(count))
                .map(&work)
                .collect();
            done.push((b, results));
        }
    };
    let mut done = if threads == 1 || blocks <= 1 {
        worker()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
            let mut all = worker();
            for handle in handles {
                match handle.join() {
                    Ok(done) => all.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        })
    };
    done.sort_by_key(|(b, _)| *b);
    let mut all = Vec::with_capacity(count);
    for (_, results) in done {
        all.extend(results?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_arrive_in_order_and_all_of_them() {
        let mut seen = Vec::new();
        pipelined((0..1000).map(|i| i * 2), |x| seen.push(x));
        assert_eq!(seen, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_the_producer_reaches_the_caller() {
        let result = std::panic::catch_unwind(|| {
            pipelined(
                (0..10).map(|i| if i == 5 { panic!("producer") } else { i }),
                |_| {},
            )
        });
        assert!(result.is_err());
    }
}
