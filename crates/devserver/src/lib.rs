//! A small static file server for `dist/`, on loopback.
//!
//! It stands for "whatever static host first delivered the app": plain files, the right
//! MIME types for `.wasm` and `.webmanifest`, `index.html` for directories, and
//! `Cache-Control: no-cache` so a new build is always seen. HTTP/1.1 with keep-alive,
//! one thread per connection; `GET` and `HEAD` only.

use owndir_core::RequestPath;
use owndir_core::std_fs::native_path;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Longest request head accepted, in bytes.
const MAX_HEAD_BYTES: u64 = 16 * 1024;

/// A running server. Dropping it stops it.
#[derive(Debug)]
pub struct StaticServer {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `root` on `127.0.0.1:port` (`0` picks a free port).
    pub fn start(root: impl Into<PathBuf>, port: u16) -> io::Result<StaticServer> {
        let root: Arc<Path> = Arc::from(root.into());
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let address = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let stop_flag = stopping.clone();
        let acceptor = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                let stop_flag = stop_flag.clone();
                std::thread::spawn(move || {
                    // A broken connection is the client's business.
                    let _ = serve_connection(&root, stream, &stop_flag);
                });
            }
        });
        Ok(StaticServer { address, stopping, acceptor: Some(acceptor) })
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
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }

    /// Stops accepting, and answers no further request on open connections: the static
    /// host goes away, as when a phone is offline.
    pub fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop();
    }
}

struct RequestHead {
    method: String,
    target: String,
    keep_alive: bool,
}

fn read_head(reader: &mut impl BufRead) -> io::Result<Option<RequestHead>> {
    let mut limited = reader.take(MAX_HEAD_BYTES);
    let mut request_line = String::new();
    if limited.read_line(&mut request_line)? == 0 {
        return Ok(None);
    }
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "bad request line"));
    };
    let mut keep_alive = version == "HTTP/1.1";
    loop {
        let mut line = String::new();
        if limited.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "truncated head"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("connection")
        {
            let value = value.trim().to_ascii_lowercase();
            keep_alive = if keep_alive { value != "close" } else { value == "keep-alive" };
        }
    }
    Ok(Some(RequestHead { method: method.to_owned(), target: target.to_owned(), keep_alive }))
}

fn serve_connection(root: &Path, stream: TcpStream, stopping: &AtomicBool) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    // An answer goes out in several small writes (head, then body). With Nagle's algorithm
    // the second waits for the client's ACK of the first, which the client delays ~40 ms:
    // every small file took 40+ ms (seen by `cargo xtask bench`).
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(head) = read_head(&mut reader)? {
        // A stopped host answers nothing more, even on a connection kept alive.
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        respond(root, &head, head.keep_alive, &mut writer)?;
        if !head.keep_alive {
            break;
        }
    }
    Ok(())
}

enum Answer {
    File(PathBuf),
    Redirect(String),
    Status(u16, &'static str),
}

fn resolve(root: &Path, target: &str) -> Answer {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Ok(RequestPath { path, trailing_slash }) = RequestPath::from_url_path(path) else {
        return Answer::Status(400, "Bad Request");
    };
    let native = native_path(root, &path);
    if native.is_dir() {
        if !trailing_slash {
            return Answer::Redirect(path.to_dir_url());
        }
        let index = native.join("index.html");
        return if index.is_file() { Answer::File(index) } else { Answer::Status(404, "Not Found") };
    }
    if native.is_file() && !trailing_slash { Answer::File(native) } else { Answer::Status(404, "Not Found") }
}

fn respond(root: &Path, head: &RequestHead, keep_alive: bool, out: &mut TcpStream) -> io::Result<()> {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let is_head = head.method == "HEAD";
    if head.method != "GET" && !is_head {
        return write_status(out, 405, "Method Not Allowed", connection, "Allow: GET, HEAD\r\n");
    }
    match resolve(root, &head.target) {
        Answer::File(native) => {
            let mut file = File::open(&native)?;
            let size = file.metadata()?.len();
            let name = native.file_name().and_then(|name| name.to_str()).unwrap_or_default();
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {size}\r\nCache-Control: no-cache\r\nConnection: {connection}\r\n\r\n",
                owndir_core::mime::content_type(name)
            )?;
            if !is_head {
                io::copy(&mut file, out)?;
            }
            out.flush()
        }
        Answer::Redirect(location) => {
            write_status(out, 301, "Moved Permanently", connection, &format!("Location: {location}\r\n"))
        }
        Answer::Status(code, reason) => write_status(out, code, reason, connection, ""),
    }
}

fn write_status(out: &mut TcpStream, code: u16, reason: &str, connection: &str, extra: &str) -> io::Result<()> {
    let body = format!("{code} {reason}\n");
    write!(
        out,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n{extra}Connection: {connection}\r\n\r\n{body}",
        body.len()
    )?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(server: &StaticServer, target: &str) -> String {
        let mut stream = TcpStream::connect(server.address).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    fn fixture() -> (tempfile::TempDir, StaticServer) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<h1>hi</h1>").unwrap();
        std::fs::create_dir_all(dir.path().join("@/app")).unwrap();
        std::fs::write(dir.path().join("@/app/app_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.path().join("@/app/manifest.webmanifest"), "{}").unwrap();
        let server = StaticServer::start(dir.path(), 0).unwrap();
        (dir, server)
    }

    #[test]
    fn serves_files_with_their_types() {
        let (_dir, server) = fixture();
        let root = get(&server, "/");
        assert!(root.starts_with("HTTP/1.1 200 OK\r\n"), "{root}");
        assert!(root.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(root.ends_with("<h1>hi</h1>"));
        assert!(get(&server, "/@/app/app_bg.wasm").contains("Content-Type: application/wasm\r\n"));
        assert!(get(&server, "/%40/app/manifest.webmanifest").contains("application/manifest+json"));
    }

    #[test]
    fn missing_and_hostile_paths_are_refused() {
        let (_dir, server) = fixture();
        assert!(get(&server, "/nope").starts_with("HTTP/1.1 404"));
        assert!(get(&server, "/../etc/passwd").starts_with("HTTP/1.1 400"));
        assert!(get(&server, "/%2e%2e/x").starts_with("HTTP/1.1 400"));
    }

    #[test]
    fn directories_redirect_to_their_slash() {
        let (_dir, server) = fixture();
        let answer = get(&server, "/@/app");
        assert!(answer.starts_with("HTTP/1.1 301"));
        assert!(answer.contains("Location: /%40/app/\r\n"), "{answer}");
    }

    #[test]
    fn a_stopped_server_answers_nothing_on_a_kept_alive_connection() {
        let (_dir, mut server) = fixture();
        let mut stream = TcpStream::connect(server.address).unwrap();
        write!(stream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut first = [0u8; 15];
        stream.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 200 OK");
        server.stop();
        write!(stream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
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
