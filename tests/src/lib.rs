//! The browser test harness, shared by every end-to-end test in `tests/tests/`.
//!
//! [`Harness::start`] serves `dist/` on a free loopback port with our static server,
//! launches Debian's headless Chromium with a fresh profile through chromedriver, and
//! gives helpers to connect browser storage (OPFS), seed files into it, fetch through the
//! worker from the page, stop the worker (CDP), take screenshots and collect console
//! errors. Build `dist/` first (`cargo xtask test` does; `OWNDIR_DIST` points at it).

pub mod cases;
pub mod cdp;
pub mod firefox;
pub mod page;
pub mod syncthing;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use owndir_devserver::StaticServer;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium flags for this machine (PLATFORM.md): headless, as root, no network chatter.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// How long to wait for the page to reach a state before failing.
pub const WAIT: Duration = Duration::from_secs(20);

/// The longest one browser test may take before the whole test binary is stopped: a
/// hung browser must fail CI in minutes, not use up its 90.
pub const TEST_LIMIT: Duration = Duration::from_secs(300);

/// The longest a page script may run.
pub const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

/// A failed step, with what was going on.
pub type Result<T = ()> = std::result::Result<T, String>;

fn fail<E: std::fmt::Display>(context: &'static str) -> impl FnOnce(E) -> String {
    move |error| format!("{context}: {error}")
}

/// The built app: `$OWNDIR_DIST`, or `dist/` at the workspace root.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("OWNDIR_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("dist"))
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join("screenshots")
}

/// A free loopback port.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(fail("no free port"))?;
    listener.local_addr().map(|address| address.port()).map_err(fail("no free port"))
}

/// An answer to a `fetch` made by the page.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The status (0 for an opaque redirect).
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: BTreeMap<String, String>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The final URL, after redirects.
    pub url: String,
    /// True when a redirect was followed.
    pub redirected: bool,
}

impl Fetched {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Fetched {
    /// The answer of [`FETCH_SCRIPT`] for `path`, as both harnesses read it.
    pub fn from_page(path: &str, answer: &Value) -> Result<Fetched> {
        if let Some(error) = answer.get("error") {
            return Err(format!("fetch {path} failed: {error}"));
        }
        let headers = answer["headers"]
            .as_object()
            .map(|headers| {
                headers.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect()
            })
            .unwrap_or_default();
        Ok(Fetched {
            status: answer["status"].as_u64().unwrap_or_default() as u16,
            headers,
            body: BASE64.decode(answer["body"].as_str().unwrap_or_default()).map_err(fail("bad base64"))?,
            url: answer["url"].as_str().unwrap_or_default().to_owned(),
            redirected: answer["redirected"].as_bool().unwrap_or_default(),
        })
    }
}

/// A browser on the served app.
#[derive(Debug)]
pub struct Harness {
    /// The WebDriver client, for anything the helpers do not cover.
    pub client: Client,
    /// The app's origin, `http://127.0.0.1:PORT`.
    pub origin: String,
    /// The browser's own DevTools connection: every target, the worker included.
    pub devtools: cdp::Cdp,
    server: StaticServer,
    driver: Child,
    _profile: tempfile::TempDir,
    /// The directory on disk the test connected, for [`Backend::Disk`].
    disk: Option<tempfile::TempDir>,
    /// Dropping it (when the harness goes) calls off the watchdog.
    _watchdog: std::sync::mpsc::Sender<()>,
}

/// Aborts the process if the sender is still alive after `limit`.
pub fn watchdog(limit: Duration) -> std::sync::mpsc::Sender<()> {
    let (sender, receiver) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = receiver.recv_timeout(limit) {
            eprintln!("a browser session ran over {limit:?}: stopping the process");
            std::process::exit(101);
        }
    });
    sender
}

