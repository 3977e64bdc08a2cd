//! Several entries of the listing at once: a checkbox per row, Ctrl/⌘-click to add one,
//! Shift-click for a range, Space on the focused row, Ctrl/⌘+A for all, Escape to clear,
//! and a long press on a phone. The bar above the listing offers Delete, Move and
//! Download zip for what is selected; those are `browse.rs`'s.

use crate::dom::{action_button, add, document, element, listen, text_element};
use crate::state;
use crate::views::log;
use owndir_browser::DomError;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement, MouseEvent, PointerEvent};

/// How long a finger rests on a row before it selects it.
const LONG_PRESS_MS: u32 = 500;

thread_local! {
    /// The long press under way: its timer.
    static PRESS_TIMER: std::cell::RefCell<Option<gloo_timers::callback::Timeout>> = const { std::cell::RefCell::new(None) };
    /// A long press just selected: the click that ends it must not open the entry.
    static SWALLOW_CLICK: Cell<bool> = const { Cell::new(false) };
}

/// The names of the rows drawn, top to bottom.
fn drawn_names() -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(rows) = document().query_selector_all("#listing table.listing tr[data-name]") {
        for index in 0..rows.length() {
            if let Some(name) = rows
                .item(index)
                .and_then(|node| node.dyn_into::<Element>().ok())
                .and_then(|row| row.get_attribute("data-name"))
            {
                names.push(name);
            }
        }
    }
    names
}

/// Adds `name` to the selection or takes it out; with `range`, selects every row from the
/// last one chosen to this one.
pub fn toggle(name: &str, range: bool) {
    let drawn = drawn_names();
    state::update(|app| {
        let anchor = app.select_anchor.clone().and_then(|anchor| drawn.iter().position(|n| *n == anchor));
        let here = drawn.iter().position(|n| n == name);
        match (range, anchor, here) {
            (true, Some(from), Some(to)) => {
                for n in &drawn[from.min(to)..=from.max(to)] {
                    app.selected.insert(n.clone());
                }
            }
            _ => {
                if !app.selected.remove(name) {
                    app.selected.insert(name.to_owned());
                }
                app.select_anchor = Some(name.to_owned());
            }
        }
    });
    log(sync());
}

/// Selects every row drawn, or none when all already are.
pub fn toggle_all() {
    let drawn = drawn_names();
    state::update(|app| {
        if !drawn.is_empty() && drawn.iter().all(|name| app.selected.contains(name)) {
            app.selected.clear();
        } else {
            app.selected.extend(drawn);
        }
    });
    log(sync());
}

/// Clears the selection.
pub fn clear() {
    state::update(|app| {
        app.selected.clear();
        app.select_anchor = None;
    });
    log(sync());
}

/// True when something is selected.
pub fn any() -> bool {
    state::with(|app| !app.selected.is_empty())
}

/// Makes the rows, their checkboxes and the selection bar show the selection. Names no
/// longer in the listing leave it.
pub fn sync() -> Result<(), DomError> {
    let selected = state::update(|app| {
        let state::App { entries, selected, .. } = app;
        // One look into the selection per entry, not a scan of the entries per name
        // selected: Ctrl+A on 10,000 rows took 288 ms with the scans (BENCHMARKS.md).
        let listed = entries.iter().filter(|entry| selected.contains(&entry.name));
        *selected = listed.map(|entry| entry.name.clone()).collect();
        app.selected.clone()
    });
    // Rows are drawn unselected: with nothing selected, only those shown selected change.
    let rows = if selected.is_empty() {
        document().query_selector_all("#listing table.listing tbody tr[data-name][aria-selected=true]")?
    } else {
        document().query_selector_all("#listing table.listing tbody tr[data-name]")?
    };
    let mut drawn = 0;
    let mut drawn_selected = 0;
    for index in 0..rows.length() {
        let Some(row) = rows.item(index).and_then(|node| node.dyn_into::<Element>().ok()) else { continue };
        let chosen = row.get_attribute("data-name").is_some_and(|name| selected.contains(&name));
        drawn += 1;
        drawn_selected += usize::from(chosen);
        row.class_list().toggle_with_force("selected", chosen)?;
        row.set_attribute("aria-selected", if chosen { "true" } else { "false" })?;
        if let Some(box_) = row.query_selector("input.select")? {
            box_.unchecked_into::<HtmlInputElement>().set_checked(chosen);
        }
    }
    if let Some(all) = document().query_selector("#listing input.select-all")? {
        let all: HtmlInputElement = all.unchecked_into();
        all.set_checked(drawn > 0 && drawn_selected == drawn);
        all.set_indeterminate(drawn_selected > 0 && drawn_selected < drawn);
    }
    let Some(bar) = document().get_element_by_id("selection-bar") else { return Ok(()) };
    bar.set_inner_html("");
    if selected.is_empty() {
        bar.set_attribute("hidden", "")?;
        return Ok(());
    }
    bar.remove_attribute("hidden")?;
    let count = text_element("span", "selection-count", &format!("{} selected", selected.len()))?;
    count.set_attribute("role", "status")?;
    add(&bar, &count)?;
    add(&bar, &action_button("Delete", "delete-selected", "danger")?)?;
    add(&bar, &action_button("Move", "move-selected", "secondary")?)?;
    add(&bar, &action_button("Download zip", "zip-selected", "secondary")?)?;
    add(&bar, &action_button("Clear selection", "clear-selection", "quiet")?)?;
    Ok(())
}

