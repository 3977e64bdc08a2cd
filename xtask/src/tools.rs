//! Installing what the build and the tests need, when it is missing. Each step checks
//! first, so running it again does nothing.

use crate::{Result, run, step, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Rust target for browsers.
pub fn ensure_wasm_target() -> Result {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    if installed.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("wasm32-unknown-unknown")) {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target (rustup)");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The `wasm-bindgen` version the workspace pins (from Cargo.lock).
fn pinned_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|error| format!("cannot read Cargo.lock: {error}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|line| line.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".to_owned())
}

/// The `wasm-bindgen` CLI of exactly the pinned version: the glue it writes must match
/// the crate's, or the page fails at run time.
pub fn ensure_wasm_bindgen() -> Result<PathBuf> {
    let version = pinned_wasm_bindgen()?;
    let cargo_bin = cargo_home().join("bin").join("wasm-bindgen");
    let found = Command::new(&cargo_bin).arg("--version").output();
    if found.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == format!("wasm-bindgen {version}")) {
        return Ok(cargo_bin);
    }
    step(&format!("installing wasm-bindgen-cli {version} (cargo install, a few minutes, once)"));
    // Not --locked: its lock file names a version missing from the registry (PLATFORM.md).
    run(Command::new(env!("CARGO")).args(["install", "wasm-bindgen-cli", "--version", &version, "--force"]))?;
    Ok(cargo_bin)
}

/// The wasm-pack version `cargo xtask` builds with.
const WASM_PACK_VERSION: &str = "0.15.1";

/// `wasm-pack`, which builds both wasm crates and runs the worker's own tests in Chromium.
/// It finds the pinned `wasm-bindgen` in `~/.cargo/bin` and is never let to download one
/// (`--mode no-install`); wasm-opt stays ours (npm's binaryen, see `wasm_opt`).
pub fn ensure_wasm_pack() -> Result<PathBuf> {
    let cargo_bin = cargo_home().join("bin").join("wasm-pack");
    let found = Command::new(&cargo_bin).arg("--version").output();
    if found.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == format!("wasm-pack {WASM_PACK_VERSION}")) {
        return Ok(cargo_bin);
    }
    step(&format!("installing wasm-pack {WASM_PACK_VERSION} (cargo install, a few minutes, once)"));
    run(Command::new(env!("CARGO")).args(["install", "wasm-pack", "--locked", "--version", WASM_PACK_VERSION]))?;
    Ok(cargo_bin)
}

/// `PATH` with `~/.cargo/bin` first, so a child finds the tools `cargo install` put there.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut paths = vec![cargo_home().join("bin")];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(paths).unwrap_or_default()
}

/// `cargo fuzz` (cargo-fuzz), for the fuzz targets in `fuzz/`.
pub fn ensure_cargo_fuzz() -> Result {
    let found = Command::new(env!("CARGO")).args(["fuzz", "--version"]).output();
    if found.is_ok_and(|out| out.status.success()) {
        return Ok(());
    }
    step("installing cargo-fuzz (cargo install, about 2 minutes, once)");
    cargo_install("cargo-fuzz")
}

/// `cargo install --locked <krate>`, or, when its lock file names a version the registry
/// yanked, with today's versions.
fn cargo_install(krate: &str) -> Result {
    if run(Command::new(env!("CARGO")).args(["install", krate, "--locked"])).is_ok() {
        return Ok(());
    }
    eprintln!("xtask: cargo install --locked {krate} failed; trying without --locked");
    run(Command::new(env!("CARGO")).args(["install", krate]))
}

pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// binaryen's npm build of `wasm-opt`, in `target/tools`. Debian's binaryen (108) writes
/// wasm that breaks at run time (PLATFORM.md), so it is never used. `None` without npm:
/// the build then ships unoptimised wasm and says so.
pub fn wasm_opt() -> Option<PathBuf> {
    const BINARYEN: &str = "binaryen@132.0.0";
    let prefix = workspace_root().join("target").join("tools");
    let wasm_opt = prefix.join("node_modules").join(".bin").join("wasm-opt");
    if wasm_opt.exists() {
        return Some(wasm_opt);
    }
    if Command::new("npm").arg("--version").output().is_err() {
        eprintln!("xtask: npm not found; wasm is not optimised (install Node.js and npm for wasm-opt)");
        return None;
    }
    step(&format!("installing wasm-opt ({BINARYEN} from npm) into target/tools"));
    let installed =
        run(Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(&prefix).arg(BINARYEN));
    match installed {
        Ok(()) if wasm_opt.exists() => Some(wasm_opt),
        _ => {
            eprintln!("xtask: could not install {BINARYEN}; wasm is not optimised");
            None
        }
    }
}

/// The `tiddlywiki` npm package, pinned, in `target/tools`: the TiddlyWiki test renders
/// its empty edition into the single-file wiki that saves itself through the worker. Node
/// runs only that fixture step; the app never needs it.
pub fn ensure_tiddlywiki() -> Result {
    const TIDDLYWIKI: &str = "tiddlywiki@5.4.1";
    let prefix = workspace_root().join("target").join("tools");
    let package = prefix.join("node_modules").join("tiddlywiki").join("package.json");
    if std::fs::read_to_string(&package).is_ok_and(|text| text.contains("\"version\": \"5.4.1\"")) {
        return Ok(());
    }
    step(&format!("installing {TIDDLYWIKI} from npm into target/tools (for the TiddlyWiki test)"));
    run(Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(&prefix).arg(TIDDLYWIKI))
}

/// Debian's Chromium and its matching ChromeDriver (no tool may fetch its own browser).
pub fn ensure_browser() -> Result {
    let present = |path: &str| Path::new(path).exists();
    if present("/usr/bin/chromium") && present("/usr/bin/chromedriver") {
        return Ok(());
    }
    step("installing chromium and chromium-driver (apt-get)");
    // The fonts make screenshots of CJK and emoji names readable.
    apt_install(&["chromium", "chromium-driver", "fonts-noto-cjk", "fonts-noto-color-emoji"])
}

/// Debian's Firefox ESR, for the Firefox suite (`tests/tests/firefox_*.rs`).
pub fn ensure_firefox() -> Result {
    if Path::new("/usr/bin/firefox-esr").exists() {
        return Ok(());
    }
    step("installing firefox-esr (apt-get)");
    apt_install(&["firefox-esr"])
}

/// geckodriver, which drives Firefox over WebDriver (crates.io; no tool may fetch its own
/// browser or driver binary).
pub fn ensure_geckodriver() -> Result {
    let installed = cargo_home().join("bin").join("geckodriver");
    for candidate in [installed.as_path(), Path::new("geckodriver")] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|out| out.status.success()) {
            return Ok(());
        }
    }
    step("installing geckodriver (cargo install, about 4 minutes, once)");
    cargo_install("geckodriver")
}

/// `apt-get update` then `apt-get install` of `packages`, through sudo when not root.
fn apt_install(packages: &[&str]) -> Result {
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut command = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command)
    };
    apt(&["update", "-qq"])?;
    apt(&[&["install", "-y", "-qq"], packages].concat())
}

/// Debian's Syncthing, which the two-device tests run (issue 16), unless it is there.
pub fn ensure_syncthing() -> Result {
    if Path::new("/usr/bin/syncthing").exists() {
        return Ok(());
    }
    step("installing syncthing (apt-get)");
    apt_install(&["--no-install-recommends", "syncthing"])
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}
