//! Single-file reads go before a listing's next batch of opened files. The browser's
//! file-system backend answers calls in turn, and a read makes a few in a row (walk, file
//! handle, file): without this, each of them queued behind a fresh batch of the listing's
//! calls, so a small GET during a big listing took 4× its idle time.

use gloo_timers::future::TimeoutFuture;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Poll, Waker};

/// The longest a batch waits for reads, so that a stream of reads slows a listing but
/// never stops it.
const WAIT_AT_MOST_MS: u32 = 50;

#[derive(Default)]
struct Reads {
    under_way: usize,
    /// Batches waiting for `under_way` to reach 0.
    waiting: Vec<Waker>,
}

thread_local! {
    static READS: RefCell<Reads> = RefCell::default();
}

/// A read under way, until dropped.
pub struct Reading(());

/// Counts a read as under way while the returned value lives.
pub fn reading() -> Reading {
    READS.with(|reads| reads.borrow_mut().under_way += 1);
    Reading(())
}

impl Drop for Reading {
    fn drop(&mut self) {
        let waiting = READS.with(|reads| {
            let mut reads = reads.borrow_mut();
            reads.under_way -= 1;
            if reads.under_way == 0 { std::mem::take(&mut reads.waiting) } else { Vec::new() }
        });
        waiting.into_iter().for_each(Waker::wake);
    }
}

fn reads_under_way() -> bool {
    READS.with(|reads| reads.borrow().under_way > 0)
}

/// Resolves once no read is under way, or after [`WAIT_AT_MOST_MS`].
pub async fn after_reads() {
    if !reads_under_way() {
        return;
    }
    let mut limit = TimeoutFuture::new(WAIT_AT_MOST_MS);
    std::future::poll_fn(|cx| {
        if !reads_under_way() || Pin::new(&mut limit).poll(cx).is_ready() {
            return Poll::Ready(());
        }
        READS.with(|reads| reads.borrow_mut().waiting.push(cx.waker().clone()));
        Poll::Pending
    })
    .await
}
