//! A write through the worker while another program keeps replacing the same file on disk,
//! as a sync engine does (a finished copy renamed over it) (issue 16 part 5). Every answer
//! must be `200` (the write landed) or `409` ("the file changed while it was being
//! written; nothing was lost"), never a `500`; the file on disk is always one whole
//! version, ours or the other program's.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// Bytes of each write through the worker: long enough for renames to land during it.
const BODY: usize = 8 << 20;
const WRITES: usize = 16;

/// Writes `arguments[0]` bodies of `arguments[1]` bytes, one after the other, each
/// `mine-<n>-` then `x`s; the statuses and error messages.
const WRITE_SCRIPT: &str = r#"
const [count, size, done] = arguments;
(async () => {
  const answers = [];
  for (let n = 0; n < count; n++) {
    const head = `mine-${n}-`;
    const body = head + "x".repeat(size - head.length);
    const answer = await fetch("/@/fs/contested.txt?call=write", { method: "PUT", body });
    answers.push({ status: answer.status, text: answer.ok ? "" : await answer.text() });
  }
  done(answers);
})().catch((error) => done(String(error)));
"#;

#[tokio::test]
async fn writes_racing_a_program_that_replaces_the_file_are_200_or_409() -> Result {
    let harness = Harness::connected_on(Backend::Disk, &[("contested.txt", b"engine-start")]).await?;
    let root = harness.disk_path().unwrap().to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let renames = Arc::new(AtomicUsize::new(0));
    // The other program: a new version written aside and renamed over the file, again
    // and again, as Syncthing does with its `.syncthing.*.tmp` files.
    let engine = {
        let (stop, renames, root) = (stop.clone(), renames.clone(), root.clone());
        std::thread::spawn(move || {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let aside = root.join(".syncthing.contested.txt.tmp");
                std::fs::write(&aside, format!("engine-{n}")).unwrap();
                std::fs::rename(&aside, root.join("contested.txt")).unwrap();
                renames.fetch_add(1, Ordering::Relaxed);
                n += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    let answers = harness.script(WRITE_SCRIPT, vec![json!(WRITES), json!(BODY)]).await;
    stop.store(true, Ordering::Relaxed);
    engine.join().unwrap();
    let answers = answers?;
    let answers = answers.as_array().ok_or_else(|| format!("the writes failed: {answers}"))?;
    let mut statuses: BTreeMap<u64, usize> = BTreeMap::new();
    for answer in answers {
        *statuses.entry(answer["status"].as_u64().unwrap()).or_default() += 1;
        if answer["status"] != 200 {
            println!("answer: {answer}");
        }
    }
    println!(
        "{WRITES} writes of {BODY} bytes against {} renames: statuses {statuses:?}",
        renames.load(Ordering::Relaxed)
    );
    for answer in answers {
        let status = answer["status"].as_u64().unwrap();
        assert!(status == 200 || status == 409, "never a {status}: {answer}");
        if status == 409 {
            assert!(answer["text"].as_str().unwrap().contains("nothing was lost"), "{answer}");
        }
    }
    // One whole version on disk: the other program's last, or one of ours whole.
    let on_disk = std::fs::read(root.join("contested.txt")).unwrap();
    let whole_ours = on_disk.starts_with(b"mine-") && on_disk.len() == BODY;
    assert!(on_disk.starts_with(b"engine-") || whole_ours, "a mixed file: {} bytes", on_disk.len());
    harness.finish().await
}
