//! Firefox (issue 19): the file app's main flows driven as a person drives them — browse,
//! view, edit and save, upload through the file chooser, rename, delete — on browser
//! storage, every file it writes read back byte for byte.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::SafePath;
use owndir_e2e::Result;
use owndir_e2e::firefox::Firefox;
use serde_json::json;

fn fail(what: &'static str) -> impl Fn(fantoccini::error::CmdError) -> String {
    move |error| format!("{what}: {error}")
}

/// Reads `path` through the worker and straight from OPFS, and checks both hold `bytes`.
async fn assert_written(firefox: &Firefox, path: &str, bytes: &[u8]) -> Result {
    let served = firefox.get(&SafePath::parse(path).unwrap().to_url()).await?;
    assert_eq!(served.status, 200, "{path}");
    assert!(served.body == bytes, "{path} through the worker: {} bytes, wanted {}", served.body.len(), bytes.len());
    let stored = firefox.opfs_bytes(path).await?.unwrap_or_else(|| panic!("{path} is not in OPFS"));
    assert!(stored == bytes, "{path} in OPFS: {} bytes, wanted {}", stored.len(), bytes.len());
    Ok(())
}

/// Answers the open dialog's name field and presses its main button.
async fn answer_name(firefox: &Firefox, name: &str) -> Result {
    let field = firefox.element("dialog[open] input").await?;
    field.clear().await.map_err(fail("clear"))?;
    field.send_keys(name).await.map_err(fail("typing"))?;
    firefox.click("dialog[open] .dialog-buttons button:first-child").await
}

async fn start(files: &[(&str, &[u8])]) -> Result<Firefox> {
    let firefox = Firefox::connected(files).await?;
    firefox.element("table.listing").await?;
    Ok(firefox)
}

#[tokio::test]
async fn browse_view_edit_and_save() -> Result {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="teal"/></svg>"#;
    let firefox = start(&[
        ("file10.txt", b"ten"),
        ("file2.txt", b"two"),
        ("notes/read.md", b"# Title\n\nSee [the other](other.md).\n\n<script>window.pwned = 1</script>\n"),
        ("notes/other.md", b"# Other"),
        ("notes/pic.svg", svg),
        ("code.rs", b"fn main() {\n    println!(\"hi\");\n}\n"),
        ("plan.txt", "v1 ✓\n".as_bytes()),
        (".env", b"hidden"),
    ])
    .await?;
    // Folders first, natural order, dotfiles hidden.
    firefox.wait_for_rows(&["notes", "code.rs", "file2.txt", "file10.txt", "plan.txt"]).await?;
    firefox.click("tr[data-name=notes] a.entry").await?;
    firefox.wait_for_rows(&["other.md", "pic.svg", "read.md"]).await?;
    assert_eq!(firefox.value("location.pathname").await?, "/notes/");
    firefox.client.back().await.map_err(fail("back"))?;
    firefox.wait_for_rows(&["notes", "code.rs", "file2.txt", "file10.txt", "plan.txt"]).await?;

    // Viewers: Markdown (its script shown, not run; a relative link followed), code, image.
    firefox.open("/@/browse/notes/read.md").await?;
    firefox.element("article.markdown h1").await?;
    let html = firefox.value("document.querySelector('.markdown').innerHTML").await?;
    assert!(html.as_str().unwrap().contains("&lt;script&gt;"), "{html}");
    assert_eq!(firefox.value("window.pwned === undefined").await?, true);
    firefox.click(".markdown a").await?;
    firefox
        .eventually("return document.querySelector('.markdown h1')?.textContent === 'Other'", "the linked file")
        .await?;
    firefox.open("/@/browse/code.rs").await?;
    assert_eq!(firefox.element(".code .gutter").await?.text().await.map_err(fail("text"))?, "1\n2\n3");
    firefox.open("/@/browse/notes/pic.svg").await?;
    firefox.eventually("return document.querySelector('img.media')?.naturalWidth === 40", "the image").await?;

    // Edit, save with Ctrl+S, then with the button.
    firefox.open("/@/browse/plan.txt").await?;
    firefox.element(".code").await?;
    firefox.press("Edit").await?;
    firefox.element("#editor").await?.send_keys("mine ✓ ").await.map_err(fail("typing"))?;
    firefox.eventually("return document.title.startsWith('● ')", "the unsaved marker").await?;
    firefox.element("#editor").await?.send_keys("\u{E009}s").await.map_err(fail("Ctrl+S"))?;
    firefox.eventually("return document.querySelector('#file-status').textContent === 'Saved'", "saved").await?;
    assert_written(&firefox, "plan.txt", "v1 ✓\nmine ✓ ".as_bytes()).await?;
    firefox.element("#editor").await?.send_keys("\nmore 日本語").await.map_err(fail("typing"))?;
    firefox.eventually("return document.title.startsWith('● ')", "the unsaved marker").await?;
    firefox.press("Save").await?;
    firefox.eventually("return document.querySelector('#file-status').textContent === 'Saved'", "saved").await?;
    assert_written(&firefox, "plan.txt", "v1 ✓\nmine ✓ \nmore 日本語".as_bytes()).await?;
    firefox.finish().await
}

