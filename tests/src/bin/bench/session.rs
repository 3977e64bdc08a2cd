//! The browser session: a tab per host, and rounds that rotate through them.

use crate::report::{Kind, Outcome, Row};
use crate::servers::Host;
use crate::stats::Summary;
use crate::tab::Tab;
use crate::{Result, say};
use owndir_e2e::Harness;
use owndir_e2e::cdp::Cdp;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The longest one page script may take (seeding a gigabyte, a long batch).
pub const LONG: Duration = Duration::from_secs(300);

/// The browser, and a tab per server.
pub struct Bench {
    pub harness: Harness,
    pub tabs: BTreeMap<Host, Tab>,
    /// `--only`: the measures to run (all when `None`).
    pub only: Option<Vec<String>>,
    /// Why a server is left out of every measure (static-web-server not installed).
    pub absent: BTreeMap<Host, String>,
    /// The native copy on disk, which `Host::OursDisk` serves too.
    pub disk: std::path::PathBuf,
}

impl Bench {
    pub fn devtools(&self) -> &Cdp {
        &self.harness.devtools
    }

    pub fn wants(&self, key: &str) -> bool {
        self.only.as_ref().is_none_or(|only| only.iter().any(|wanted| wanted == key))
    }

    pub fn tab(&self, server: Host) -> Result<&Tab> {
        self.tabs.get(&server).ok_or_else(|| format!("no tab for {}", server.label()))
    }

    pub async fn eval(&self, server: Host, expression: &str) -> Result<Value> {
        self.tab(server)?.eval(self.devtools(), expression, LONG).await
    }

    /// The servers that have a tab (static-web-server may be absent).
    pub fn present(&self) -> Vec<Host> {
        self.tabs.keys().copied().collect()
    }

    /// `rounds` rounds; in each, every server in `servers` runs `expression(server)` (a
    /// number of ms, or an array of them). The order rotates each round.
    pub async fn rounds(
        &self,
        servers: &[Host],
        rounds: usize,
        expression: impl Fn(Host) -> String,
    ) -> Result<BTreeMap<Host, Vec<f64>>> {
        let mut samples: BTreeMap<Host, Vec<f64>> = BTreeMap::new();
        for round in 0..rounds {
            for k in 0..servers.len() {
                let server = servers[(round + k) % servers.len()];
                let value = self.eval(server, &expression(server)).await?;
                samples.entry(server).or_default().extend(numbers(&value)?);
            }
        }
        Ok(samples)
    }

    /// A row from [`Bench::rounds`]; the servers left out are absent ("not run" unless
    /// the bench knows why).
    pub async fn row(
        &self,
        key: &'static str,
        name: &str,
        kind: Kind,
        servers: &[Host],
        rounds: usize,
        expression: impl Fn(Host) -> String,
    ) -> Result<Row> {
        say(name);
        let samples = self.rounds(servers, rounds, expression).await?;
        Ok(self.summarise(key, name, kind, samples, "not run"))
    }

    /// A row of every server, from the samples of those that ran.
    pub fn summarise(
        &self,
        key: &'static str,
        name: &str,
        kind: Kind,
        mut samples: BTreeMap<Host, Vec<f64>>,
        otherwise: &str,
    ) -> Row {
        let mut outcomes = BTreeMap::new();
        for server in Host::ALL {
            let outcome = match samples.remove(&server).and_then(Summary::of) {
                Some(summary) => Outcome::Measured(summary),
                None => Outcome::Absent(self.absent.get(&server).map_or(otherwise, String::as_str).to_owned()),
            };
            outcomes.insert(server, outcome);
        }
        Row { key, name: name.to_owned(), kind, outcomes }
    }
}

pub fn numbers(value: &Value) -> Result<Vec<f64>> {
    match value {
        Value::Number(number) => Ok(number.as_f64().into_iter().collect()),
        Value::Array(items) => {
            items.iter().map(|item| item.as_f64().ok_or_else(|| format!("not ms: {item}"))).collect()
        }
        other => Err(format!("expected ms, got {other}")),
    }
}

/// Says what a row measured, and passes it on.
pub fn shown(row: Row) -> Row {
    eprintln!("    {}", summary_line(&row));
    row
}

pub fn summary_line(row: &Row) -> String {
    let parts: Vec<String> = row
        .outcomes
        .iter()
        .map(|(server, outcome)| match outcome {
            Outcome::Measured(summary) => format!("{} {:.2}/{:.2} ms", server.label(), summary.median, summary.p95),
            Outcome::Absent(why) => format!("{} absent ({why})", server.label()),
        })
        .collect();
    parts.join(", ")
}
