//! Firefox (issue 19): the start page on a browser without the directory picker,
//! connecting browser storage with and without an answer to the persist prompt, what
//! Firefox lacks (docs/firefox.md), reloads online and offline, and the console check.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::Result;
use owndir_e2e::firefox::{Firefox, INTERCEPTION_REPORT, Options};
use serde_json::{Value, json};

fn fail(what: &'static str) -> impl Fn(fantoccini::error::CmdError) -> String {
    move |error| format!("{what}: {error}")
}

/// What Firefox lacks and has, each checked where the app would meet it (docs/firefox.md).
const PLATFORM: &str = "({
  directoryPicker: typeof window.showDirectoryPicker,
  filePickers: [typeof window.showOpenFilePicker, typeof window.showSaveFilePicker],
  dropHandles: 'getAsFileSystemHandle' in DataTransferItem.prototype,
  installPrompt: 'onbeforeinstallprompt' in window || typeof BeforeInstallPromptEvent !== 'undefined',
  requestBody: 'body' in new Request('/', { method: 'POST', body: 'x' }),
  observer: typeof FileSystemObserver,
  queryPermission: 'queryPermission' in FileSystemHandle.prototype,
  opfs: typeof navigator.storage.getDirectory,
  createWritable: 'createWritable' in FileSystemFileHandle.prototype,
  folderEntries: 'webkitGetAsEntry' in DataTransferItem.prototype,
})";

#[tokio::test]
async fn the_start_page_says_the_picker_is_missing_and_firefox_lacks_what_docs_say() -> Result {
    let firefox = Firefox::start().await?;
    let open = firefox.button("Open folder").await?;
    assert_eq!(open.attr("disabled").await.map_err(fail("attribute"))?.as_deref(), Some("true"));
    let hint = firefox.value("document.querySelector('.choice .hint').textContent").await?;
    assert!(hint.as_str().unwrap().starts_with("This browser cannot open folders from the device."), "{hint}");
    assert!(firefox.button("Use browser storage").await?.is_enabled().await.map_err(fail("enabled"))?);

    assert_eq!(
        firefox.value(PLATFORM).await?,
        json!({
            "directoryPicker": "undefined",
            "filePickers": ["undefined", "undefined"],
            "dropHandles": false,
            "installPrompt": false,
            "requestBody": false,
            "observer": "undefined",
            "queryPermission": false,
            "opfs": "function",
            "createWritable": true,
            "folderEntries": true,
        })
    );
    // A stream body cannot be sent: Firefox sends its name, as text.
    let streamed = firefox
        .script(
            "const done = arguments[0];
            new Request('/', { method: 'POST', body: new ReadableStream(), duplex: 'half' }).text().then(done, (e) => done(e.name));",
            vec![],
        )
        .await?;
    assert_eq!(streamed, "[object ReadableStream]");
    // A folder dropped on the start page cannot be connected: the page says what to do.
    firefox
        .value(
            "(() => { const transfer = new DataTransfer(); transfer.items.add(new File(['x'], 'a folder'));
            document.querySelector('section.connect').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true })); })()",
        )
        .await?;
    firefox
        .eventually(
            "return document.querySelector('.notice')?.textContent.includes('cannot connect a dropped folder: use browser storage instead')",
            "the notice about dropped folders",
        )
        .await?;

    // Before anything is connected: the worker answers 503, and navigations get the app.
    firefox.wait_for_worker().await?;
    let status = firefox.get("/@/status").await?.json();
    assert_eq!((&status["connected"], &status["source"]), (&json!(false), &Value::Null));
    let file = firefox.get("/hello.txt").await?;
    assert_eq!(file.status, 503);
    assert!(file.json()["error"].as_str().unwrap().contains("no folder is connected"));
    firefox.open("/some/deep/path/").await?;
    firefox.button("Use browser storage").await?;
    firefox.finish().await
}

#[tokio::test]
async fn connecting_never_waits_on_the_persist_prompt() -> Result {
    // Nobody answers the prompt: Firefox leaves navigator.storage.persist() pending.
    let firefox = Firefox::start_with(Options { answer_persist_prompt: false, ..Options::default() }).await?;
    firefox.seed(&[("hello.txt", b"hello, folder\n")]).await?;
    firefox.connect_browser_storage().await?;
    firefox.wait_for_worker().await?;
    firefox.element("table.listing td.name a").await?;
    let warning = firefox.element("#storage-at-risk").await?;
    assert_eq!(warning.text().await.map_err(fail("text"))?, "may be cleared by the browser");
    assert_eq!(firefox.value("document.querySelector('#storage-usage').textContent.includes(' used')").await?, true);
    let status = firefox.get("/@/status").await?.json();
    assert_eq!((&status["connected"], &status["source"]), (&json!(true), &json!("opfs")));
    assert_eq!(firefox.get("/hello.txt").await?.body, b"hello, folder\n");
    let written = firefox.fetch("/@/fs/new.txt?call=write", json!({ "method": "PUT", "body": "written" })).await?;
    assert_eq!(written.status, 200, "{}", written.text());
    assert_eq!(firefox.opfs_bytes("new.txt").await?.as_deref(), Some(&b"written"[..]));
    // The question is still open: no answer came.
    assert_eq!(firefox.script("navigator.storage.persisted().then(arguments[0])", vec![]).await?, false);
    firefox.finish().await
}

