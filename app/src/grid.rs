//! A listing as tiles: folders and files with their icon, images with a thumbnail made
//! when the tile comes into view (`thumbnails.rs`).

use crate::dom::{add, app_link, element, text_element};
use crate::{state, thumbnails};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::Entry;
use owndir_view::location::{dir_href, file_href};
use owndir_view::photos::{Thumbnail, thumbnail_of, thumbnail_version};
use web_sys::Element;

/// The grid holding `entries`' tiles.
pub fn grid(directory: &SafePath, entries: &[Entry]) -> Result<Element, DomError> {
    thumbnails::forget_all();
    let grid = element("div", "grid")?;
    grid.set_attribute("role", "list")?;
    add_tiles(&grid, directory, entries)?;
    Ok(grid)
}

/// Appends `entries`' tiles to `grid`.
pub fn add_tiles(grid: &Element, directory: &SafePath, entries: &[Entry]) -> Result<(), DomError> {
    let (browse_mode, complete) = state::with(|app| (app.browse_mode, app.entries_complete));
    for entry in entries {
        let Ok(path) = directory.join(&entry.name) else { continue };
        let href = if entry.is_directory { dir_href(&path, browse_mode) } else { file_href(&path) };
        let tile = app_link("", &href, &format!("entry tile {}", if entry.is_directory { "dir" } else { "file" }))?;
        tile.set_attribute("role", "listitem")?;
        tile.set_attribute("data-name", &entry.name)?;
        tile.set_attribute("title", &entry.name)?;
        let thumb = element("span", "thumb")?;
        match thumbnail_of(entry) {
            Some(how) => {
                tile.set_attribute("data-src", &path.to_url())?;
                tile.set_attribute("data-path", &path.to_string())?;
                if complete {
                    set_thumbnail_version(&tile, entry)?;
                }
                if how == Thumbnail::AsIs {
                    tile.set_attribute("data-as-is", "")?;
                }
            }
            None => {
                let icon = element("span", &format!("icon {}", icon_class(entry)))?;
                icon.set_attribute("aria-hidden", "true")?;
                add(&thumb, &icon)?;
            }
        }
        add(&tile, &thumb)?;
        add(&tile, &text_element("span", "label", &entry.name)?)?;
        add(grid, &tile)?;
        if thumbnail_of(entry).is_some() {
            thumbnails::watch(&tile);
        }
    }
    Ok(())
}

/// Gives an image tile the version (size and time) of its file, which its cached
/// thumbnail must match. A tile without one yet (the listing's names came first) asks for
/// its own when it comes into view (`thumbnails.rs`).
pub fn set_thumbnail_version(tile: &Element, entry: &Entry) -> Result<(), DomError> {
    tile.set_attribute("data-version", &thumbnail_version(entry.size, entry.mtime))?;
    Ok(())
}

/// The icon an entry is drawn with (by CSS: emoji differ per platform and may be missing).
pub fn icon_class(entry: &Entry) -> &'static str {
    use owndir_view::FileKind;
    if entry.is_directory {
        return "folder";
    }
    match FileKind::of(&entry.name) {
        FileKind::Markdown | FileKind::Text => "text",
        FileKind::Image => "image",
        FileKind::Audio | FileKind::Video => "media",
        FileKind::Pdf => "pdf",
        FileKind::Other => "other",
    }
}
