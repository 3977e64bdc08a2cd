//! A page open on one server's origin, driven over the browser's own DevTools socket.
//!
//! Each server gets its own tab: a worker only answers its own origin's pages, and a page
//! reaching a native server on another port would add CORS to what is measured.

use owndir_e2e::cdp::Cdp;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The timing helpers every tab gets (`window.bench`).
const MEASURE_JS: &str = include_str!("../../../../bench/measure.js");

/// A tab and its DevTools session.
#[derive(Debug)]
pub struct Tab {
    target: String,
    session: String,
}

impl Tab {
    /// Opens `url` in a new window and waits for it to load. A window of its own, since
    /// a tab behind another is hidden, and Chromium throttles hidden pages.
    pub async fn open(devtools: &Cdp, url: &str) -> Result<Tab, String> {
        let created = devtools.call("Target.createTarget", json!({ "url": url, "newWindow": true }), None).await?;
        let target = created["targetId"].as_str().ok_or("no target id")?;
        Tab::adopt(devtools, target).await
    }

    /// Takes over the tab `target_id` (one chromedriver opened, say) as it is.
    pub async fn adopt(devtools: &Cdp, target_id: &str) -> Result<Tab, String> {
        let tab = Tab { target: target_id.to_owned(), session: devtools.attach_target(target_id).await? };
        tab.until(devtools, "document.readyState === 'complete'", "the page to load").await?;
        Ok(tab)
    }

    /// Closes the tab (its page stops, and with it anything it asked the worker to do).
    pub async fn close(self, devtools: &Cdp) -> Result<(), String> {
        devtools.call("Target.closeTarget", json!({ "targetId": self.target }), None).await.map(|_| ())
    }

    /// Puts `window.bench` into the page (again after any navigation).
    pub async fn install_helpers(&self, devtools: &Cdp) -> Result<(), String> {
        self.eval(devtools, MEASURE_JS, Duration::from_secs(10)).await.map(|_| ())
    }

    /// Evaluates `expression` in the page, awaiting it if it is a promise, within `limit`.
    pub async fn eval(&self, devtools: &Cdp, expression: &str, limit: Duration) -> Result<Value, String> {
        let params = json!({ "expression": expression, "awaitPromise": true, "returnByValue": true });
        let answer = devtools.call_within("Runtime.evaluate", params, Some(&self.session), limit).await?;
        if let Some(exception) = answer.get("exceptionDetails") {
            let description = exception["exception"]["description"].as_str().or(exception["text"].as_str());
            return Err(format!("{expression:.80}: {}", description.unwrap_or("exception")));
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Connects the directory `path` on disk to the app open in this tab, as a person
    /// would: dropped on its start page (CDP `Input.dispatchDragEvent`), until the folder
    /// view shows.
    pub async fn connect_disk(&self, devtools: &Cdp, path: &std::path::Path) -> Result<(), String> {
        self.until(devtools, "!!document.querySelector('section.connect')", "the start page").await?;
        let data = json!({ "items": [], "files": [path.display().to_string()], "dragOperationsMask": 1 });
        for _ in 0..5 {
            for kind in ["dragEnter", "dragOver", "dragOver", "drop"] {
                let event = json!({ "type": kind, "x": 400, "y": 300, "data": data });
                devtools.call("Input.dispatchDragEvent", event, Some(&self.session)).await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if self.until(devtools, "!!document.querySelector('section.folder')", "the folder view").await.is_ok() {
                return Ok(());
            }
        }
        Err(format!("{} never connected by a drop", path.display()))
    }

    /// Opens `url` in this tab and waits for it to load.
    pub async fn navigate(&self, devtools: &Cdp, url: &str) -> Result<(), String> {
        devtools.call("Page.navigate", json!({ "url": url }), Some(&self.session)).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.until(devtools, "document.readyState === 'complete'", "the page to load").await
    }

    /// Waits until `condition` (an expression) is true in the page.
    pub async fn until(&self, devtools: &Cdp, condition: &str, what: &str) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // A page still navigating has no context to evaluate in yet: try again.
            if let Ok(Value::Bool(true)) = self.eval(devtools, condition, Duration::from_secs(5)).await {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("never: {what}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