#[tokio::test]
async fn reloads_reconnect_and_with_the_static_host_gone_the_worker_serves_everything() -> Result {
    let mut firefox = Firefox::connected(&[("hello.txt", b"hello, folder\n"), ("sub dir/a b.txt", b"spaces")]).await?;
    firefox.element("table.listing td.name a").await?;
    // The prompt answered yes: the warning goes.
    firefox.eventually("return !document.querySelector('#storage-at-risk')", "no warning once persisted").await?;
    assert_eq!(firefox.script("navigator.storage.persisted().then(arguments[0])", vec![]).await?, true);
    // A reload reconnects without asking.
    firefox.reload().await?;
    firefox.element("table.listing td.name a").await?;

    firefox.stop_server();
    firefox.open("/sub%20dir/").await?;
    let link = firefox.element("table.listing td.name a").await?;
    assert_eq!(link.text().await.map_err(fail("text"))?, "a b.txt");
    firefox.reload().await?;
    firefox.element("table.listing td.name a").await?;
    let file = firefox.get("/sub%20dir/a%20b.txt").await?;
    assert_eq!((file.status, file.body.as_slice()), (200, &b"spaces"[..]));
    let asset = firefox.get("/@/app/style.css").await?;
    assert_eq!((asset.status, asset.header("content-type")), (200, Some("text/css; charset=utf-8")));
    let written = firefox
        .script(
            "const done = arguments[0];
            import('/@/fsnode.js').then(async ({ root }) => {
              await root.write('offline.txt', 'written offline');
              return root.walk('offline.txt').text();
            }).then(done, (error) => done(String(error)));",
            vec![],
        )
        .await?;
    assert_eq!(written, "written offline");
    assert_eq!(firefox.opfs_bytes("offline.txt").await?.as_deref(), Some(&b"written offline"[..]));
    firefox.finish().await
}

/// The check every test ends with must be able to fail, for each kind of error; and the
/// one report it lets pass (a stream the page cut, a redirect followed) must still be
/// Firefox's way, and only as often as the page gave cause.
#[tokio::test]
async fn the_console_check_sees_page_and_worker_errors_and_passes_only_firefox_false_alarms() -> Result {
    let broken = b"module.exports = { routes: [[";
    let files: &[(&str, &[u8])] = &[("plain.txt", b"plain"), ("docs/x.txt", b"x"), ("app/.owndir/routes.js", broken)];
    let firefox = Firefox::connected(files).await?;
    // A page with no stream of its own.
    firefox.open("/plain.txt").await?;
    let reports = || {
        let events = firefox.bidi.events("log.entryAdded");
        events.iter().filter(|event| event["params"]["text"] == INTERCEPTION_REPORT).count()
    };
    let (before, expected) = (reports(), firefox.expected_reports());
    let opened = firefox
        .script(
            "const done = arguments[0]; window.events = new EventSource('/@/fs/?call=sub');
            events.onopen = () => done(events.readyState); events.onerror = () => done('error');",
            vec![],
        )
        .await?;
    assert_eq!(opened, 1, "the stream should open");
    firefox.value("events.close()").await?;
    let deadline = std::time::Instant::now() + owndir_e2e::WAIT;
    while reports() == before {
        assert!(std::time::Instant::now() < deadline, "Firefox no longer reports a closed stream: docs/firefox.md");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(firefox.expected_reports(), expected + 1);
    assert_eq!(firefox.console_errors(), Vec::<String>::new());
    // A directory without its slash: the worker redirects, and the fetch follows.
    let followed = firefox.get("/docs").await?;
    assert!(followed.redirected && followed.url.ends_with("/docs/"), "{}", followed.url);
    while reports() < before + 2 {
        assert!(std::time::Instant::now() < deadline, "Firefox no longer reports a followed redirect: docs/firefox.md");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(firefox.expected_reports(), expected + 2);
    assert_eq!(firefox.console_errors(), Vec::<String>::new());

    firefox.value("console.error('deliberate page error')").await?;
    firefox.value("setTimeout(() => { throw new Error('deliberate uncaught error') })").await?;
    // The worker logs a routes.js that does not load, and answers 500.
    assert_eq!(firefox.get("/app/anything").await?.status, 500);
    let wanted = ["deliberate page error", "deliberate uncaught error", "owndir: cannot load /app/.owndir/routes.js"];
    loop {
        let errors = firefox.console_errors();
        if wanted.iter().all(|wanted| errors.iter().any(|error| error.contains(wanted))) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{errors:#?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    firefox.close().await;
    Ok(())
}
