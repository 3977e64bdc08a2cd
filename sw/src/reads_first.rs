//! Single-file reads go before a listing's next batch of opened files. The browser's
//! file-system backend answers calls in turn, and a read makes a few in a row (walk, file
//! handle, file): without this, each of them queued behind a fresh batch of the listing's
//! calls, so a small GET during a big listing took 4× its idle time.

use gloo_timers::future::TimeoutFuture;
use std::cell::Cell;

/// The longest a batch waits for reads, so that a stream of reads slows a listing but
/// never stops it.
const WAIT_AT_MOST_MS: u32 = 50;

thread_local! {
    static READS_UNDER_WAY: Cell<usize> = const { Cell::new(0) };
}

/// A read under way, until dropped.
pub struct Reading(());

/// Counts a read as under way while the returned value lives.
pub fn reading() -> Reading {
    READS_UNDER_WAY.with(|reads| reads.set(reads.get() + 1));
    Reading(())
}

impl Drop for Reading {
    fn drop(&mut self) {
        READS_UNDER_WAY.with(|reads| reads.set(reads.get() - 1));
    }
}

/// Resolves once no read is under way (looked at every timer tick: a read takes a few
/// milliseconds), or after [`WAIT_AT_MOST_MS`].
pub async fn after_reads() {
    let until = js_sys::Date::now() + f64::from(WAIT_AT_MOST_MS);
    while READS_UNDER_WAY.with(Cell::get) > 0 && js_sys::Date::now() < until {
        TimeoutFuture::new(1).await;
    }
}
