//! The ways the same files are served, and the native ones started on loopback.

use owndir_devserver::StaticServer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One way of serving the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Host {
    /// Our worker (Rust/wasm) serving the origin's private folder.
    Ours,
    /// Our worker on an origin of its own, serving the native copy on disk itself: the
    /// folder dropped on its start page, as a person connects a folder.
    OursDisk,
    /// `bench/plain-sw.js` serving the same folder of its own origin: the floor.
    PlainWorker,
    /// `crates/devserver` serving the copy on disk.
    DevServer,
    /// `static-web-server` (from crates.io) serving the copy on disk.
    StaticWebServer,
}

impl Host {
    /// Every server, in the order of the table's columns.
    pub const ALL: [Host; 5] = [Host::Ours, Host::OursDisk, Host::PlainWorker, Host::DevServer, Host::StaticWebServer];

    /// The key in `bench.json`.
    pub fn key(self) -> &'static str {
        match self {
            Host::Ours => "ours",
            Host::OursDisk => "ours_disk",
            Host::PlainWorker => "plain_js_worker",
            Host::DevServer => "devserver",
            Host::StaticWebServer => "static_web_server",
        }
    }

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            Host::Ours => "ours (sw)",
            Host::OursDisk => "ours on disk (sw)",
            Host::PlainWorker => "plain-JS sw",
            Host::DevServer => "devserver",
            Host::StaticWebServer => "static-web-server",
        }
    }
}

/// The `static-web-server` binary: on `PATH`, or where `cargo install` puts it.
pub fn find_static_web_server() -> Option<PathBuf> {
    let name = "static-web-server";
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).map(|dir| dir.join(name)).collect::<Vec<_>>())
        .unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    on_path.into_iter().chain(cargo_home.map(|home| home.join("bin").join(name))).find(|path| path.is_file())
}

/// A running `static-web-server`. Dropping it stops it.
#[derive(Debug)]
pub struct StaticWebServer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// What `--version` said.
    pub version: String,
}

impl StaticWebServer {
    /// Serves `root` on a free loopback port. Its directory listing is asked for as JSON,
    /// to compare with our worker's JSON listing; compression is off, since on loopback
    /// it only costs (and our worker sends no compressed bodies either).
    pub fn start(binary: &Path, root: &Path) -> Result<StaticWebServer, String> {
        let version = Command::new(binary)
            .arg("--version")
            .output()
            // "Version:      2.44.1" on the first of several lines.
            .map(|out| {
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                let first = text.lines().next().unwrap_or_default();
                format!("static-web-server {}", first.trim_start_matches("Version:").trim())
            })
            .map_err(|error| format!("{}: {error}", binary.display()))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| format!("no free port: {error}"))?
            .port();
        let child = Command::new(binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--root"])
            .arg(root)
            .args(["--directory-listing", "true", "--directory-listing-format", "json"])
            .args(["--compression", "false", "--log-level", "error"])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let server = StaticWebServer { child, origin: format!("http://127.0.0.1:{port}"), version };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("static-web-server did not start listening".to_owned());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }
}

impl Drop for StaticWebServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Our static server on the native copy.
pub fn start_devserver(root: &Path) -> Result<StaticServer, String> {
    StaticServer::start(root, 0).map_err(|error| format!("cannot start the devserver: {error}"))
}

/// The plain-JS worker's origin: our static server on `bench/` (its page and worker).
pub fn start_plain_worker_host() -> Result<StaticServer, String> {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("bench");
    StaticServer::start(bench, 0).map_err(|error| format!("cannot serve bench/: {error}"))
}