#[tokio::test]
async fn upload_rename_and_delete() -> Result {
    let firefox = start(&[("old.txt", b"old"), ("box/inside.txt", b"in")]).await?;
    firefox.wait_for_rows(&["box", "old.txt"]).await?;
    let local = tempfile::tempdir().map_err(|error| error.to_string())?;
    let big_bytes: Vec<u8> = (0..8u32 << 20).map(|index| (index % 251) as u8 ^ (index >> 16) as u8).collect();
    let big = local.path().join("big.bin");
    std::fs::write(&big, &big_bytes).unwrap();
    let small = local.path().join("pétit note ✓.txt");
    std::fs::write(&small, "small ✓").unwrap();
    firefox.press("Upload files").await?;
    let paths = format!("{}\n{}", big.display(), small.display());
    firefox.element("#upload-input").await?.send_keys(&paths).await.map_err(fail("choosing files"))?;
    firefox
        .eventually("return document.querySelector('.uploads')?.classList.contains('finished')", "the upload")
        .await?;
    let overall = firefox.value("[document.querySelector('.uploads progress.overall').value, document.querySelector('.uploads progress.overall').max]").await?;
    assert_eq!(overall, json!([big_bytes.len() + "small ✓".len(), big_bytes.len() + "small ✓".len()]));
    firefox.wait_for_rows(&["box", "big.bin", "old.txt", "pétit note ✓.txt"]).await?;
    assert_written(&firefox, "big.bin", &big_bytes).await?;
    assert_written(&firefox, "pétit note ✓.txt", "small ✓".as_bytes()).await?;
    firefox.press("Close").await?;

    // Rename, refusing a taken name first.
    firefox.click("button[aria-label='Actions for old.txt']").await?;
    firefox.press("Rename").await?;
    answer_name(&firefox, "big.bin").await?;
    firefox
        .eventually(
            "return document.querySelector('dialog[open] p')?.textContent.includes('already exists')",
            "the reason",
        )
        .await?;
    answer_name(&firefox, "renamed.txt").await?;
    firefox.wait_for_rows(&["box", "big.bin", "pétit note ✓.txt", "renamed.txt"]).await?;
    assert_written(&firefox, "renamed.txt", b"old").await?;
    assert_eq!(firefox.opfs_bytes("old.txt").await?, None);

    // Delete a folder and a file: into the trash, no question; Undo brings the file back.
    firefox.click("button[aria-label='Actions for box']").await?;
    firefox.press("Delete").await?;
    firefox.wait_for_rows(&["big.bin", "pétit note ✓.txt", "renamed.txt"]).await?;
    firefox.click("button[aria-label='Actions for renamed.txt']").await?;
    firefox.press("Delete").await?;
    firefox.wait_for_rows(&["big.bin", "pétit note ✓.txt"]).await?;
    assert_eq!(firefox.get("/box/inside.txt").await?.status, 404);
    assert_eq!((firefox.opfs_bytes("renamed.txt").await?, firefox.opfs_bytes("box/inside.txt").await?), (None, None));
    firefox.press("Undo").await?;
    firefox.wait_for_rows(&["big.bin", "pétit note ✓.txt", "renamed.txt"]).await?;
    assert_written(&firefox, "renamed.txt", b"old").await?;
    firefox.finish().await
}
