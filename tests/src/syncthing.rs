//! Syncthing, run by a test: one device with its own home, its REST API and its sync port
//! on 127.0.0.1 only, nothing announced and nothing reported (issue 16).
//!
//! [`Syncthing::start`] generates a home with Debian's `/usr/bin/syncthing`, turns off
//! discovery, relays, NAT traversal, usage and crash reporting and upgrades in its
//! `config.xml`, starts it, and waits for its REST API. [`Syncthing::introduce`] adds the
//! other device at its static address; [`Syncthing::share`] shares a folder with it.
//! Dropping the value stops the process.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Syncthing may take to come up or to answer, on a loaded machine.
const START_LIMIT: Duration = Duration::from_secs(60);

/// The longest one Syncthing lives, whatever happens to the test that started it.
const LIFETIME: Duration = Duration::from_secs(600);

type Result<T = ()> = std::result::Result<T, String>;

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| format!("no free port: {error}"))?;
    listener.local_addr().map(|address| address.port()).map_err(|error| format!("no free port: {error}"))
}

/// One running Syncthing device.
#[derive(Debug)]
pub struct Syncthing {
    /// Its device ID.
    pub id: String,
    /// Its sync address, `tcp://127.0.0.1:PORT`.
    pub address: String,
    gui_port: u16,
    api_key: String,
    process: Child,
    home: tempfile::TempDir,
}

