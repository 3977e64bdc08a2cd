//! The Firefox harness: the built app in Debian's headless `firefox-esr`, through
//! geckodriver (WebDriver classic, with BiDi for the console).
//!
//! [`Firefox::start`] serves `dist/` with our static server, starts geckodriver on a free
//! port and a headless Firefox with a fresh profile and nothing that phones home. Firefox
//! has no directory picker, so every folder here is browser storage (OPFS). Console errors
//! come from WebDriver BiDi's `log.entryAdded` (pages and the worker alike), which also
//! carries what Firefox itself reports against a page, such as "A ServiceWorker
//! intercepted the request and encountered an unexpected error".

use crate::cdp::Cdp;
use crate::{FETCH_SCRIPT, Fetched, Result, SCRIPT_TIMEOUT, SEED_SCRIPT, TEST_LIMIT, WAIT, dist_dir, free_port, page};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use fantoccini::{Client, ClientBuilder};
use owndir_devserver::StaticServer;
use serde_json::{Map, Value, json};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

mod console;
mod prefs;

pub use console::INTERCEPTION_REPORT;
use console::{EXPECT_REPORTS_SCRIPT, EXPECTED_CHANNEL};
use prefs::quiet_prefs;

/// Debian's Firefox ESR.
pub const FIREFOX: &str = "/usr/bin/firefox-esr";

fn fail<E: std::fmt::Display>(context: &'static str) -> impl FnOnce(E) -> String {
    move |error| format!("{context}: {error}")
}

/// geckodriver: `$GECKODRIVER`, else where `cargo install` puts it, else on the `PATH`.
fn geckodriver() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let installed = cargo_home.map(|home| home.join("bin").join("geckodriver")).filter(|path| path.exists());
    std::env::var_os("GECKODRIVER").map(PathBuf::from).or(installed).unwrap_or_else(|| PathBuf::from("geckodriver"))
}

/// How a session starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Auto-answer `navigator.storage.persist()` with "allow" (Firefox asks the person;
    /// headless, nobody ever answers). Off, the prompt stays unanswered, as it may for a
    /// person who ignores it.
    pub answer_persist_prompt: bool,
    /// More preferences, over the defaults.
    pub prefs: Map<String, Value>,
    /// The built app to serve.
    pub dist: PathBuf,
}

impl Default for Options {
    fn default() -> Options {
        Options { answer_persist_prompt: true, prefs: Map::new(), dist: dist_dir() }
    }
}

/// A headless Firefox on the served app.
#[derive(Debug)]
pub struct Firefox {
    /// The WebDriver client, for anything the helpers do not cover.
    pub client: Client,
    /// The app's origin, `http://127.0.0.1:PORT`.
    pub origin: String,
    /// WebDriver BiDi, subscribed to `log.entryAdded`.
    pub bidi: Cdp,
    server: StaticServer,
    driver: Child,
    log: PathBuf,
    /// The profile and the log; removed with the harness.
    _session: tempfile::TempDir,
    _watchdog: std::sync::mpsc::Sender<()>,
}

impl Firefox {
    /// Serves `dist/` and opens a fresh headless Firefox on it (at `/`).
    pub async fn start() -> Result<Firefox> {
        Firefox::start_with(Options::default()).await
    }

