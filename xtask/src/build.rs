//! `cargo xtask build`: the deployable app, a plain static folder in `dist/`.
//!
//! ```text
//! dist/index.html              the start page (first visit, before the worker runs)
//! dist/sw.js                   the worker: glue + wasm (base64) + the line that starts it
//! dist/@/app/index.html        the app page the worker serves as the frame
//! dist/@/app/app.js, app_bg.wasm, boot.js, style.css, manifest.webmanifest, icons/
//! dist/@/app/snippets/         JS the page's wasm imports (the loader of the extras)
//! dist/@/app/extras.js, extras_bg.wasm  the page's second wasm, loaded on first use
//! dist/@/fsnode.js             the FsNode client library for folder apps
//! ```

use crate::{Result, run, short_names, step, tools, workspace_root};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates built to wasm: folder, output name, wasm-bindgen target (the worker's
/// glue is a classic script; the page's are modules).
const WASM_CRATES: [(&str, &str, &str); 3] =
    [("sw", "sw", "no-modules"), ("app", "app", "web"), ("app-extras", "extras", "web")];

/// Builds everything into `dist/` and returns its path.
pub fn build() -> Result<PathBuf> {
    let root = workspace_root();
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    let wasm_pack = tools::ensure_wasm_pack()?;
    let wasm_opt = tools::wasm_opt();

    let generated = root.join("target").join("wasm-out");
    step("compiling the worker and the page to wasm, with their JS glue (wasm-pack build --release)");
    for (krate, name, target) in WASM_CRATES {
        wasm_pack_build(&wasm_pack, &root.join(krate), &generated.join(name), name, target)?;
    }
    // Each crate's output: `target/wasm-out/<name>/<name>_bg.wasm` and `<name>.js`.
    let output = |name: &str, suffix: &str| generated.join(name).join(format!("{name}{suffix}"));
    if let Some(wasm_opt) = &wasm_opt {
        step("optimising wasm (wasm-opt -Oz)");
        for (_, name, _) in WASM_CRATES {
            optimise(wasm_opt, &output(name, "_bg.wasm"))?;
        }
    }
    step("shortening wasm-bindgen's hashed names (wasm and glue)");
    for (_, name, _) in WASM_CRATES {
        shorten_names(&output(name, "_bg.wasm"), &output(name, ".js"))?;
    }

    step("assembling dist/");
    let dist = root.join("dist");
    assemble(&root, &generated, &dist)?;
    report_sizes(&dist)?;
    Ok(dist)
}

/// `wasm-pack build` of the crate at `krate` into `out`: cargo's release build, then the
/// pinned wasm-bindgen (never downloaded). wasm-opt is off in the crates' wasm-pack
/// metadata: `optimise` runs npm's binaryen with the features rustc enables.
fn wasm_pack_build(wasm_pack: &Path, krate: &Path, out: &Path, name: &str, target: &str) -> Result {
    // Fresh files, not old ones rewritten: a worktree's seeded `target/` shares them by
    // hard link with other worktrees, and every file under `snippets/` is shipped, so
    // none may be left from an old build.
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|error| format!("cannot clear {}: {error}", out.display()))?;
    }
    run(Command::new(wasm_pack)
        .args(["--quiet", "build", "--release", "--mode", "no-install", "--no-typescript", "--no-pack"])
        .args(["--target", target, "--out-name", name, "--out-dir"])
        .arg(out)
        .arg(krate)
        .arg("--")
        .args(registry_path_remaps())
        .env("PATH", tools::path_with_cargo_bin()))
}

/// Cargo arguments that name the crates of the registry by a short, machine-free prefix
/// in the wasm's panic locations (`crates.io/js-sys-0.3.107/src/...`) rather than this
/// machine's `$CARGO_HOME/registry/src/<index>-<hash>/...`: the same wasm from every
/// machine, and ~90 B gzip off the worker. The rustflags of `.cargo/config.toml` stay:
/// cargo appends a `--config` array to the file's.
fn registry_path_remaps() -> Vec<String> {
    let registries = tools::cargo_home().join("registry").join("src");
    let Ok(entries) = std::fs::read_dir(&registries) else { return Vec::new() };
    let flags: Vec<String> = entries
        .flatten()
        .map(|entry| format!("\"--remap-path-prefix={}=crates.io\"", entry.path().display()))
        .collect();
    if flags.is_empty() {
        return Vec::new();
    }
    vec!["--config".into(), format!("target.wasm32-unknown-unknown.rustflags=[{}]", flags.join(", "))]
}

