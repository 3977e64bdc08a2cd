//! `cargo xtask fuzz [--seconds N] [target…]`: runs the cargo-fuzz targets of `fuzz/`
//! for N seconds each (default 5), one at a time, and fails on the first crash.
//!
//! Targets are built without a sanitizer (`--sanitizer none`), so the stable toolchain
//! builds them (AddressSanitizer needs `-Zsanitizer`); the core forbids `unsafe`, which is
//! what ASan would watch. cargo-fuzz keeps debug assertions and overflow checks on.

use crate::{Result, run, step, tools, workspace_root};
use std::path::Path;
use std::process::Command;

/// Every target in `fuzz/fuzz_targets/`.
pub const TARGETS: [&str; 4] = ["path", "range", "fs_query", "routes"];

/// The smoke run's length per target: a CI-sized check, not a search.
pub const SMOKE_SECONDS: u64 = 5;

/// `cargo xtask fuzz` with its arguments.
pub fn fuzz(args: &[String]) -> Result {
    let mut seconds = SMOKE_SECONDS;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--seconds" {
            let value = args.next().ok_or("--seconds needs a number")?;
            seconds = value.parse().map_err(|_| format!("not a number of seconds: {value}"))?;
        } else if TARGETS.contains(&arg.as_str()) {
            targets.push(arg.as_str());
        } else {
            return Err(format!("unknown fuzz target {arg} (targets: {})", TARGETS.join(", ")));
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    run_targets(seconds, &targets)
}

/// Builds the targets, then runs each for `seconds`. A crash leaves its input in
/// `fuzz/artifacts/<target>/` and cargo-fuzz prints how to reproduce and minimise it.
pub fn run_targets(seconds: u64, targets: &[&str]) -> Result {
    tools::ensure_cargo_fuzz()?;
    let root = workspace_root();
    step("building the fuzz targets (cargo fuzz build)");
    run(cargo_fuzz(&root).args(["build", "--sanitizer", "none"]))?;
    for target in targets {
        step(&format!("fuzzing {target} for {seconds} s"));
        // New inputs go to the first corpus folder (ignored by git); the seeds in
        // fuzz/seeds/ are only read.
        let corpus = root.join("fuzz").join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|error| format!("cannot create {}: {error}", corpus.display()))?;
        let mut command = cargo_fuzz(&root);
        command.args(["run", "--sanitizer", "none", target]).arg(&corpus);
        let seeds = root.join("fuzz").join("seeds").join(target);
        if seeds.is_dir() {
            command.arg(&seeds);
        }
        // `-timeout`: an input that runs 10 s is a hang, a failure like a crash.
        command.args(["--", &format!("-max_total_time={seconds}"), "-timeout=10", "-print_final_stats=1"]);
        run(&mut command).map_err(|error| format!("fuzz target {target} failed (a crash, see above): {error}"))?;
    }
    Ok(())
}

fn cargo_fuzz(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(root).arg("fuzz");
    command
}