/// The bar above the listing that offers what can be done with the selection.
pub fn bar() -> Result<Element, DomError> {
    let bar = element("div", "selection-bar")?;
    bar.set_id("selection-bar");
    bar.set_attribute("hidden", "")?;
    bar.set_attribute("aria-label", "Selection")?;
    bar.set_attribute("role", "toolbar")?;
    Ok(bar)
}

fn row_name(target: &web_sys::EventTarget) -> Option<String> {
    let element = target.dyn_ref::<Element>()?;
    element.closest("#listing table.listing tr[data-name]").ok()??.get_attribute("data-name")
}

/// The page's listeners for selecting, added once for the page's life: they look at
/// whatever listing is drawn.
pub fn listen_for_selection() -> Result<(), DomError> {
    let body = crate::dom::body()?;
    // Capture: a modified click on a row selects before the link would open a new tab.
    let on_click = Closure::<dyn Fn(MouseEvent)>::new(|event: MouseEvent| {
        let Some(target) = event.target() else { return };
        if SWALLOW_CLICK.with(|swallow| swallow.replace(false)) && row_name(&target).is_some() {
            event.prevent_default();
            event.stop_propagation();
            return;
        }
        let Some(name) = row_name(&target) else { return };
        let element = target.unchecked_ref::<Element>();
        if element.matches("input.select").unwrap_or(false) {
            // The checkbox: the browser ticks it; the state follows, with Shift for a range.
            toggle(&name, event.shift_key());
            return;
        }
        let on_menu = element.closest("button").ok().flatten().is_some();
        if !on_menu && (event.ctrl_key() || event.meta_key() || event.shift_key()) {
            event.prevent_default();
            event.stop_propagation();
            toggle(&name, event.shift_key());
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);
    body.add_event_listener_with_callback_and_add_event_listener_options(
        "click",
        on_click.as_ref().unchecked_ref(),
        &options,
    )?;
    on_click.forget();
    listen(body.as_ref(), "change", |event: web_sys::Event| {
        let Some(target) = event.target() else { return };
        if target.dyn_ref::<Element>().is_some_and(|element| element.matches("input.select-all").unwrap_or(false)) {
            toggle_all();
        }
    })?;
    // A long press with a finger selects, as phones' file managers do.
    listen(body.as_ref(), "pointerdown", |event: PointerEvent| {
        if event.pointer_type() != "touch" {
            return;
        }
        let Some(name) = event.target().and_then(|target| row_name(&target)) else { return };
        cancel_press();
        let timer = gloo_timers::callback::Timeout::new(LONG_PRESS_MS, move || {
            PRESS_TIMER.with(|timer| timer.take().map(gloo_timers::callback::Timeout::forget));
            SWALLOW_CLICK.with(|swallow| swallow.set(true));
            toggle(&name, false);
        });
        PRESS_TIMER.with(|slot| slot.replace(Some(timer)));
    })?;
    for ending in ["pointerup", "pointercancel", "pointermove"] {
        listen(body.as_ref(), ending, |event: PointerEvent| {
            // A finger always trembles a little; only a real move (a scroll) cancels.
            if event.type_() != "pointermove" || event.movement_x().abs() + event.movement_y().abs() > 8 {
                cancel_press();
            }
        })?;
    }
    // The menu a long press opens on a phone would hide the selection.
    listen(body.as_ref(), "contextmenu", |event: MouseEvent| {
        if event.target().and_then(|target| row_name(&target)).is_some() && SWALLOW_CLICK.with(Cell::get) {
            event.prevent_default();
        }
    })?;
    Ok(())
}

fn cancel_press() {
    // Dropping a gloo timer cancels it.
    PRESS_TIMER.with(|timer| timer.take());
}
