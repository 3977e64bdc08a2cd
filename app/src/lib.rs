//! The owndir page: connect a folder, make sure the worker controls the page, and show
//! the folder at the URL's path. Every folder read goes through the worker, so what
//! this page can do, any folder app can do.

mod connect;
mod dom;
mod listing;
mod views;
mod worker;

use wasm_bindgen::prelude::*;

/// Boots the page.
#[wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = run().await {
            views::show_error(&format!("The app could not start: {error}"));
        }
    });
}

async fn run() -> Result<(), owndir_browser::DomError> {
    dom::listen_for_actions(connect::on_action)?;
    worker::ensure_controlled().await?;
    connect::resume().await;
    Ok(())
}
