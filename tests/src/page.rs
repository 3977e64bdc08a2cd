//! What both harnesses (Chromium's in `lib.rs`, Firefox's in `firefox.rs`) do with a page
//! over WebDriver: wait for elements, run scripts, wait for a state.

use crate::{Result, WAIT};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Waits for a button with this visible text (its accessible name) and returns it.
pub async fn button(client: &Client, name: &str) -> Result<Element> {
    let xpath = format!("//button[normalize-space()='{name}']");
    let found = client.wait().at_most(WAIT).for_element(Locator::XPath(&xpath)).await;
    found.map_err(|error| format!("no button {name:?}: {error}"))
}

/// Waits for an element matching a CSS selector.
pub async fn element(client: &Client, css: &str) -> Result<Element> {
    let found = client.wait().at_most(WAIT).for_element(Locator::Css(css)).await;
    found.map_err(|error| format!("no element {css:?}: {error}"))
}

/// Runs an async script: its last argument is the callback to call with the result.
pub async fn script(client: &Client, script: &str, args: Vec<Value>) -> Result<Value> {
    client.execute_async(script, args).await.map_err(|error| format!("script failed: {error}"))
}

/// Evaluates `expression` in the page and returns its value.
pub async fn value(client: &Client, expression: &str) -> Result<Value> {
    client.execute(&format!("return {expression};"), vec![]).await.map_err(|error| format!("script failed: {error}"))
}

/// Waits until `script` (a JavaScript function body, run in the page) returns `true`,
/// giving up after `limit` with where the page stood, so a failure says more than its name.
pub async fn eventually_within(client: &Client, limit: Duration, script: &str, what: &str) -> Result {
    let deadline = Instant::now() + limit;
    loop {
        let answer = client.execute(script, vec![]).await.map_err(|error| format!("script failed: {error}"))?;
        if answer == json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let page = client
                .execute("return [location.href, document.body?.innerText.slice(0, 300)]", vec![])
                .await
                .unwrap_or_default();
            return Err(format!("never: {what} (the page: {page})"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks the button named `name`, finding it again if the page redrew it meanwhile.
pub async fn press(client: &Client, name: &str) -> Result {
    for _ in 0..3 {
        match button(client, name).await?.click().await {
            Err(error) if error.to_string().contains("stale") => continue,
            other => return other.map_err(|error| format!("click on {name:?} failed: {error}")),
        }
    }
    Err(format!("{name} kept going stale"))
}

/// Clicks the element matching `css`, finding it again if the page redrew it meanwhile (a
/// change event arrived between finding and clicking).
pub async fn click(client: &Client, css: &str) -> Result {
    for _ in 0..3 {
        match element(client, css).await?.click().await {
            Err(error) if error.to_string().contains("stale") => continue,
            other => return other.map_err(|error| format!("click on {css:?} failed: {error}")),
        }
    }
    Err(format!("{css} kept going stale"))
}

const ROW_NAMES: &str = "[...document.querySelectorAll('#listing tr[data-name]')].map((row) => row.dataset.name)";

/// The names in the file app's listing, top to bottom.
pub async fn listing_rows(client: &Client) -> Result<Vec<String>> {
    let names = value(client, ROW_NAMES).await?;
    Ok(names.as_array().into_iter().flatten().filter_map(|name| name.as_str().map(str::to_owned)).collect())
}

/// Waits until the listing shows exactly `expected`, top to bottom.
pub async fn wait_for_rows(client: &Client, expected: &[&str]) -> Result {
    let wanted = serde_json::to_string(expected).map_err(|error| error.to_string())?;
    let script = format!("return JSON.stringify({ROW_NAMES}) === {wanted:?}");
    match eventually_within(client, WAIT, &script, "the listing").await {
        Ok(()) => Ok(()),
        Err(_) => Err(format!("listing is {:?}, wanted {wanted}", listing_rows(client).await?)),
    }
}