impl Syncthing {
    /// Generates a home, configures it for loopback only and starts Syncthing on it.
    pub fn start(name: &str) -> Result<Syncthing> {
        let home = tempfile::Builder::new()
            .prefix(&format!("owndir-syncthing-{name}-"))
            .tempdir()
            .map_err(|error| format!("no home for syncthing: {error}"))?;
        let generated = Command::new("/usr/bin/syncthing")
            .args(["generate", "--no-default-folder", "--skip-port-probing"])
            .arg(format!("--home={}", home.path().display()))
            .output()
            .map_err(|error| format!("cannot run /usr/bin/syncthing (apt-get install syncthing): {error}"))?;
        if !generated.status.success() {
            return Err(format!("syncthing generate failed: {}", String::from_utf8_lossy(&generated.stderr)));
        }
        let gui_port = free_port()?;
        let sync_port = free_port()?;
        let address = format!("tcp://127.0.0.1:{sync_port}");
        let config_path = home.path().join("config.xml");
        let config = std::fs::read_to_string(&config_path).map_err(|error| format!("no config.xml: {error}"))?;
        let config = configure(&config, gui_port, &address)?;
        std::fs::write(&config_path, config).map_err(|error| format!("cannot write config.xml: {error}"))?;
        let api_key = format!("owndir-test-{name}-{sync_port}");
        let log = std::fs::File::create(home.path().join("syncthing.log"))
            .map_err(|error| format!("cannot make the log: {error}"))?;
        let log_err = log.try_clone().map_err(|error| format!("cannot share the log: {error}"))?;
        // Under coreutils' `timeout`: a test process that exits without running drops (the
        // harness's watchdog) leaves no Syncthing behind for longer than a test may run.
        let process = Command::new("/usr/bin/timeout")
            .arg("--kill-after=5")
            .arg(format!("{}s", LIFETIME.as_secs()))
            .arg("/usr/bin/syncthing")
            .arg("serve")
            .arg(format!("--home={}", home.path().display()))
            .arg("--no-browser")
            .arg("--no-restart")
            .arg("--no-upgrade")
            .arg(format!("--gui-apikey={api_key}"))
            .arg(format!("--gui-address=http://127.0.0.1:{gui_port}"))
            // Syncthing 1.19 runs as a monitor process with the real one as its child, even
            // with `--no-restart`, and a kill of the monitor leaves the child running. The
            // variable the monitor sets for its child makes this process the real one.
            .env("STMONITORED", "1")
            .env("STNODEFAULTFOLDER", "1")
            .env("STNOUPGRADE", "1")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|error| format!("cannot start syncthing: {error}"))?;
        let mut device = Syncthing { id: String::new(), address, gui_port, api_key, process, home };
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if let Ok(pong) = device.get("/rest/system/ping")
                && pong["ping"] == "pong"
            {
                break;
            }
            if let Ok(Some(status)) = device.process.try_wait() {
                return Err(format!("syncthing {name} exited ({status}): {}", device.log()));
            }
            if Instant::now() > deadline {
                return Err(format!("syncthing {name} never answered: {}", device.log()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let status = device.get("/rest/system/status")?;
        device.id = status["myID"].as_str().ok_or_else(|| format!("no myID in {status}"))?.to_owned();
        Ok(device)
    }

    /// Its home directory (config, keys, database, `syncthing.log`).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The end of its log, for a failure message.
    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(self.home.path().join("syncthing.log")).unwrap_or_default();
        let start = text.len().saturating_sub(6000);
        text.get(start..).unwrap_or_default().to_owned()
    }

    /// Adds `other` as a known device. With `dial`, this device connects to `other` at its
    /// static loopback address; without, it only accepts `other`'s connection.
    ///
    /// Only one of two devices may dial: Syncthing dials from its listening port, so when
    /// both dial at once (after a `resume`, say) the two dials can meet as one TCP
    /// simultaneous open where each side is a TLS client, and the Hello exchange hangs
    /// (seen in CI: "Failed to exchange Hello messages … i/o timeout", no sync for > 40 s).
    pub fn introduce(&self, other: &Syncthing, dial: bool) -> Result {
        // With discovery off, "dynamic" resolves to no address: this side never dials.
        let address = if dial { other.address.as_str() } else { "dynamic" };
        let device = json!({
            "deviceID": other.id,
            "name": other.id.get(..7).unwrap_or_default(),
            "addresses": [address],
            "compression": "metadata",
            "autoAcceptFolders": false,
        });
        self.call("POST", "/rest/config/devices", Some(&device))?;
        Ok(())
    }

    /// Shares the directory `path` as folder `id` with the devices `with`: the file watcher
    /// on with a one-second delay, and a rescan every `rescan` seconds as a fallback.
    pub fn share(&self, id: &str, path: &Path, with: &[&Syncthing], rescan: u32) -> Result {
        let mut devices = vec![json!({ "deviceID": self.id })];
        devices.extend(with.iter().map(|other| json!({ "deviceID": other.id })));
        let folder = json!({
            "id": id,
            "label": id,
            "path": path.display().to_string(),
            "type": "sendreceive",
            "devices": devices,
            "fsWatcherEnabled": true,
            "fsWatcherDelayS": 1,
            "rescanIntervalS": rescan,
        });
        self.call("POST", "/rest/config/folders", Some(&folder))?;
        Ok(())
    }

    /// True while `other` is connected.
    pub fn connected_to(&self, other: &Syncthing) -> Result<bool> {
        let connections = self.get("/rest/system/connections")?;
        Ok(connections["connections"][&other.id]["connected"] == json!(true))
    }

    /// Stops talking to `other` (`POST /rest/system/pause`): as if the two could not reach
    /// each other, each keeps its changes to itself until [`Syncthing::resume`].
    pub fn pause(&self, other: &Syncthing) -> Result {
        self.call("POST", &format!("/rest/system/pause?device={}", other.id), None)?;
        Ok(())
    }

    /// Talks to `other` again after [`Syncthing::pause`].
    pub fn resume(&self, other: &Syncthing) -> Result {
        self.call("POST", &format!("/rest/system/resume?device={}", other.id), None)?;
        Ok(())
    }

    /// How far `device` has what this device has of `folder`, in percent.
    pub fn completion(&self, folder: &str, device: &Syncthing) -> Result<f64> {
        let completion = self.get(&format!("/rest/db/completion?folder={folder}&device={}", device.id))?;
        completion["completion"].as_f64().ok_or_else(|| format!("no completion in {completion}"))
    }

    /// The folder's state: `idle`, `scanning`, `syncing`…
    pub fn folder_state(&self, folder: &str) -> Result<String> {
        let status = self.get(&format!("/rest/db/status?folder={folder}"))?;
        Ok(status["state"].as_str().unwrap_or_default().to_owned())
    }

    /// Waits until both devices are connected to each other.
    pub fn wait_connected(&self, other: &Syncthing, limit: Duration) -> Result {
        let deadline = Instant::now() + limit;
        while !(self.connected_to(other)? && other.connected_to(self)?) {
            if Instant::now() > deadline {
                return Err(format!(
                    "the devices never connected\n--- {}:\n{}\n--- {}:\n{}",
                    self.id,
                    self.log(),
                    other.id,
                    other.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Ok(())
    }

    /// `GET path` on the REST API, as JSON.
    pub fn get(&self, path: &str) -> Result<Value> {
        self.call("GET", path, None)
    }

    /// One REST call with the API key; the answer as JSON (`null` when empty).
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.gui_port))
            .map_err(|error| format!("{method} {path}: cannot connect: {error}"))?;
        stream.set_read_timeout(Some(START_LIMIT)).map_err(|error| format!("{method} {path}: {error}"))?;
        // HTTP/1.0: the answer ends when the connection closes, never chunked.
        let request = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nX-API-Key: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.gui_port,
            self.api_key,
            body.len()
        );
        stream.write_all(request.as_bytes()).map_err(|error| format!("{method} {path}: {error}"))?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|error| format!("{method} {path}: {error}"))?;
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer.split_once("\r\n\r\n").ok_or_else(|| format!("{method} {path}: no answer"))?;
        let status = head.split_whitespace().nth(1).unwrap_or_default();
        if !status.starts_with('2') {
            return Err(format!("{method} {path}: {head}\n{body}"));
        }
        if body.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(body).map_err(|error| format!("{method} {path}: not JSON ({error}): {body}"))
    }
}

