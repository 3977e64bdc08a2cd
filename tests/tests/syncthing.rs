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

/// Starts two Syncthing devices, introduces them by ID (A dials B at its loopback address) and
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
    // A dials, B answers (see `Syncthing::introduce`).
    a.introduce(&b, true)?;
    b.introduce(&a, false)?;
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
    a.press("New file").await?;
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

/// How many times the conflict is made and resolved in one run.
const CONFLICT_ROUNDS: usize = 3;

/// The names in `root` that are Syncthing conflict copies of `name`'s stem.
fn conflict_copies(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map(|entries| entries.filter_map(|entry| entry.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    names.retain(|name| name.contains(".sync-conflict-"));
    names.sort();
    names
}

/// Waits until `check` holds, polling every 200 ms.
fn wait_until(what: &str, devices: &Devices, mut check: impl FnMut() -> bool) -> Result {
    let deadline = Instant::now() + TRAVEL;
    while !check() {
        if Instant::now() > deadline {
            return Err(format!("never: {what}\n--- A:\n{}\n--- B:\n{}", devices.a.log(), devices.b.log()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// Waits until both devices' folders are scanned and idle: a change made through a
/// worker is in Syncthing's index before the devices talk again.
fn wait_idle(devices: &Devices) -> Result {
    // The watcher gathers changes for `fsWatcherDelayS` (1 s) before it scans.
    std::thread::sleep(Duration::from_millis(2_500));
    wait_until("both folders idle", devices, || {
        devices.a.folder_state(FOLDER).is_ok_and(|state| state == "idle")
            && devices.b.folder_state(FOLDER).is_ok_and(|state| state == "idle")
    })
}

async fn write_through(harness: &Harness, path: &str, text: &str) -> Result {
    let written = harness.fetch(&format!("/@/fs/{path}?call=write"), json!({ "method": "PUT", "body": text })).await?;
    if written.status == 200 { Ok(()) } else { Err(format!("write of {path}: {} {}", written.status, written.text())) }
}

#[tokio::test]
async fn both_devices_edit_apart_and_the_app_resolves_the_conflict() -> Result {
    let base = "# Plans\n\nSaturday: market\nSunday: rest\n";
    let devices = two_devices(&[("plans.md", base.as_bytes())])?;
    let a = device(devices.dir_a.path()).await?;
    let b = device(devices.dir_b.path()).await?;
    for round in 1..=CONFLICT_ROUNDS {
        // Apart: each device stops talking to the other.
        devices.a.pause(&devices.b)?;
        devices.b.pause(&devices.a)?;
        wait_until("the devices apart", &devices, || {
            !devices.a.connected_to(&devices.b).unwrap_or(true) && !devices.b.connected_to(&devices.a).unwrap_or(true)
        })?;
        // Each edits the same file through its own app's worker; B a second later, so
        // Syncthing keeps B's (the newer) as the file and A's as the conflict copy.
        let on_a = format!("# Plans\n\nSaturday: market with Ann (round {round})\nSunday: rest\n");
        let on_b = format!("# Plans\n\nSaturday: market\nSunday: hike (round {round})\n");
        write_through(&a, "plans.md", &on_a).await?;
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        write_through(&b, "plans.md", &on_b).await?;
        wait_idle(&devices)?;
        let started = Instant::now();
        devices.a.resume(&devices.b)?;
        devices.b.resume(&devices.a)?;
        // Syncthing keeps one version and a conflict copy, on both devices.
        let both_versions = |root: &Path| {
            let copies = conflict_copies(root);
            let file = std::fs::read_to_string(root.join("plans.md")).unwrap_or_default();
            let copy = copies.first().and_then(|copy| std::fs::read_to_string(root.join(copy)).ok());
            copies.len() == 1
                && copy.is_some_and(|copy| [&file, &copy] == [&on_b, &on_a] || [&file, &copy] == [&on_a, &on_b])
        };
        wait_until("the file and its conflict copy on both devices", &devices, || {
            both_versions(devices.dir_a.path()) && both_versions(devices.dir_b.path())
        })?;
        let copy = conflict_copies(devices.dir_a.path()).remove(0);
        let file_text = std::fs::read_to_string(devices.dir_a.path().join("plans.md")).unwrap();
        let copy_text = std::fs::read_to_string(devices.dir_a.path().join(&copy)).unwrap();
        eprintln!(
            "round {round}: conflict copy {copy} on both devices {:.0} ms after they met again; the file kept {}'s text",
            milliseconds(started.elapsed()),
            if file_text == on_b { "B" } else { "A" }
        );

        // One device resolves it in its app, turn about; the buttons turn about too.
        let (resolver, resolver_dir, other_dir) = if round % 2 == 1 {
            (&a, devices.dir_a.path(), devices.dir_b.path())
        } else {
            (&b, devices.dir_b.path(), devices.dir_a.path())
        };
        resolver.open("/@/browse/").await?;
        let badges = format!(
            "return ['plans.md', {copy:?}].every((name) => \
               !!document.querySelector(`#listing tr[data-name=\"${{name}}\"] .badge.conflict`))"
        );
        resolver.eventually(&badges, "the badges on the file and its copy").await?;
        resolver.open("/@/browse/plans.md").await?;
        resolver.element("#conflict table.diff").await?;
        let shown = resolver.value("document.querySelector('#conflict table.diff').textContent").await?;
        let shown = shown.as_str().unwrap_or_default();
        assert!(
            shown.contains(&format!("market with Ann (round {round})"))
                && shown.contains(&format!("hike (round {round})")),
            "the diff shows both edits: {shown}"
        );
        if round == 1 {
            resolver.screenshot("file-app-sync-conflict-syncthing", 1280, 800, false).await?;
        }
        let (button, kept) =
            if round % 2 == 1 { ("Keep the other", &copy_text) } else { ("Keep this one", &file_text) };
        resolver.press(button).await?;
        resolver
            .eventually(
                "return !document.querySelector('#conflict') && !!document.querySelector('#viewer article')",
                "the kept file shown alone",
            )
            .await?;
        // On the resolver's disk at once, then on the other device through Syncthing.
        assert_eq!(&std::fs::read_to_string(resolver_dir.join("plans.md")).unwrap(), kept);
        assert!(conflict_copies(resolver_dir).is_empty(), "the copy is deleted");
        let resolved = Instant::now();
        wait_until("the kept version and no copy on the other device", &devices, || {
            std::fs::read_to_string(other_dir.join("plans.md")).ok().as_ref() == Some(kept)
                && conflict_copies(other_dir).is_empty()
        })?;
        eprintln!(
            "round {round}: {button} on {}: kept {}'s text; on the other device {:.0} ms later",
            if round % 2 == 1 { "A" } else { "B" },
            if kept == &on_a { "A" } else { "B" },
            milliseconds(resolved.elapsed())
        );
        wait_idle(&devices)?;
    }
    a.finish().await?;
    b.finish().await?;
    drop(devices);
    Ok(())
}