/// Runs each named test on both backends: for every `name`, a module `name` holding the
/// `#[tokio::test]`s `opfs` and `disk`, which call `name(Backend::Opfs)` and
/// `name(Backend::Disk)`. The test is written once, as `async fn name(backend: Backend)
/// -> Result`; its runs are named `name::opfs` and `name::disk`. Attributes written
/// before a name (`#[ignore = "why"]`) go on both.
///
/// ```ignore
/// async fn a_file_is_served(backend: Backend) -> Result {
///     let harness = Harness::connected_on(backend, &[("a.txt", b"a")]).await?;
///     assert_eq!(harness.get("/a.txt").await?.text(), "a");
///     harness.finish().await
/// }
///
/// on_both_backends!(a_file_is_served, #[ignore = "minutes long"] a_slow_case);
/// ```
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                $(#[$meta])*
                async fn opfs() -> $crate::Result {
                    super::$name($crate::Backend::Opfs).await
                }

                #[tokio::test]
                $(#[$meta])*
                async fn disk() -> $crate::Result {
                    super::$name($crate::Backend::Disk).await
                }
            }
        )+
    };
}

/// Where a test's folder lives: the browser's private storage, or a real directory on
/// disk, handed over as a person would (dropped on the start page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The origin's private file system, connected with **Use browser storage**.
    Opfs,
    /// A temporary directory made with `std::fs`, dropped on the start page, with a
    /// standing grant ("Allow on every visit") in the profile.
    Disk,
}

/// How to start the browser.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Write a standing read and write grant for the app's origin into the profile before
    /// launch, as a person who chose "Allow on every visit" has (PLATFORM.md).
    pub standing_grant: bool,
}

/// What the service worker holds in memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerMemory {
    /// Bytes of JavaScript heap in use (CDP `Runtime.getHeapUsage`).
    pub js_heap_used: f64,
    /// Bytes of wasm linear memory.
    pub wasm: f64,
}

impl Harness {
    /// Serves `dist/` and opens a fresh headless Chromium on it (at `/`).
    pub async fn start() -> Result<Harness> {
        Harness::start_in(&dist_dir()).await
    }

    /// Serves the built app in `dist` (a copy, for tests that change it under the browser).
    pub async fn start_in(dist: &std::path::Path) -> Result<Harness> {
        Harness::start_limited(dist, TEST_LIMIT).await
    }

    /// Serves `dist/` and opens a fresh headless Chromium, started as `options` say.
    pub async fn start_with(options: Options) -> Result<Harness> {
        Harness::start_configured(&dist_dir(), TEST_LIMIT, options, &[]).await
    }

    /// Serves the built app in `dist`, stopping the process if the session outlives
    /// `limit` (the benchmark runs longer than any one test may).
    pub async fn start_limited(dist: &std::path::Path, limit: Duration) -> Result<Harness> {
        Harness::start_configured(dist, limit, Options::default(), &[]).await
    }

    /// [`Harness::start_limited`], with standing grants for these other origins (the
    /// benchmark's second copy of the app, serving a folder on disk).
    pub async fn start_limited_granting(
        dist: &std::path::Path,
        limit: Duration,
        origins: &[String],
    ) -> Result<Harness> {
        Harness::start_configured(dist, limit, Options::default(), origins).await
    }