impl Drop for Syncthing {
    /// Asks Syncthing to stop (`SIGTERM`, which `timeout` passes on), then kills.
    fn drop(&mut self) {
        let _ = Command::new("/bin/kill").arg("-TERM").arg(self.process.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// `config.xml` with the GUI on `127.0.0.1:gui_port`, listening only at `address`,
/// reconnecting every 5 s, and every outward call off: global and local discovery, relays, NAT traversal, usage and
/// crash reports, upgrades, the browser.
fn configure(config: &str, gui_port: u16, address: &str) -> Result<String> {
    let replacements: [(&str, String); 11] = [
        // A paused device is dialled again on this cycle after `resume`: at the default
        // 60 s, a conflict round waited up to a minute for the two to meet again.
        (
            "<reconnectionIntervalS>60</reconnectionIntervalS>",
            "<reconnectionIntervalS>5</reconnectionIntervalS>".into(),
        ),
        ("<address>127.0.0.1:8384</address>", format!("<address>127.0.0.1:{gui_port}</address>")),
        ("<listenAddress>default</listenAddress>", format!("<listenAddress>{address}</listenAddress>")),
        (
            "<globalAnnounceEnabled>true</globalAnnounceEnabled>",
            "<globalAnnounceEnabled>false</globalAnnounceEnabled>".into(),
        ),
        (
            "<localAnnounceEnabled>true</localAnnounceEnabled>",
            "<localAnnounceEnabled>false</localAnnounceEnabled>".into(),
        ),
        ("<relaysEnabled>true</relaysEnabled>", "<relaysEnabled>false</relaysEnabled>".into()),
        ("<natEnabled>true</natEnabled>", "<natEnabled>false</natEnabled>".into()),
        ("<urAccepted>0</urAccepted>", "<urAccepted>-1</urAccepted>".into()),
        ("<autoUpgradeIntervalH>12</autoUpgradeIntervalH>", "<autoUpgradeIntervalH>0</autoUpgradeIntervalH>".into()),
        (
            "<crashReportingEnabled>true</crashReportingEnabled>",
            "<crashReportingEnabled>false</crashReportingEnabled>".into(),
        ),
        ("<startBrowser>true</startBrowser>", "<startBrowser>false</startBrowser>".into()),
    ];
    let mut config = config.to_owned();
    for (from, to) in replacements {
        if !config.contains(from) {
            return Err(format!("config.xml has no {from}: has this Syncthing another layout?"));
        }
        config = config.replace(from, &to);
    }
    Ok(config)
}

/// A fresh directory for a shared folder.
pub fn folder(name: &str) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("owndir-synced-{name}-"))
        .tempdir()
        .map_err(|error| format!("no folder: {error}"))
}
