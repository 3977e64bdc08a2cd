//! A small Chrome DevTools Protocol client over the browser's WebSocket.
//!
//! chromedriver's CDP passthrough only talks to the page; this reaches every target,
//! the service worker included (`Target.attachToTarget` with `flatten`), which is what
//! reading the worker's memory needs.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;
type Sink = futures_util::stream::SplitSink<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    Message,
>;

/// A connection to the browser's DevTools endpoint.
#[derive(Debug)]
pub struct Cdp {
    sink: tokio::sync::Mutex<Sink>,
    pending: Pending,
    events: Arc<Mutex<Vec<Value>>>,
    next_id: AtomicU64,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Cdp {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// The browser's WebSocket URL, from `http://<debugger address>/json/version`.
fn browser_socket_url(debugger_address: &str) -> Result<String, String> {
    let mut stream =
        std::net::TcpStream::connect(debugger_address).map_err(|error| format!("DevTools endpoint: {error}"))?;
    write!(stream, "GET /json/version HTTP/1.1\r\nHost: {debugger_address}\r\nConnection: close\r\n\r\n")
        .map_err(|error| error.to_string())?;
    // Chrome keeps the connection open whatever `Connection` says: read the head, then
    // exactly Content-Length bytes.
    stream.set_read_timeout(Some(crate::WAIT)).map_err(|error| error.to_string())?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let body = loop {
        let read = stream.read(&mut buffer).map_err(|error| format!("/json/version: {error}"))?;
        if read == 0 {
            return Err("/json/version: connection closed early".to_owned());
        }
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer);
        let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
        let length = head
            .lines()
            .find_map(|line| line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("content-length")))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok());
        if length.is_none_or(|length| body.len() >= length) {
            break body.to_owned();
        }
    };
    let version: Value = serde_json::from_str(&body).map_err(|error| format!("/json/version: {error}"))?;
    version["webSocketDebuggerUrl"].as_str().map(str::to_owned).ok_or_else(|| "no webSocketDebuggerUrl".to_owned())
}

impl Cdp {
    /// Connects to the browser whose DevTools listen at `debugger_address` (`host:port`).
    pub async fn connect(debugger_address: &str) -> Result<Cdp, String> {
        Cdp::connect_socket(&browser_socket_url(debugger_address)?).await
    }

    /// Connects to the WebSocket at `url`. WebDriver BiDi (Firefox) has the same shape:
    /// commands with an id, answers with that id, events without.
    pub async fn connect_socket(url: &str) -> Result<Cdp, String> {
        // No size limits: a CDP event can carry a whole request body (an 11 MB `PUT` with
        // `Network.enable` on), and past tungstenite's default 16 MB frame limit the reader
        // would end and every later event be lost without a word.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(None)
            .max_frame_size(None);
        let (socket, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), false)
            .await
            .map_err(|error| format!("DevTools socket: {error}"))?;
        let (sink, mut stream) = socket.split();
        let pending: Pending = Arc::default();
        let answers = pending.clone();
        let events: Arc<Mutex<Vec<Value>>> = Arc::default();
        let seen = events.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else { continue };
                let Ok(message) = serde_json::from_str::<Value>(&text) else { continue };
                // Answers have an id and someone waiting; events are kept for `events`.
                match message["id"].as_u64() {
                    Some(id) => {
                        if let Some(waiter) = answers.lock().ok().and_then(|mut pending| pending.remove(&id)) {
                            let _ = waiter.send(message);
                        }
                    }
                    None => {
                        if let Ok(mut seen) = seen.lock() {
                            seen.push(message);
                        }
                    }
                }
            }
        });
        Ok(Cdp { sink: tokio::sync::Mutex::new(sink), pending, events, next_id: AtomicU64::new(1), reader })
    }

    /// The events named `method` received so far (`{"method", "params", "sessionId"}`).
    pub fn events(&self, method: &str) -> Vec<Value> {
        let events = self.events.lock().map(|events| events.clone()).unwrap_or_default();
        events.into_iter().filter(|event| event["method"] == method).collect()
    }

    /// Attaches to the first target of `kind` (`"page"`, `"service_worker"`) and returns
    /// the session id to pass to [`Cdp::call`].
    pub async fn attach(&self, kind: &str) -> Result<String, String> {
        self.attach_at(kind, "").await
    }

    /// Attaches to the first target of `kind` whose URL starts with `url_prefix` (an
    /// origin, say): with several origins open, "the first worker" may be another's.
    pub async fn attach_at(&self, kind: &str, url_prefix: &str) -> Result<String, String> {
        let targets = self.call("Target.getTargets", json!({}), None).await?;
        let target = targets["targetInfos"]
            .as_array()
            .and_then(|infos| {
                infos.iter().find(|info| {
                    info["type"] == kind && info["url"].as_str().is_some_and(|url| url.starts_with(url_prefix))
                })
            })
            .and_then(|info| info["targetId"].as_str())
            .ok_or_else(|| format!("no {kind} target at {url_prefix:?}"))?
            .to_owned();
        self.attach_target(&target).await
    }

    /// Attaches to the target `target_id` and returns the session id.
    pub async fn attach_target(&self, target_id: &str) -> Result<String, String> {
        let attached =
            self.call("Target.attachToTarget", json!({ "targetId": target_id, "flatten": true }), None).await?;
        attached["sessionId"].as_str().map(str::to_owned).ok_or_else(|| "no session id".to_owned())
    }

    /// Calls `method`, in the target session `session` when given.
    pub async fn call(&self, method: &str, params: Value, session: Option<&str>) -> Result<Value, String> {
        self.call_within(method, params, session, crate::WAIT).await
    }

    /// [`Cdp::call`] that may wait `limit` for the answer: a page script that moves a
    /// gigabyte takes longer than any other call should.
    pub async fn call_within(
        &self,
        method: &str,
        params: Value,
        session: Option<&str>,
        limit: std::time::Duration,
    ) -> Result<Value, String> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let (sender, receiver) = oneshot::channel();
        self.pending.lock().map_err(|_| "poisoned")?.insert(id, sender);
        let sent = async { self.sink.lock().await.send(Message::text(message.to_string())).await };
        tokio::time::timeout(crate::WAIT, sent)
            .await
            .map_err(|_| format!("CDP {method}: send timed out"))?
            .map_err(|error| format!("CDP send: {error}"))?;
        let answer = tokio::time::timeout(limit, receiver)
            .await
            .map_err(|_| format!("CDP {method}: no answer"))?
            .map_err(|_| format!("CDP {method}: connection closed"))?;
        match answer.get("error") {
            Some(error) => Err(format!("CDP {method}: {error}")),
            None => Ok(answer["result"].clone()),
        }
    }
}