fn optimise(wasm_opt: &Path, wasm: &Path) -> Result {
    run(Command::new(wasm_opt)
        .arg(wasm)
        // `--low-memory-unused` lets constant offsets fold into loads and stores: only an
        // address that wraps past 4 GB into the first 1 KB could tell, and Rust's pointers
        // never wrap (the first 1 KB is the far end of the 1 MB stack).
        .args(["-Oz", "--low-memory-unused"])
        // -Oz again until the wasm stops shrinking: ~0.35 KB gzip off the worker, ~0.4 KB off
        // the page, for ~20 s more each.
        .arg("--converge")
        // A function with one caller is inlined only when small (20, the size wasm-opt
        // inlines anyway): pasting large ones into the async handlers' huge state machines
        // gave functions that gzip compresses far worse (the worker 8 KB, the page 13 KB).
        .arg("--one-caller-inline-max-function-size=20")
        // Custom sections no browser reads: which compilers made the wasm, and its features.
        .args(["--strip-producers", "--strip-target-features"])
        // The features rustc enables by default for wasm32 today; wasm-opt must accept them.
        .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
        .args(["--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "-o"])
        .arg(wasm))
}

/// Renames wasm-bindgen's hashed names in `wasm` and its `glue` (see `short_names`).
fn shorten_names(wasm: &Path, glue: &Path) -> Result {
    let glue_text =
        String::from_utf8(read(glue)?).map_err(|error| format!("{} is not UTF-8: {error}", glue.display()))?;
    let (short_wasm, short_glue) = short_names::shorten(&read(wasm)?, &glue_text)?;
    write(wasm, &short_wasm)?;
    write(glue, short_glue.as_bytes())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

fn assemble(root: &Path, generated: &Path, dist: &Path) -> Result {
    let static_dir = root.join("static");
    // The app shell: (URL under the origin, content).
    let mut shell: Vec<(String, Vec<u8>)> = vec![
        ("/@/app/index.html".into(), read(&static_dir.join("index.html"))?),
        ("/@/app/boot.js".into(), read(&static_dir.join("boot.js"))?),
        ("/@/app/style.css".into(), read(&static_dir.join("style.css"))?),
        ("/@/app/manifest.webmanifest".into(), read(&root.join("manifest.webmanifest"))?),
        ("/@/fsnode.js".into(), read(&static_dir.join("fsnode.js"))?),
        ("/@/app/app.js".into(), read(&generated.join("app").join("app.js"))?),
        ("/@/app/app_bg.wasm".into(), read(&generated.join("app").join("app_bg.wasm"))?),
        // Loaded on first use (Markdown, the conflict diff), and cached with the rest so
        // that first use works offline.
        ("/@/app/extras.js".into(), read(&generated.join("extras").join("extras.js"))?),
        ("/@/app/extras_bg.wasm".into(), read(&generated.join("extras").join("extras_bg.wasm"))?),
    ];
    // wasm-bindgen writes the JS the page's wasm imports (`#[wasm_bindgen(module)]`) under
    // `snippets/`, which `app.js` imports by relative URL.
    for (relative, snippet) in files_under(&generated.join("app").join("snippets"))? {
        shell.push((format!("/@/app/snippets/{relative}"), read(&snippet)?));
    }
    let mut icons: Vec<PathBuf> = std::fs::read_dir(static_dir.join("icons"))
        .map_err(|error| format!("cannot list static/icons: {error}"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    icons.sort();
    for icon in icons {
        let name = icon.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
        shell.push((format!("/@/app/icons/{name}"), read(&icon)?));
    }

    let sw_glue = read(&generated.join("sw").join("sw.js"))?;
    let sw_wasm = read(&generated.join("sw").join("sw_bg.wasm"))?;
    let sw_boot = read(&static_dir.join("sw-boot.js"))?;
    let sw_routes = read(&static_dir.join("sw-routes.js"))?;
    let sw_express = read(&static_dir.join("sw-express.js"))?;
    let fsnode_in_worker = fsnode_factory(&read(&static_dir.join("fsnode.js"))?)?;

    // The version names the worker's cache: it changes whenever any shipped byte does.
    let mut digest = Sha256::new();
    for (url, bytes) in &shell {
        digest.update(url.as_bytes());
        digest.update(bytes);
    }
    digest.update(&sw_glue);
    digest.update(&sw_wasm);
    digest.update(&sw_boot);
    digest.update(&sw_routes);
    digest.update(&sw_express);
    let version: String = digest.finalize().iter().take(6).map(|byte| format!("{byte:02x}")).collect();

    if dist.exists() {
        std::fs::remove_dir_all(dist).map_err(|error| format!("cannot clear {}: {error}", dist.display()))?;
    }
    for (url, bytes) in &shell {
        write(&dist.join(url.trim_start_matches('/')), bytes)?;
    }
    // The same page at the root, for the first visit before the worker is installed.
    write(&dist.join("index.html"), &read(&static_dir.join("index.html"))?)?;

    let urls: Vec<String> = shell.iter().map(|(url, _)| format!("{url:?}")).collect();
    let mut sw = Vec::new();
    let header = format!(
        "// owndir service worker, built by `cargo xtask build`.\nself.OWNDIR_BUILD = {{ version: {version:?}, shell: [{}] }};\n",
        urls.join(", ")
    );
    sw.extend_from_slice(header.as_bytes());
    sw.extend_from_slice(&sw_glue);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&sw_wasm);
    sw.extend_from_slice(format!("\nconst OWNDIR_WASM = \"{encoded}\";\n").as_bytes());
    sw.extend_from_slice(&sw_routes);
    sw.extend_from_slice(&sw_express);
    sw.extend_from_slice(&fsnode_in_worker);
    sw.extend_from_slice(&sw_boot);
    write(&dist.join("sw.js"), &sw)?;
    eprintln!("    version {version}");
    Ok(())
}

/// The files under `dir` (none if it is missing), each with its `/`-separated path
/// relative to `dir`, sorted.
fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    let mut pending = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, dir)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let entry = entry.map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            if entry.path().is_dir() {
                pending.push((relative, entry.path()));
            } else {
                files.push((relative, entry.path()));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `/@/fsnode.js` for folder handlers inside the worker: the same module as a function of
/// the `fetch` it calls, since a worker's own fetches go to the network, not to itself.
fn fsnode_factory(module: &[u8]) -> Result<Vec<u8>> {
    let module = std::str::from_utf8(module).map_err(|error| format!("fsnode.js is not UTF-8: {error}"))?;
    if module.lines().any(|line| line.starts_with("import ")) {
        return Err("fsnode.js must not import: the worker evaluates it as a script".into());
    }
    let body: Vec<&str> = module.lines().map(|line| line.strip_prefix("export ").unwrap_or(line)).collect();
    let factory = format!(
        "\n// /@/fsnode.js as a function of its fetch, for folder handlers (sw/src/folder_routes.rs).\n\
         self.OWNDIR_FSNODE = (fetch) => {{\n{}\nreturn {{ root, FsNode, FsNodeError }};\n}};\n",
        body.join("\n")
    );
    Ok(factory.into_bytes())
}

fn gzip_size(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|error| error.to_string())?;
    Ok(encoder.finish().map_err(|error| error.to_string())?.len())
}

fn report_sizes(dist: &Path) -> Result {
    let root = workspace_root();
    let generated = root.join("target").join("wasm-out");
    for (label, path) in [
        ("worker wasm", generated.join("sw").join("sw_bg.wasm")),
        ("worker sw.js (glue + base64 wasm)", dist.join("sw.js")),
        ("page wasm", dist.join("@").join("app").join("app_bg.wasm")),
        ("page glue app.js", dist.join("@").join("app").join("app.js")),
        ("page extras wasm (loaded on first use)", dist.join("@").join("app").join("extras_bg.wasm")),
    ] {
        let bytes = read(&path)?;
        eprintln!("    {label}: {} bytes, {} gzip", bytes.len(), gzip_size(&bytes)?);
    }
    Ok(())
}
