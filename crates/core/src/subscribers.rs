//! `sub`'s listeners, as the worker keeps them while it lives: who watches which
//! directory, the newest event each was sent, when each stream ends, and whether the
//! poller runs. The platform holds one [`Subscribers`] with its streams (`S`) and only
//! sends and closes what this decides.

use crate::watch::{Change, EventFilter, Watched, sse_event};

/// One open event stream.
#[derive(Debug)]
pub struct Subscriber<S> {
    /// Its number, for [`Subscribers::remove`].
    pub id: u32,
    /// The directory it watches, and how deep.
    pub watched: Watched,
    /// The kinds it wants.
    pub filter: EventFilter,
    /// The platform's stream.
    pub stream: S,
    /// The newest event id sent, so replayed and live events never repeat.
    pub last_sent: u64,
    /// When its stream ends (epoch ms): before Chrome cuts a response that never ends.
    pub ends_at_ms: f64,
}

/// Every open stream, and the poller's state.
///
/// ```
/// use owndir_core::SafePath;
/// use owndir_core::subscribers::{Subscriber, Subscribers};
/// use owndir_core::watch::{EventFilter, Watched};
/// let mut subscribers = Subscribers::new();
/// let id = subscribers.new_id();
/// let watched = Watched { path: SafePath::parse("docs").unwrap(), depth: None };
/// let filter = EventFilter::all();
/// subscribers.add(Subscriber { id, watched, filter, stream: (), last_sent: 0, ends_at_ms: 10.0 });
/// assert!(subscribers.start_polling());
/// assert!(!subscribers.start_polling(), "one poller at a time");
/// assert_eq!(subscribers.end_expired(10.0).len(), 1);
/// assert!(!subscribers.keep_polling(), "nobody listens any more");
/// ```
#[derive(Debug)]
pub struct Subscribers<S> {
    listening: Vec<Subscriber<S>>,
    next_id: u32,
    /// A poller runs.
    polling: bool,
    /// A poll is between logging events and delivering them.
    delivering: bool,
    /// A newer build is taking over from this worker.
    retiring: bool,
}

impl<S> Default for Subscribers<S> {
    fn default() -> Self {
        Subscribers { listening: Vec::new(), next_id: 1, polling: false, delivering: false, retiring: false }
    }
}

impl<S> Subscribers<S> {
    /// Nobody listening, no poller.
    pub fn new() -> Subscribers<S> {
        Subscribers::default()
    }

    /// A number no stream of this worker had.
    pub fn new_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A stream joins the live deliveries.
    pub fn add(&mut self, subscriber: Subscriber<S>) {
        self.listening.push(subscriber);
    }

    /// The stream `id` went away (its page cancelled it).
    pub fn remove(&mut self, id: u32) {
        self.listening.retain(|subscriber| subscriber.id != id);
    }

    /// Whether nobody listens.
    pub fn is_empty(&self) -> bool {
        self.listening.is_empty()
    }

    /// The directories to look at, with their depths, each once, in the order their
    /// first streams came.
    pub fn watched(&self) -> Vec<Watched> {
        let mut watched: Vec<Watched> = Vec::new();
        for subscriber in &self.listening {
            if !watched.contains(&subscriber.watched) {
                watched.push(subscriber.watched.clone());
            }
        }
        watched
    }

    /// A newer build is taking over: every stream, to close, and no new ones from now on.
    pub fn retire(&mut self) -> Vec<S> {
        self.retiring = true;
        self.listening.drain(..).map(|subscriber| subscriber.stream).collect()
    }

    /// Whether [`Subscribers::retire`] was called.
    pub fn is_retiring(&self) -> bool {
        self.retiring
    }

    /// The streams whose time is over at `now_ms`, taken out, to close.
    pub fn end_expired(&mut self, now_ms: f64) -> Vec<S> {
        let (ended, kept) = self.listening.drain(..).partition(|subscriber| subscriber.ends_at_ms <= now_ms);
        self.listening = kept;
        ended.into_iter().map(|subscriber| subscriber.stream).collect()
    }

    /// Whether the caller is to start the poller: `false` when one runs already.
    pub fn start_polling(&mut self) -> bool {
        !std::mem::replace(&mut self.polling, true)
    }

    /// Whether the poller goes on: it stops once nobody listens.
    pub fn keep_polling(&mut self) -> bool {
        self.polling = !self.listening.is_empty();
        self.polling
    }

    /// A poll began (`true`) or ended (`false`) logging and delivering events.
    pub fn set_delivering(&mut self, delivering: bool) {
        self.delivering = delivering;
    }

    /// Whether a poll is between logging events and delivering them: a stream catching
    /// up with the log waits for it.
    pub fn is_delivering(&self) -> bool {
        self.delivering
    }

