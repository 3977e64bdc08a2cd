//! The static host for `dist/`, on loopback: tower-http's `ServeDir` on axum.
//!
//! It stands for "whatever static host first delivered the app": plain files with their
//! types (`.wasm`, `.webmanifest` among them), `index.html` for directories, and
//! `Cache-Control: no-cache` so a new build is always seen. It runs on its own thread's
//! tokio runtime, so callers need none.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::serve::ListenerExt;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::thread::JoinHandle;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// A running server. Dropping it stops it.
#[derive(Debug)]
pub struct StaticServer {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl StaticServer {
    /// Serves `root` on `127.0.0.1:port` (`0` picks a free port).
    pub fn start(root: impl Into<PathBuf>, port: u16) -> io::Result<StaticServer> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let app = Router::new()
            .fallback_service(ServeDir::new(root.into()))
            .layer(axum::middleware::map_response(utf8_text))
            .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            runtime.block_on(async move {
                // Nagle's algorithm held the answer's second small write until the
                // browser's delayed ACK (~40 ms a request on loopback); servers turn it off.
                let listener = tokio::net::TcpListener::from_std(listener)?.tap_io(|stream| {
                    let _ = stream.set_nodelay(true);
                });
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
            })?;
            // Connections still open (kept alive, or mid-answer) end with the runtime: a
            // stopped host answers nothing more, as when a phone is offline.
            runtime.shutdown_background();
            Ok(())
        });
        Ok(StaticServer { address, stop: Some(stop), thread: Some(thread) })
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Blocks until the server stops (for `cargo xtask serve`).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Stops accepting, and answers no further request on open connections: the static
    /// host goes away, as when a phone is offline.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `dist/` is our own UTF-8 text: say so, as a configured static host does (`ServeDir`
/// names only the type, and the app's cached shell keeps the host's headers).
async fn utf8_text(mut response: Response) -> Response {
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    if let Some(content_type) = content_type
        && (content_type.starts_with("text/") || content_type == "application/javascript")
        && !content_type.contains("charset")
        && let Ok(value) = HeaderValue::from_str(&format!("{content_type}; charset=utf-8"))
    {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn get(server: &StaticServer, target: &str) -> String {
        let mut stream = TcpStream::connect(server.address).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.to_ascii_lowercase()
    }

    fn fixture() -> (tempfile::TempDir, StaticServer) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<h1>hi</h1>").unwrap();
        std::fs::create_dir_all(dir.path().join("@/app")).unwrap();
        std::fs::write(dir.path().join("@/app/app_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.path().join("@/app/manifest.webmanifest"), "{}").unwrap();
        std::fs::write(dir.path().join("sw.js"), "//").unwrap();
        let server = StaticServer::start(dir.path(), 0).unwrap();
        (dir, server)
    }

    #[test]
    fn serves_files_with_their_types() {
        let (_dir, server) = fixture();
        let root = get(&server, "/");
        assert!(root.starts_with("http/1.1 200 ok\r\n"), "{root}");
        assert!(root.contains("content-type: text/html; charset=utf-8\r\n"), "{root}");
        assert!(root.ends_with("<h1>hi</h1>"));
        assert!(get(&server, "/@/app/app_bg.wasm").contains("content-type: application/wasm\r\n"));
        assert!(get(&server, "/%40/app/manifest.webmanifest").contains("content-type: application/manifest+json"));
        assert!(get(&server, "/sw.js").contains("cache-control: no-cache\r\n"));
    }

    #[test]
    fn missing_and_hostile_paths_are_refused() {
        let (_dir, server) = fixture();
        assert!(get(&server, "/nope").starts_with("http/1.1 404"));
        for hostile in ["/../etc/passwd", "/%2e%2e/x", "/@/../../etc/passwd"] {
            let answer = get(&server, hostile);
            assert!(answer.starts_with("http/1.1 404") || answer.starts_with("http/1.1 400"), "{hostile}: {answer}");
        }
    }

    #[test]
    fn directories_redirect_to_their_slash() {
        let (_dir, server) = fixture();
        let answer = get(&server, "/@/app");
        assert!(answer.starts_with("http/1.1 30"), "{answer}");
        assert!(answer.contains("location: /@/app/\r\n"), "{answer}");
    }

    #[test]
    fn a_stopped_server_answers_nothing_on_a_kept_alive_connection() {
        let (_dir, mut server) = fixture();
        let mut stream = TcpStream::connect(server.address).unwrap();
        write!(stream, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut first = [0u8; 15];
        stream.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 200 OK");
        server.stop();
        let _ = write!(stream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        // What is left is the end of the first answer; a second would start a status line.
        assert_eq!(String::from_utf8_lossy(&rest).matches("HTTP/1.1").count(), 0, "{}", String::from_utf8_lossy(&rest));
    }

    #[test]
    fn a_stopped_server_refuses_connections() {
        let (_dir, mut server) = fixture();
        server.stop();
        assert!(TcpStream::connect(server.address).is_err());
    }
}
