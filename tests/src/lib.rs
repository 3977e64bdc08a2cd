//! The browser test harness, shared by every end-to-end test in `tests/tests/`.
//!
//! [`Harness::start`] serves `dist/` on a free loopback port with our static server,
//! launches Debian's headless Chromium with a fresh profile through chromedriver, and
//! gives helpers to connect browser storage (OPFS), seed files into it, fetch through the
//! worker from the page, stop the worker (CDP), take screenshots and collect console
//! errors. Build `dist/` first (`cargo xtask test` does; `OWNDIR_DIST` points at it).

pub mod cases;
pub mod cdp;
mod connect;
pub use connect::SEED_SCRIPT;
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
        write_preferences(profile.path(), &granted)?;
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

impl Drop for Harness {
    /// Ends chromedriver and every Chromium process it started (their process group), also
    /// when a test failed before `finish`: a failed test must not leave a browser running.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

/// The profile's `Default/Preferences`: standing read and write grants for `origins`, the
/// content settings a person's "Allow on every visit" leaves (PLATFORM.md), and Safe
/// Browsing off. Chrome checks every file of a binary type (`.bin`, `.zip`…) written to a
/// folder on disk with Safe Browsing before committing it; this machine's resolver lets
/// Google's name time out, so such a write waited 5 s every dozen files (a move of 400
/// `.bin` files took 164 s instead of 1.7 s). The tests measure the worker, not that.
fn write_preferences(profile: &std::path::Path, origins: &[String]) -> Result {
    let grant = json!({ "setting": 1, "last_modified": "13400000000000000" });
    let grants: serde_json::Map<String, Value> =
        origins.iter().map(|origin| (format!("{origin},*"), grant.clone())).collect();
    let preferences = json!({
        "profile": { "content_settings": { "exceptions": {
            "file_system_write_guard": grants,
            "file_system_read_guard": grants,
        } } },
        "safebrowsing": { "enabled": false },
    });
    let default = profile.join("Default");
    std::fs::create_dir_all(&default).map_err(fail("cannot make the profile"))?;
    std::fs::write(default.join("Preferences"), preferences.to_string()).map_err(fail("cannot write Preferences"))
}

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
