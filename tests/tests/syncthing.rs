//! One folder on two devices through Syncthing (issue 16): two Syncthing instances on
//! loopback share two temporary directories; two Chromium profiles, A and B, each run the
//! app connected to its own directory. What A writes, B shows and serves, live.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::syncthing::{Syncthing, folder};
use owndir_e2e::{Harness, Options, Result};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a change may take to travel, on a machine loaded by other work.
const TRAVEL: Duration = Duration::from_secs(60);

/// How many saves the latency figures are made of.
const SAVES: usize = 12;

const FOLDER: &str = "owndir-shared";

fn fail(what: &'static str) -> impl Fn(fantoccini::error::CmdError) -> String {
    move |error| format!("{what}: {error}")
}

/// Two devices sharing one folder: Syncthing on each, and their directories.
struct Devices {
    a: Syncthing,
    b: Syncthing,
    dir_a: tempfile::TempDir,
    dir_b: tempfile::TempDir,
}

/// Starts two Syncthing devices, introduces them by ID at their loopback addresses and
/// shares one folder, seeded on A with `files`; waits until B's directory holds them.
fn two_devices(files: &[(&str, &[u8])]) -> Result<Devices> {
    let dir_a = folder("a")?;
    let dir_b = folder("b")?;
    for (path, bytes) in files {
        let native = dir_a.path().join(path);
        std::fs::create_dir_all(native.parent().unwrap()).map_err(|error| error.to_string())?;
        std::fs::write(native, bytes).map_err(|error| error.to_string())?;
    }
    let a = Syncthing::start("a")?;
    let b = Syncthing::start("b")?;
    a.introduce(&b)?;
    b.introduce(&a)?;
    // The watcher reports a change a second after it; the rescan is only the fallback.
    a.share(FOLDER, dir_a.path(), &[&b], 60)?;
    b.share(FOLDER, dir_b.path(), &[&a], 60)?;
    a.wait_connected(&b, TRAVEL)?;
    let devices = Devices { a, b, dir_a, dir_b };
    for (path, bytes) in files {
        devices.wait_for_file(devices.dir_b.path(), path, bytes)?;
    }
    Ok(devices)
}

