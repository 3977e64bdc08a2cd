//! Connecting the harness's browser to a folder (browser storage, a picked folder, a
//! directory dropped from disk) and reading the storage itself, OPFS or disk, to check
//! what the worker wrote.

use crate::{Backend, Harness, Options, Result, fail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

impl Harness {
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
