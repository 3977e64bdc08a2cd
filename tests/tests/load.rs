//! Load through the real worker on OPFS (issue 9): four tabs of mixed reads and writes
//! for a minute, every write checked. A file of its own, so that it runs alone: cargo runs
//! test files one after another, and the hardening tests beside it made the figures theirs.
//! What held is in docs/reliability.md.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Harness, Result};
use serde_json::json;

/// Runs `loops` concurrent request loops in each of `tabs` for `seconds`: 70 % reads,
/// 30 % writes, each loop to its own file, each read checked against its last write.
const LOAD_SCRIPT: &str = r#"
const [tabs, loops, seconds, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
(async () => {
  const windows = [window];
  for (let t = 1; t < tabs; t++) {
    const opened = window.open("/inner/file.txt", `tab${t}`);
    await new Promise((resolve) => {
      // Past the first about:blank: a fetch from a document that is navigated away never settles.
      const ready = () => opened.location.pathname === "/inner/file.txt" && opened.document.readyState === "complete" &&
        opened.navigator.serviceWorker.controller ? resolve() : setTimeout(ready, 50);
      ready();
    });
    windows.push(opened);
  }
  const end = performance.now() + seconds * 1000;
  const errors = [];
  const last = {};
  let requests = 0;
  const loop = async (tab, index) => {
    const name = `load/t${tab}-${index}.txt`;
    let written = null;
    for (let sequence = 0; performance.now() < end; sequence++) {
      const fetchIn = (url, init = {}) => windows[tab].fetch(url, { ...init, signal: AbortSignal.timeout(20000) });
      requests++;
      if (written === null || Math.random() < 0.3) {
        const body = `${tab}-${index}-${sequence}`;
        const started = performance.now();
        const response = await fetchIn(`/@/fs/${name}?call=write`, { method: "PUT", body }).catch((e) => e);
        const took = Math.round(performance.now() - started);
        if (response.status === 200) { written = body; last[name] = body; }
        else errors.push(`write ${name}: ${response.status || response} after ${took} ms`);
      } else {
        const started = performance.now();
        const response = await fetchIn(`/${name}`).catch((e) => e);
        const text = response.status === 200 ? await response.text().catch((e) => `(body: ${e})`) : null;
        const took = Math.round(performance.now() - started);
        if (text !== written) errors.push(`read ${name}: ${response.status || response} ${text} != ${written} after ${took} ms`);
      }
    }
  };
  const all = [];
  for (let tab = 0; tab < tabs; tab++) for (let index = 0; index < loops; index++) all.push(loop(tab, index));
  await Promise.all(all);
  for (const opened of windows.slice(1)) opened.close();
  return { requests, errors: errors.slice(0, 20), errorCount: errors.length, last };
})().then(done, (error) => done({ failed: String(error) }));
"#;

#[tokio::test]
async fn four_tabs_of_200_concurrent_reads_and_writes_for_a_minute_lose_nothing() -> Result {
    let harness = Harness::connected(&[]).await?;
    harness.seed(&[("inner/file.txt", b"inside")]).await?;
    harness.open("/inner/file.txt").await?;
    let result = harness.script(LOAD_SCRIPT, vec![json!(4), json!(50), json!(60)]).await?;
    assert!(result.get("failed").is_none(), "{result}");
    assert_eq!(result["errorCount"], 0, "{result}");
    let requests = result["requests"].as_u64().unwrap();
    let last = result["last"].as_object().unwrap();
    assert_eq!(last.len(), 200, "every loop wrote");
    // Every file holds its loop's last write.
    let mut wrong = Vec::new();
    for (name, body) in last {
        let text = harness.get(&format!("/{name}")).await?.text();
        if text != body.as_str().unwrap() {
            wrong.push(format!("{name}: {text} != {body}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
    eprintln!("load: {requests} requests from 4 tabs × 50 loops in 60 s, no error, 200 files verified");
    harness.finish().await
}