    /// [`Firefox::start`] with `options`.
    pub async fn start_with(options: Options) -> Result<Firefox> {
        let dist = &options.dist;
        if !std::path::Path::new(FIREFOX).exists() {
            return Err(format!("no {FIREFOX}: apt-get install firefox-esr (cargo xtask test does)"));
        }
        if !dist.join("sw.js").exists() {
            return Err(format!("{} has no sw.js: run `cargo xtask build` (or `cargo xtask test`)", dist.display()));
        }
        let server = StaticServer::start(dist, 0).map_err(fail("cannot start the static server"))?;
        let origin = server.url();
        let (driver_port, bidi_port) = (free_port()?, free_port()?);
        let session = tempfile::tempdir().map_err(fail("no temporary directory"))?;
        let profile = session.path().join("profile");
        std::fs::create_dir(&profile).map_err(fail("no profile directory"))?;
        // geckodriver's and Firefox's own output: the console of pages and worker is in it.
        let log_path = session.path().join("firefox.log");
        let log = std::fs::File::create(&log_path).map_err(fail("cannot create the log"))?;
        // In a process group of its own, with the Firefox it starts: dropping the harness
        // (a failed test) ends them all.
        let driver = Command::new(geckodriver())
            .process_group(0)
            .args(["--port", &driver_port.to_string(), "--websocket-port", &bidi_port.to_string()])
            .stdout(log.try_clone().map_err(fail("cannot share the log"))?)
            .stderr(log)
            .spawn()
            .map_err(fail("cannot start geckodriver (cargo install geckodriver; cargo xtask test does)"))?;
        let mut prefs = quiet_prefs();
        if options.answer_persist_prompt {
            prefs.insert("dom.storageManager.prompt.testing".to_owned(), json!(true));
            prefs.insert("dom.storageManager.prompt.testing.allow".to_owned(), json!(true));
        }
        prefs.extend(options.prefs);
        let profile_path = profile.display().to_string();
        let capabilities = json!({
            "browserName": "firefox",
            "webSocketUrl": true,
            "moz:firefoxOptions": {
                "binary": FIREFOX,
                "args": ["-headless", "-profile", profile_path],
                "prefs": prefs,
            },
        });
        let Value::Object(capabilities) = capabilities else { unreachable!() };
        let webdriver = format!("http://127.0.0.1:{driver_port}");
        let deadline = Instant::now() + WAIT;
        let client = loop {
            let mut builder = ClientBuilder::rustls().map_err(fail("no TLS roots"))?;
            match builder.capabilities(capabilities.clone()).connect(&webdriver).await {
                Ok(client) => break client,
                Err(error) if Instant::now() > deadline => return Err(format!("geckodriver session: {error}")),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let timeouts = fantoccini::wd::TimeoutConfiguration::new(Some(SCRIPT_TIMEOUT), Some(WAIT), None);
        client.update_timeouts(timeouts).await.map_err(fail("cannot set timeouts"))?;
        client.set_window_size(1280, 800).await.map_err(fail("cannot size the window"))?;
        let socket = client
            .capabilities()
            .and_then(|capabilities| capabilities.get("webSocketUrl"))
            .and_then(Value::as_str)
            .ok_or("geckodriver gave no WebDriver BiDi socket")?
            .to_owned();
        let bidi = tokio::time::timeout(WAIT, Cdp::connect_socket(&socket))
            .await
            .map_err(|_| "the BiDi connection timed out".to_owned())??;
        bidi.call("session.subscribe", json!({ "events": ["log.entryAdded", "script.message"] }), None).await?;
        let counter = json!({ "type": "channel", "value": { "channel": EXPECTED_CHANNEL } });
        let preload = json!({ "functionDeclaration": EXPECT_REPORTS_SCRIPT, "arguments": [counter] });
        bidi.call("script.addPreloadScript", preload, None).await?;
        let firefox = Firefox {
            client,
            origin,
            bidi,
            server,
            driver,
            log: log_path,
            _session: session,
            _watchdog: crate::watchdog(TEST_LIMIT),
        };
        firefox.open("/").await?;
        Ok(firefox)
    }

    /// A Firefox whose OPFS holds `files`, connected as browser storage, the page
    /// controlled by the worker.
    pub async fn connected(files: &[(&str, &[u8])]) -> Result<Firefox> {
        let firefox = Firefox::start().await?;
        if !files.is_empty() {
            firefox.seed(files).await?;
        }
        firefox.connect_browser_storage().await?;
        firefox.wait_for_worker().await?;
        // The app's requests end before a test leaves the page: Firefox reports a response
        // body cut by leaving as it reports a cut stream, and the pages count only streams
        // (console.rs). Once the sizes are in, only the live stream is left.
        let settled = "const listing = document.getElementById('listing');
            return !!listing && !listing.hasAttribute('aria-busy')";
        firefox.eventually(settled, "the app's listing with its sizes").await?;
        Ok(firefox)
    }

    /// Navigates to `path` on the app's origin.
    pub async fn open(&self, path: &str) -> Result {
        self.client.goto(&format!("{}{path}", self.origin)).await.map_err(fail("navigation failed"))
    }

    /// Reloads the page as a person does. (WebDriver's refresh in Firefox bypasses the
    /// worker, as a shift-reload does, so it needs the static host.)
    pub async fn reload(&self) -> Result {
        self.value("(window.owndirOldPage = true, void location.reload())").await?;
        let deadline = Instant::now() + WAIT;
        loop {
            // Scripts may fail while the page changes: that is "not yet".
            let fresh =
                self.client.execute("return !window.owndirOldPage && document.readyState === 'complete'", vec![]);
            if fresh.await.is_ok_and(|fresh| fresh == json!(true)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the reload never finished".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a button with this visible text and returns it.
    pub async fn button(&self, name: &str) -> Result<fantoccini::elements::Element> {
        page::button(&self.client, name).await
    }

    /// Waits for an element matching a CSS selector.
    pub async fn element(&self, css: &str) -> Result<fantoccini::elements::Element> {
        page::element(&self.client, css).await
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

    /// Runs an async script: its last argument is the callback to call with the result.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        page::script(&self.client, script, args).await
    }

    /// Evaluates `expression` in the page and returns its value.
    pub async fn value(&self, expression: &str) -> Result<Value> {
        page::value(&self.client, expression).await
    }

    /// Waits until `script` (a function body run in the page) returns `true`.
    pub async fn eventually(&self, script: &str, what: &str) -> Result {
        self.eventually_within(WAIT, script, what).await
    }

    /// [`Firefox::eventually`], giving up after `limit`.
    pub async fn eventually_within(&self, limit: Duration, script: &str, what: &str) -> Result {
        page::eventually_within(&self.client, limit, script, what).await
    }

    /// Waits until the worker controls the page.
    pub async fn wait_for_worker(&self) -> Result {
        self.eventually("return !!navigator.serviceWorker.controller", "the worker controls the page").await
    }

    /// Clicks **Use browser storage** and waits for the folder view.
    pub async fn connect_browser_storage(&self) -> Result {
        self.press("Use browser storage").await?;
        self.element("section.folder").await?;
        Ok(())
    }

    /// Writes files into OPFS from the page: `(path, bytes)` with `/` between names.
    pub async fn seed(&self, files: &[(&str, &[u8])]) -> Result {
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

    /// `GET path` from the page.
    pub async fn get(&self, path: &str) -> Result<Fetched> {
        self.fetch(path, json!({})).await
    }

    /// The bytes of the OPFS file at `path`, read in the page straight from storage (not
    /// through the worker); `None` when there is no such file.
    pub async fn opfs_bytes(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let answer = self.script(OPFS_READ_SCRIPT, vec![Value::from(path)]).await?;
        if let Some(error) = answer.get("error") {
            return Err(format!("reading {path} from OPFS failed: {error}"));
        }
        match answer["base64"].as_str() {
            Some(base64) => BASE64.decode(base64).map(Some).map_err(fail("bad base64")),
            None => Ok(None),
        }
    }

    /// Fails if anything went to the console as an error, then closes the browser.
    pub async fn finish(self) -> Result {
        // A worker's late report arrives a moment after what caused it.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let errors = self.console_errors();
        self.close().await;
        if errors.is_empty() { Ok(()) } else { Err(format!("console errors: {errors:#?}")) }
    }

    /// Closes the browser without looking at the console.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.server.stop();
        // `OWNDIR_FIREFOX_LOG=path` keeps every session's output, for a failure's story.
        if let Some(keep) = std::env::var_os("OWNDIR_FIREFOX_LOG")
            && let (Ok(text), Ok(mut file)) =
                (std::fs::read(&self.log), std::fs::OpenOptions::new().create(true).append(true).open(keep))
        {
            let _ = std::io::Write::write_all(&mut file, &text);
        }
    }

    /// Stops the static host: from now on only the worker can answer.
    pub fn stop_server(&mut self) {
        self.server.stop();
    }
}

impl Drop for Firefox {
    /// Ends geckodriver and every Firefox process it started (their process group), also
    /// when a test failed before closing the browser.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

/// Reads the OPFS file `arguments[0]` (`/` between names) as base64, `{base64: null}`
/// when it is not there.
const OPFS_READ_SCRIPT: &str = r#"
const [path, done] = arguments;
(async () => {
  let dir = await navigator.storage.getDirectory();
  const names = path.split("/");
  try {
    for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
    const file = await (await dir.getFileHandle(names[names.length - 1])).getFile();
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { base64: btoa(binary) };
  } catch (error) {
    if (error.name === "NotFoundError") return { base64: null };
    throw error;
  }
})().then(done, (error) => done({ error: String(error) }));
"#;