    async fn start_configured(
        dist: &std::path::Path,
        limit: Duration,
        options: Options,
        granted: &[String],
    ) -> Result<Harness> {
        if !dist.join("sw.js").exists() {
            return Err(format!("{} has no sw.js: run `cargo xtask build` (or `cargo xtask test`)", dist.display()));
        }
        let server = StaticServer::start(dist, 0).map_err(fail("cannot start the static server"))?;
        let origin = server.url();
        let driver_port = free_port()?;
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={driver_port}"))
            // Its own process group, with the Chromium it starts: see `Drop for Harness`.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(fail("cannot start /usr/bin/chromedriver (apt-get install chromium-driver)"))?;
        let profile = tempfile::tempdir().map_err(fail("no temporary profile"))?;
        let mut granted = granted.to_vec();
        if options.standing_grant {
            granted.push(origin.clone());
        }
        if !granted.is_empty() {
            write_standing_grants(profile.path(), &granted)?;
        }
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push("--window-size=1280,800".to_owned());
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
        let webdriver = format!("http://127.0.0.1:{driver_port}");
        let deadline = Instant::now() + WAIT;
        let client = loop {
            let mut builder = ClientBuilder::rustls().map_err(fail("no TLS roots"))?;
            match builder.capabilities(capabilities.clone()).connect(&webdriver).await {
                Ok(client) => break client,
                Err(error) if Instant::now() > deadline => return Err(format!("chromedriver session: {error}")),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        // Page scripts may move hundreds of megabytes (chromedriver's default is 30 s).
        let timeouts = fantoccini::wd::TimeoutConfiguration::new(Some(SCRIPT_TIMEOUT), Some(WAIT), None);
        client.update_timeouts(timeouts).await.map_err(fail("cannot set timeouts"))?;
        let debugger_address = client
            .capabilities()
            .and_then(|capabilities| capabilities.get("goog:chromeOptions"))
            .and_then(|options| options["debuggerAddress"].as_str())
            .ok_or("chromedriver did not say where DevTools listen")?
            .to_owned();
        let devtools = tokio::time::timeout(WAIT, cdp::Cdp::connect(&debugger_address))
            .await
            .map_err(|_| "the DevTools connection timed out".to_owned())??;
        let harness = Harness {
            client,
            origin,
            devtools,
            server,
            driver,
            _profile: profile,
            disk: None,
            _watchdog: watchdog(limit),
        };
        harness.open("/").await?;
        Ok(harness)
    }

    /// Navigates to `path` on the app's origin.
    pub async fn open(&self, path: &str) -> Result {
        self.client.goto(&format!("{}{path}", self.origin)).await.map_err(fail("navigation failed"))
    }

    /// Waits for a button with this visible text (its accessible name) and returns it.
    pub async fn button(&self, name: &str) -> Result<fantoccini::elements::Element> {
        page::button(&self.client, name).await
    }

    /// Clicks the button named `name`, finding it again if it was redrawn meanwhile.
    pub async fn press(&self, name: &str) -> Result {
        page::press(&self.client, name).await
    }

    /// Clicks the element matching `css`, finding it again if it was redrawn meanwhile.
    pub async fn click(&self, css: &str) -> Result {
        page::click(&self.client, css).await
    }

    /// The names in the file app's listing, top to bottom.
    pub async fn listing_rows(&self) -> Result<Vec<String>> {
        page::listing_rows(&self.client).await
    }

    /// Waits until the listing shows exactly `expected`.
    pub async fn wait_for_rows(&self, expected: &[&str]) -> Result {
        page::wait_for_rows(&self.client, expected).await
    }

    /// Waits for an element matching a CSS selector.
    pub async fn element(&self, css: &str) -> Result<fantoccini::elements::Element> {
        page::element(&self.client, css).await
    }

    /// Runs an async script: its last argument is the callback to call with the result.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        page::script(&self.client, script, args).await
    }

    /// Waits until `script` (a JavaScript function body, run in the page) returns `true`.
    pub async fn eventually(&self, script: &str, what: &str) -> Result {
        self.eventually_within(WAIT, script, what).await
    }

    /// [`Harness::eventually`], giving up after `limit`.
    pub async fn eventually_within(&self, limit: Duration, script: &str, what: &str) -> Result {
        page::eventually_within(&self.client, limit, script, what).await
    }

    /// Evaluates `expression` in the page and returns its value.
    pub async fn value(&self, expression: &str) -> Result<Value> {
        page::value(&self.client, expression).await
    }

    /// Waits until the worker controls the page.
    pub async fn wait_for_worker(&self) -> Result {
        let deadline = Instant::now() + WAIT;
        loop {
            let controlled = self
                .client
                .execute("return !!navigator.serviceWorker.controller", vec![])
                .await
                .map_err(fail("cannot ask for the controller"))?;
            if controlled == Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the worker never controlled the page".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A browser whose OPFS holds `files`, connected as browser storage, the page
    /// controlled by the worker: where most browser tests begin.
    pub async fn connected(files: &[(&str, &[u8])]) -> Result<Harness> {
        let harness = Harness::start().await?;
        if !files.is_empty() {
            harness.seed(files).await?;
        }
        harness.connect_browser_storage().await?;
        harness.wait_for_worker().await?;
        Ok(harness)
    }

    /// A browser whose folder holds `files`, on `backend`, connected, the page controlled
    /// by the worker: [`Harness::connected`] for OPFS; for a disk, a temporary directory
    /// written with `std::fs` and dropped on the start page, writable (a standing grant).
    pub async fn connected_on(backend: Backend, files: &[(&str, &[u8])]) -> Result<Harness> {
        match backend {
            Backend::Opfs => Harness::connected(files).await,
            Backend::Disk => {
                let mut harness = Harness::start_with(Options { standing_grant: true }).await?;
                let directory = tempfile::Builder::new()
                    .prefix("owndir-disk-")
                    .tempdir()
                    .map_err(fail("no temporary directory"))?;
                harness.disk = Some(directory);
                harness.seed(files).await?;
                let path = harness.disk_path().ok_or("no disk")?.to_owned();
                harness.connect_disk(&path).await?;
                harness.wait_for_worker().await?;
                Ok(harness)
            }
        }
    }

    /// The connected directory on disk, for [`Backend::Disk`].
    pub fn disk_path(&self) -> Option<&std::path::Path> {
        self.disk.as_ref().map(tempfile::TempDir::path)
    }

    /// Which backend the folder is on.
    pub fn backend(&self) -> Backend {
        if self.disk.is_some() { Backend::Disk } else { Backend::Opfs }
    }

    /// Connects the directory `path` on disk as a person would: dropped on the start
    /// page (CDP `Input.dispatchDragEvent`, PLATFORM.md), then waits for the folder view.
    pub async fn connect_disk(&self, path: &std::path::Path) -> Result {
        self.drop_on_start_page(path).await?;
        self.element("section.folder").await?;
        Ok(())
    }

    /// Drops the file or directory `path` on the start (or Reconnect) screen. Chrome drops
    /// only where the page accepted the drag, which it learns a moment after the page has
    /// it: the drag is sent until the screen shows it, and a drop the page never got is
    /// sent again.
    pub async fn drop_on_start_page(&self, path: &std::path::Path) -> Result {
        self.element("section.connect").await?;
        self.value("(() => { window.owndirDrops = 0; addEventListener('drop', () => window.owndirDrops++, true); })()")
            .await?;
        let data = json!({ "items": [], "files": [path.display().to_string()], "dragOperationsMask": 1 });
        let (x, y) = (400, 300);
        for attempt in 1.. {
            for kind in ["dragEnter", "dragOver"] {
                self.cdp("Input.dispatchDragEvent", json!({ "type": kind, "x": x, "y": y, "data": data })).await?;
            }
            self.eventually("return !!document.querySelector('section.connect.dropping')", "the page sees the drag")
                .await?;
            self.cdp("Input.dispatchDragEvent", json!({ "type": "dragOver", "x": x, "y": y, "data": data })).await?;
            self.cdp("Input.dispatchDragEvent", json!({ "type": "drop", "x": x, "y": y, "data": data })).await?;
            let seen = self.eventually_within(Duration::from_secs(3), "return window.owndirDrops > 0", "the drop");
            if seen.await.is_ok() {
                return Ok(());
            }
            if attempt == 3 {
                return Err(format!("the page never got the drop of {}", path.display()));
            }
        }
        Ok(())
    }

    /// The bytes of the file at `path` (`a/b.txt`) as the storage itself holds them, read
    /// beside the worker: `std::fs` for a disk, the page's own OPFS calls otherwise.
    pub async fn stored(&self, path: &str) -> Result<Option<Vec<u8>>> {
        if let Some(root) = self.disk_path() {
            return match std::fs::read(root.join(path)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(format!("cannot read {path} on disk: {error}")),
            };
        }
        let answer = self.script(STORED_SCRIPT, vec![Value::from(path)]).await?;
        match answer.get("error") {
            Some(error) => Err(format!("cannot read {path} from OPFS: {error}")),
            None if answer["base64"].is_null() => Ok(None),
            None => BASE64.decode(answer["base64"].as_str().unwrap_or_default()).map(Some).map_err(fail("bad base64")),
        }
    }

    /// The text of the file at `path` in the storage itself; see [`Harness::stored`].
    pub async fn stored_text(&self, path: &str) -> Result<Option<String>> {
        Ok(self.stored(path).await?.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The entries of the directory at `path` (`""` for the top) as the storage itself
    /// holds them: each name with a file's size, or `None` for a directory; `None` when
    /// no directory is there. Swap files (`*.crswap`) are listed: the storage has them.
    pub async fn stored_dir(&self, path: &str) -> Result<Option<BTreeMap<String, Option<u64>>>> {
        if let Some(root) = self.disk_path() {
            let entries = match std::fs::read_dir(root.join(path)) {
                Ok(entries) => entries,
                Err(error)
                    if matches!(error.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) =>
                {
                    return Ok(None);
                }
                Err(error) => return Err(format!("cannot list {path} on disk: {error}")),
            };
            let mut listed = BTreeMap::new();
            for entry in entries {
                let entry = entry.map_err(fail("cannot list a directory on disk"))?;
                let metadata = entry.metadata().map_err(fail("cannot stat a file on disk"))?;
                let size = if metadata.is_dir() { None } else { Some(metadata.len()) };
                listed.insert(entry.file_name().to_string_lossy().into_owned(), size);
            }
            return Ok(Some(listed));
        }
        let answer = self.script(STORED_DIR_SCRIPT, vec![Value::from(path)]).await?;
        match answer.get("error") {
            Some(error) => Err(format!("cannot list {path} in OPFS: {error}")),
            None => serde_json::from_value(answer["entries"].clone()).map_err(fail("bad listing")),
        }
    }

    /// Removes the file or directory tree at `path` from the storage itself, behind the
    /// worker's back: with `std::fs` on disk, as another program would; from the page in OPFS.
    pub async fn remove_stored(&self, path: &str) -> Result {
        if let Some(root) = self.disk_path() {
            let native = root.join(path);
            let metadata = std::fs::symlink_metadata(&native).map_err(fail("nothing to remove on disk"))?;
            let removed =
                if metadata.is_dir() { std::fs::remove_dir_all(&native) } else { std::fs::remove_file(&native) };
            return removed.map_err(fail("cannot remove from disk"));
        }
        let result = self.script(REMOVE_STORED_SCRIPT, vec![Value::from(path)]).await?;
        if result.is_null() { Ok(()) } else { Err(format!("cannot remove {path} from OPFS: {result}")) }
    }

    /// Connects the OPFS directory `name` as if the user had picked it: the folder record
    /// (source `picker`) written to IndexedDB as the app writes it. Headless Chromium has
    /// no directory picker; an OPFS subdirectory is a folder with something beside it.
    pub async fn connect_as_picked(&self, name: &str) -> Result {
        let stored = self.script(CONNECT_AS_PICKED_SCRIPT, vec![Value::from(name)]).await?;
        if stored.is_null() { Ok(()) } else { Err(format!("cannot connect {name} as picked: {stored}")) }
    }

    /// Clicks **Use browser storage** and waits for the folder view.
    pub async fn connect_browser_storage(&self) -> Result {
        self.button("Use browser storage").await?.click().await.map_err(fail("click failed"))?;
        self.element("section.folder").await?;
        Ok(())
    }

    /// Writes files into the folder's storage itself, creating directories as needed:
    /// `(path, bytes)` with `/` between names. On disk with `std::fs`, as another program
    /// would; otherwise into the origin's private folder (OPFS) from the page.
    pub async fn seed(&self, files: &[(&str, &[u8])]) -> Result {
        if let Some(root) = self.disk_path() {
            for (path, bytes) in files {
                let native = root.join(path);
                if let Some(parent) = native.parent() {
                    std::fs::create_dir_all(parent).map_err(fail("cannot make a directory on disk"))?;
                }
                std::fs::write(&native, bytes).map_err(fail("cannot write a file on disk"))?;
            }
            return Ok(());
        }
        let files: Vec<Value> =
            files.iter().map(|(path, bytes)| json!({ "path": path, "base64": BASE64.encode(bytes) })).collect();
        let result = self.script(SEED_SCRIPT, vec![Value::Array(files)]).await?;
        if result.is_null() { Ok(()) } else { Err(format!("seeding OPFS failed: {result}")) }
    }

    /// `fetch(path, init)` from the page, through the worker.
    pub async fn fetch(&self, path: &str, init: Value) -> Result<Fetched> {
        let answer = self.script(FETCH_SCRIPT, vec![Value::from(path), init]).await?;
        Fetched::from_page(path, &answer)
    }

    /// Runs `body` (an async function body) in the page with `root`, `FsNode` and
    /// `FsNodeError` imported from `/@/fsnode.js` and `args` given; returns what it returns,
    /// or `{rejected: {status, error, success, isError, message}}` when it throws.
    pub async fn with_fsnode(&self, body: &str, args: Value) -> Result<Value> {
        let script = format!(
            "const [args, done] = arguments;
            import('/@/fsnode.js').then(async ({{ root, FsNode, FsNodeError }}) => {{ {body} }})
              .then(done, (e) => done({{ rejected: {{ status: e.status, error: e.error, success: e.success, isError: e instanceof Error, message: String(e) }} }}));"
        );
        self.script(&script, vec![args]).await
    }

    /// `GET path` from the page.
    pub async fn get(&self, path: &str) -> Result<Fetched> {
        self.fetch(path, json!({})).await
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, method: &str, params: Value) -> Result<Value> {
        self.client
            .issue_cmd(CdpCommand { method: method.to_owned(), params })
            .await
            .map_err(|error| format!("CDP {method}: {error}"))
    }

    /// The running service-worker targets (CDP `Target.getTargets`).
    pub async fn running_workers(&self) -> Result<usize> {
        let targets = self.cdp("Target.getTargets", json!({})).await?;
        let infos = targets["targetInfos"].as_array().cloned().unwrap_or_default();
        Ok(infos.iter().filter(|info| info["type"] == "service_worker").count())
    }

    /// The running worker's memory: JS heap in use and wasm linear memory.
    pub async fn worker_memory(&self) -> Result<WorkerMemory> {
        let session = self.devtools.attach_at("service_worker", &self.origin).await?;
        // Collect first, so that garbage not yet swept does not read as growth.
        self.devtools.call("HeapProfiler.collectGarbage", json!({}), Some(&session)).await?;
        let heap = self.devtools.call("Runtime.getHeapUsage", json!({}), Some(&session)).await?;
        let wasm = self
            .devtools
            .call(
                "Runtime.evaluate",
                json!({ "expression": "wasm_bindgen.wasmMemoryBytes()", "returnByValue": true }),
                Some(&session),
            )
            .await?;
        self.devtools.call("Target.detachFromTarget", json!({ "sessionId": session }), None).await?;
        Ok(WorkerMemory {
            js_heap_used: heap["usedSize"].as_f64().ok_or("no heap size")?,
            wasm: wasm["result"]["value"].as_f64().ok_or_else(|| format!("no wasm size: {wasm}"))?,
        })
    }

    /// Stops every service worker (CDP) and waits until none runs: the next request
    /// is a cold start.
    pub async fn stop_worker(&self) -> Result {
        self.cdp("ServiceWorker.enable", json!({})).await?;
        let deadline = Instant::now() + WAIT;
        loop {
            // Asked again each round: an open page's event stream reconnects a second after
            // the cut and starts the worker anew, which a busy machine can take for a stop
            // that never came.
            self.cdp("ServiceWorker.stopAllWorkers", json!({})).await?;
            for _ in 0..5 {
                if self.running_workers().await? == 0 {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if Instant::now() > deadline {
                return Err("the worker did not stop".to_owned());
            }
        }
    }

    /// A PNG of the page at `width`×`height` (`mobile` emulates a phone), saved as
    /// `target/screenshots/<name>.png`; `<name>-disk.png` for a folder connected by
    /// [`Harness::connected_on`] on disk, so that a case run on both backends keeps both
    /// (the OPFS one is the picture docs/ shows).
    pub async fn screenshot(&self, name: &str, width: u32, height: u32, mobile: bool) -> Result<PathBuf> {
        let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile });
        self.cdp("Emulation.setDeviceMetricsOverride", metrics).await?;
        // Let layout settle at the new size.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.map_err(fail("screenshot failed"))?;
        self.cdp("Emulation.clearDeviceMetricsOverride", json!({})).await?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).map_err(fail("cannot create target/screenshots"))?;
        let suffix = if self.backend() == Backend::Disk { "-disk" } else { "" };
        let path = dir.join(format!("{name}{suffix}.png"));
        std::fs::write(&path, png).map_err(fail("cannot write the screenshot"))?;
        Ok(path)
    }

    /// The browser console's errors and the page's uncaught exceptions since the last call.
    /// Network lines (a `404` that a test asked for) are left out: tests check statuses.
    pub async fn console_errors(&self) -> Result<Vec<String>> {
        let log = self.client.issue_cmd(BrowserLog).await.map_err(fail("cannot read the browser log"))?;
        Ok(log
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE" && entry["source"] != "network")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// Fails if anything went to the console as an error, then closes the browser.
    pub async fn finish(mut self) -> Result {
        let errors = self.console_errors().await?;
        let _ = self.client.clone().close().await;
        self.server.stop();
        // Dropping `self` ends chromedriver and the browser.
        if errors.is_empty() { Ok(()) } else { Err(format!("console errors: {errors:#?}")) }
    }

    /// Stops the static host: from now on only the worker can answer.
    pub fn stop_server(&mut self) {
        self.server.stop();
    }
}

/// Writes `arguments[0]` (`[{path, base64}]`) into OPFS from the page.
pub const SEED_SCRIPT: &str = r#"
const [files, done] = arguments;
(async () => {
  const root = await navigator.storage.getDirectory();
  for (const file of files) {
    const names = file.path.split("/");
    let dir = root;
    for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name, { create: true });
    const handle = await dir.getFileHandle(names[names.length - 1], { create: true });
    const writable = await handle.createWritable();
    await writable.write(Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)));
    await writable.close();
  }
})().then(() => done(null), (error) => done(String(error)));
"#;

impl Drop for Harness {
    /// Ends chromedriver and every Chromium process it started (their process group), also
    /// when a test failed before `finish`: a failed test must not leave a browser running.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

/// The OPFS file `arguments[0]` as base64, `null` when it is not there.
const STORED_SCRIPT: &str = r#"
const [path, done] = arguments;
(async () => {
  const names = path.split("/");
  let dir = await navigator.storage.getDirectory();
  try {
    for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
    const file = await (await dir.getFileHandle(names[names.length - 1])).getFile();
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { base64: btoa(binary) };
  } catch (error) {
    if (error.name === "NotFoundError" || error.name === "TypeMismatchError") return { base64: null };
    throw error;
  }
})().then(done, (error) => done({ error: String(error) }));
"#;

/// The entries of the OPFS directory `arguments[0]`: `{entries: {name: size or null}}`,
/// `{entries: null}` when it is not there.
const STORED_DIR_SCRIPT: &str = r#"
const [path, done] = arguments;
(async () => {
  let dir = await navigator.storage.getDirectory();
  try {
    for (const name of path.split("/").filter(Boolean)) dir = await dir.getDirectoryHandle(name);
  } catch (error) {
    if (error.name === "NotFoundError" || error.name === "TypeMismatchError") return { entries: null };
    throw error;
  }
  const entries = {};
  for await (const [name, handle] of dir.entries()) {
    entries[name] = handle.kind === "file" ? (await handle.getFile()).size : null;
  }
  return { entries };
})().then(done, (error) => done({ error: String(error) }));
"#;

/// Removes the OPFS file or directory tree `arguments[0]`.
const REMOVE_STORED_SCRIPT: &str = r#"
const [path, done] = arguments;
(async () => {
  const names = path.split("/");
  let dir = await navigator.storage.getDirectory();
  for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
  await dir.removeEntry(names[names.length - 1], { recursive: true });
})().then(() => done(null), (error) => done(String(error)));
"#;

/// Standing read and write grants for `origins` in the profile's `Default/Preferences`:
/// the content settings a person's "Allow on every visit" leaves (PLATFORM.md).
fn write_standing_grants(profile: &std::path::Path, origins: &[String]) -> Result {
    let grant = json!({ "setting": 1, "last_modified": "13400000000000000" });
    let grants: serde_json::Map<String, Value> =
        origins.iter().map(|origin| (format!("{origin},*"), grant.clone())).collect();
    let preferences = json!({ "profile": { "content_settings": { "exceptions": {
        "file_system_write_guard": grants,
        "file_system_read_guard": grants,
    } } } });
    let default = profile.join("Default");
    std::fs::create_dir_all(&default).map_err(fail("cannot make the profile"))?;
    std::fs::write(default.join("Preferences"), preferences.to_string()).map_err(fail("cannot write Preferences"))
}

/// Stores the OPFS directory `arguments[0]` as the connected folder, source `picker`, and
/// tells the workers, as `folder_store::save` does.
const CONNECT_AS_PICKED_SCRIPT: &str = r#"
const [name, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("owndir");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const transaction = db.transaction("folder", "readwrite");
    transaction.objectStore("folder").put({ source: "picker", name, handle }, "current");
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
  // As the app does: every worker lets go of the record it keeps, and says so.
  const registration = await navigator.serviceWorker.getRegistration();
  for (const worker of [registration?.active, registration?.waiting, registration?.installing]) {
    if (!worker) continue;
    await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = resolve;
      worker.postMessage("folder-changed", [channel.port2]);
      setTimeout(resolve, 3000);
    });
  }
})().then(() => done(null), (error) => done(String(error)));
"#;

/// `fetch(arguments[0], arguments[1])` from the page: status, headers, base64 body, URL.
pub const FETCH_SCRIPT: &str = r#"
const [path, init, done] = arguments;
fetch(path, init).then(async (response) => {
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  done({
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: btoa(binary),
    url: response.url,
    redirected: response.redirected,
  });
}, (error) => done({ error: String(error) }));
"#;

/// `POST /session/{id}/goog/cdp/execute`: chromedriver's CDP passthrough.
#[derive(Debug)]
struct CdpCommand {
    method: String,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.method, "params": self.params }).to_string()))
    }
}

/// `POST /session/{id}/se/log`: the browser console, as chromedriver collected it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}