    /// Sends the changes logged under `ids` (with their JSON `data`) to the streams that
    /// watch `root` and want them, each event once. A stream `send` fails on (its page
    /// went away) is dropped.
    pub fn deliver(
        &mut self,
        root: &Watched,
        changes: &[Change],
        ids: &[u64],
        data: &[String],
        mut send: impl FnMut(&S, &str) -> bool,
    ) {
        self.listening.retain_mut(|subscriber| {
            if subscriber.watched != *root {
                return true;
            }
            for ((change, id), data) in changes.iter().zip(ids).zip(data) {
                if *id <= subscriber.last_sent {
                    continue;
                }
                subscriber.last_sent = *id;
                if subscriber.filter.accepts(&subscriber.watched.path, change)
                    && !send(&subscriber.stream, &sse_event(*id, data))
                {
                    return false;
                }
            }
            true
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::SafePath;
    use crate::watch::{ChangeKind, event_json};
    use std::cell::RefCell;

    fn path(text: &str) -> SafePath {
        SafePath::parse(text).unwrap()
    }

    fn tree(text: &str) -> Watched {
        Watched { path: path(text), depth: None }
    }

    /// A stream that keeps what it was sent, or refuses everything.
    #[derive(Debug, Default)]
    struct Stream {
        sent: RefCell<Vec<String>>,
        gone: bool,
    }

    fn subscriber(subscribers: &mut Subscribers<Stream>, at: &str, events: &str, last_sent: u64) -> u32 {
        subscriber_to_depth(subscribers, at, None, events, last_sent)
    }

    fn subscriber_to_depth(
        subscribers: &mut Subscribers<Stream>,
        at: &str,
        depth: Option<u64>,
        events: &str,
        last_sent: u64,
    ) -> u32 {
        let id = subscribers.new_id();
        let filter = EventFilter::parse(Some(events)).unwrap();
        let stream = Stream::default();
        let watched = Watched { path: path(at), depth };
        subscribers.add(Subscriber { id, watched, filter, stream, last_sent, ends_at_ms: 100.0 });
        id
    }

    fn send(stream: &Stream, text: &str) -> bool {
        stream.sent.borrow_mut().push(text.to_owned());
        !stream.gone
    }

    fn sent(subscribers: &Subscribers<Stream>, id: u32) -> Vec<String> {
        let subscriber = subscribers.listening.iter().find(|subscriber| subscriber.id == id).unwrap();
        subscriber.stream.sent.borrow().clone()
    }

    fn changes() -> (Vec<Change>, Vec<u64>, Vec<String>) {
        let changes = vec![
            Change { kind: ChangeKind::Add, path: path("docs/a.txt") },
            Change { kind: ChangeKind::Change, path: path("docs/b.txt") },
        ];
        let data = changes.iter().map(event_json).collect();
        (changes, vec![5, 6], data)
    }

    #[test]
    fn each_stream_gets_the_events_it_wants_once() {
        let mut subscribers = Subscribers::new();
        let all = subscriber(&mut subscribers, "docs", "all", 0);
        let adds = subscriber(&mut subscribers, "docs", "add", 0);
        let caught_up = subscriber(&mut subscribers, "docs", "all", 5);
        let elsewhere = subscriber(&mut subscribers, "notes", "all", 0);
        // The same directory to another depth is another look, with its own events.
        let shallow = subscriber_to_depth(&mut subscribers, "docs", Some(0), "all", 0);
        let (changes, ids, data) = changes();
        subscribers.deliver(&tree("docs"), &changes, &ids, &data, send);
        subscribers.deliver(&tree("docs"), &changes, &ids, &data, send);
        assert_eq!(sent(&subscribers, all), [sse_event(5, &data[0]), sse_event(6, &data[1])]);
        assert_eq!(sent(&subscribers, adds), [sse_event(5, &data[0])]);
        assert_eq!(sent(&subscribers, caught_up), [sse_event(6, &data[1])]);
        assert!(sent(&subscribers, elsewhere).is_empty());
        assert!(sent(&subscribers, shallow).is_empty());
        let own_entries = Watched { path: path("docs"), depth: Some(0) };
        subscribers.deliver(&own_entries, &changes, &ids, &data, send);
        assert_eq!(sent(&subscribers, shallow), [sse_event(5, &data[0]), sse_event(6, &data[1])]);
        assert_eq!(subscribers.watched(), [tree("docs"), tree("notes"), own_entries]);
    }

    #[test]
    fn a_stream_whose_page_went_away_is_dropped() {
        let mut subscribers = Subscribers::new();
        let id = subscribers.new_id();
        let stream = Stream { gone: true, ..Stream::default() };
        let filter = EventFilter::all();
        subscribers.add(Subscriber { id, watched: tree("docs"), filter, stream, last_sent: 0, ends_at_ms: 100.0 });
        let (changes, ids, data) = changes();
        subscribers.deliver(&tree("docs"), &changes, &ids, &data, send);
        assert!(subscribers.is_empty());
    }

    #[test]
    fn streams_end_on_time_and_all_at_once_when_retiring() {
        let mut subscribers = Subscribers::new();
        let first = subscriber(&mut subscribers, "b", "all", 0);
        subscriber(&mut subscribers, "a", "all", 0);
        subscriber(&mut subscribers, "b", "all", 0);
        assert_eq!(subscribers.watched(), [tree("b"), tree("a")]);
        subscribers.remove(first);
        assert_eq!(subscribers.end_expired(99.0).len(), 0);
        assert!(!subscribers.is_retiring());
        assert_eq!(subscribers.retire().len(), 2);
        assert!(subscribers.is_retiring() && subscribers.is_empty());
    }

    #[test]
    fn one_poller_runs_while_anyone_listens() {
        let mut subscribers = Subscribers::new();
        subscriber(&mut subscribers, "", "all", 0);
        assert!(subscribers.start_polling());
        assert!(!subscribers.start_polling());
        assert!(subscribers.keep_polling());
        subscribers.end_expired(100.0);
        assert!(!subscribers.keep_polling());
        assert!(subscribers.start_polling(), "a new stream starts a new poller");
        subscribers.set_delivering(true);
        assert!(subscribers.is_delivering());
    }
}