impl Devices {
    /// Waits until `root/path` holds `bytes`.
    fn wait_for_file(&self, root: &Path, path: &str, bytes: &[u8]) -> Result {
        let deadline = Instant::now() + TRAVEL;
        while std::fs::read(root.join(path)).ok().as_deref() != Some(bytes) {
            if Instant::now() > deadline {
                return Err(format!(
                    "{path} never reached {}\n--- A:\n{}\n--- B:\n{}",
                    root.display(),
                    self.a.log(),
                    self.b.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }
}

/// A browser profile with the app connected to the directory `path` (standing grant).
async fn device(path: &Path) -> Result<Harness> {
    let harness = Harness::start_with(Options { standing_grant: true }).await?;
    harness.connect_disk(path).await?;
    harness.wait_for_worker().await?;
    Ok(harness)
}

async fn press(harness: &Harness, name: &str) -> Result {
    for _ in 0..3 {
        match harness.button(name).await?.click().await {
            Err(error) if error.to_string().contains("stale") => continue,
            other => return other.map_err(fail("click failed")),
        }
    }
    Err(format!("{name} kept going stale"))
}

/// Polls `script` (returns true when done) in `harness` every 20 ms; the time it took.
async fn time_until(harness: &Harness, started: Instant, script: &str, what: &str) -> Result<Duration> {
    loop {
        if harness.client.execute(script, vec![]).await.map_err(fail("script failed"))? == json!(true) {
            return Ok(started.elapsed());
        }
        if started.elapsed() > TRAVEL {
            let page = harness.value("[location.href, document.body?.innerText.slice(0, 300)]").await?;
            return Err(format!("never: {what} (B's page: {page})"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The `p`-th percentile (nearest rank) of sorted `values`.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::test]
async fn a_save_on_one_device_shows_live_on_the_other() -> Result {
    let devices = two_devices(&[("welcome.txt", b"hello\n")])?;
    let a = device(devices.dir_a.path()).await?;
    let b = device(devices.dir_b.path()).await?;
    a.element("table.listing").await?;
    b.element("table.listing").await?;

    // A makes a new file in its editor; B's open listing shows it without a reload.
    press(&a, "New file").await?;
    let field = a.element("dialog[open] input").await?;
    field.clear().await.map_err(fail("clear failed"))?;
    field.send_keys("travel.txt").await.map_err(fail("typing failed"))?;
    a.element("dialog[open] .dialog-buttons button:first-child").await?.click().await.map_err(fail("click"))?;
    let created = Instant::now();
    a.eventually("return !!document.querySelector('#editor')", "A's editor on the new file").await?;
    let listed = time_until(
        &b,
        created,
        "return !![...document.querySelectorAll('#listing tr[data-name]')].find((row) => row.dataset.name === 'travel.txt')",
        "travel.txt in B's listing",
    )
    .await?;
    eprintln!("new file: A's New file to B's listing: {:.0} ms", milliseconds(listed));

    // B opens it, as a person would, and keeps it open while A writes and saves.
    b.open("/@/browse/travel.txt").await?;
    b.element(".code").await?;
    let mut expected = String::new();
    let mut times = Vec::new();
    for save in 1..=SAVES {
        let line = format!("save {save} from A\n");
        a.element("#editor").await?.send_keys(&line).await.map_err(fail("typing failed"))?;
        expected.push_str(&line);
        a.eventually("return document.title.startsWith('● ')", "A's unsaved marker").await?;
        let button = a.button("Save").await?;
        let started = Instant::now();
        button.click().await.map_err(fail("Save"))?;
        let script = format!("return document.querySelector('.code .text')?.textContent === {expected:?}");
        let took = time_until(&b, started, &script, &format!("save {save} in B's open view")).await?;
        a.eventually("return document.querySelector('#file-status').textContent === 'Saved'", "A saved").await?;
        eprintln!("save {save}: A's Save to B's screen: {:.0} ms", milliseconds(took));
        times.push(milliseconds(took));
    }
    assert_eq!(std::fs::read_to_string(devices.dir_b.path().join("travel.txt")).unwrap(), expected);
    // B's view says why it changed, and B's listing still has the file.
    assert_eq!(
        b.element("#file-status").await?.text().await.map_err(fail("text"))?,
        "Updated: the file changed on disk."
    );
    times.sort_by(f64::total_cmp);
    let median = percentile(&times, 50.0);
    let p95 = percentile(&times, 95.0);
    eprintln!(
        "A's Save to B's screen over {} saves: median {median:.0} ms, p95 {p95:.0} ms, min {:.0} ms, max {:.0} ms",
        times.len(),
        times[0],
        times[times.len() - 1]
    );
    b.open("/@/browse/").await?;
    b.eventually(
        "return [...document.querySelectorAll('#listing tr[data-name]')].map((row) => row.dataset.name).join() === 'travel.txt,welcome.txt'",
        "B's listing: the synced files, Syncthing's own hidden",
    )
    .await?;
    a.finish().await?;
    b.finish().await?;
    drop(devices);
    Ok(())
}

const ROUTES: &str = r#"
module.exports = { routes: [
  ["post", "/api/save/:name", async (request, ctx) => {
    const node = await ctx.dir.write(`data/${ctx.params.name}`, await request.text());
    return Response.json({ path: node.path });
  }],
  ["get", "/api/read/:name", async (request, ctx) =>
    new Response(await ctx.dir.walk(`data/${ctx.params.name}`).text(), { headers: { "content-type": "application/json" } })],
]};
"#;

#[tokio::test]
async fn a_folder_app_reads_on_one_device_what_it_wrote_on_the_other() -> Result {
    let devices = two_devices(&[("app/.owndir/routes.js", ROUTES.as_bytes())])?;
    let a = device(devices.dir_a.path()).await?;
    let b = device(devices.dir_b.path()).await?;
    let record = json!({ "from": "A", "items": ["milk", "bread"], "count": 2 });
    let saved = a.fetch("/app/api/save/list.json", json!({ "method": "POST", "body": record.to_string() })).await?;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["path"], "app/data/list.json");
    devices.wait_for_file(devices.dir_b.path(), "app/data/list.json", record.to_string().as_bytes())?;
    // B's copy of the same app, through its own worker and its own directory.
    let started = Instant::now();
    let read = loop {
        let read = b.get("/app/api/read/list.json").await?;
        if read.status == 200 || started.elapsed() > TRAVEL {
            break read;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(read.status, 200, "{}", read.text());
    assert_eq!(read.json(), record);
    // And back: B writes, A reads.
    let reply = json!({ "from": "B", "items": ["milk", "bread", "eggs"], "count": 3 });
    let saved = b.fetch("/app/api/save/list.json", json!({ "method": "POST", "body": reply.to_string() })).await?;
    assert_eq!(saved.status, 200, "{}", saved.text());
    devices.wait_for_file(devices.dir_a.path(), "app/data/list.json", reply.to_string().as_bytes())?;
    let started = Instant::now();
    let read = loop {
        let read = a.get("/app/api/read/list.json").await?;
        if (read.status == 200 && read.json() == reply) || started.elapsed() > TRAVEL {
            break read;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(read.json(), reply);
    a.finish().await?;
    b.finish().await?;
    drop(devices);
    Ok(())
}
