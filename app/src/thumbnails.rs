//! Thumbnails, made in the page and kept in Cache Storage: the image is fetched from its
//! own URL (the worker serves it), decoded and resized by `createImageBitmap` (EXIF
//! orientation applied, Chrome's default `imageOrientation: "from-image"`), drawn on a
//! canvas at the fitted size and stored as WebP under the image's path, with the version
//! (`ETag`) it was made from (`owndir_view::photos`). A revisited folder draws its cached
//! thumbnails at once, without asking the worker, then checks each against the file's
//! version and makes it again if the file changed. Only tiles that scroll into view are
//! made, a few at a time.

use crate::api;
use crate::dom::{document, window};
use owndir_core::SafePath;
use owndir_view::photos::{THUMBNAIL_CACHE, THUMBNAIL_SIDE, fitted, thumbnail_key, thumbnail_version};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, Cache, Element, HtmlImageElement, ImageBitmap, ImageBitmapOptions, ImageEncodeOptions, IntersectionObserver,
    IntersectionObserverEntry, IntersectionObserverInit, OffscreenCanvas, OffscreenCanvasRenderingContext2d,
    ResizeQuality, Response,
};

/// Thumbnails made at once: each holds a decoded photo for a moment, and the worker has
/// other requests to answer.
const AT_ONCE: usize = 4;

thread_local! {
    /// Tiles in view looking for their thumbnail in the cache.
    static LOOKING: Cell<usize> = const { Cell::new(0) };
    /// Tiles in view whose thumbnail is to be made, and how many are being made.
    static WAITING: RefCell<VecDeque<Element>> = const { RefCell::new(VecDeque::new()) };
    static RUNNING: Cell<usize> = const { Cell::new(0) };
    /// Cached thumbnails in view being checked against their file's version.
    static CHECKING: Cell<usize> = const { Cell::new(0) };
    /// Thumbnails being made, by cache key, with the other tiles of the same image that
    /// asked meanwhile: a grid redrawn (a change on disk) has new tiles for the same files.
    /// At most [`AT_ONCE`] long.
    static MAKING: RefCell<Vec<(String, Vec<Element>)>> = const { RefCell::new(Vec::new()) };
    /// Whether the caches of earlier versions were deleted, once per page.
    static OLD_CACHES_GONE: Cell<bool> = const { Cell::new(false) };
    /// Queues a tile when it comes into view (or a screen before).
    static OBSERVER: Option<IntersectionObserver> = {
        let on_view = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
            |seen: js_sys::Array, observer: IntersectionObserver| {
                for entry in seen.iter().map(JsCast::unchecked_into::<IntersectionObserverEntry>) {
                    if entry.is_intersecting() {
                        let tile = entry.target();
                        observer.unobserve(&tile);
                        // Every tile in view looks in the cache at once; only making waits.
                        LOOKING.with(|looking| looking.set(looking.get() + 1));
                        wasm_bindgen_futures::spawn_local(look_up(tile));
                    }
                }
            },
        );
        let options = IntersectionObserverInit::new();
        options.set_root_margin("200px 0px 200px 0px");
        let observer = IntersectionObserver::new_with_options(on_view.as_ref().unchecked_ref(), &options).ok();
        // One observer for the page's life.
        on_view.forget();
        observer
    };
}

/// Makes `tile`'s thumbnail once it comes into view. The tile holds what is needed in
/// `data-src` (the image's URL), `data-path`, `data-as-is`, and `data-version` once the
/// listing's sizes and times came.
pub fn watch(tile: &Element) {
    OBSERVER.with(|observer| {
        if let Some(observer) = observer {
            observer.observe(tile);
        }
    });
}

/// Forgets the tiles of a grid no longer on screen.
pub fn forget_all() {
    OBSERVER.with(|observer| {
        if let Some(observer) = observer {
            observer.disconnect();
        }
    });
    WAITING.with(|waiting| waiting.borrow_mut().clear());
}

/// True while thumbnails in view are being looked up, checked or made: the listing's
/// sizes for the whole folder wait (`listing.rs`), so these come first.
pub fn busy() -> bool {
    RUNNING.with(Cell::get) > 0
        || LOOKING.with(Cell::get) > 0
        || CHECKING.with(Cell::get) > 0
        || WAITING.with(|waiting| !waiting.borrow().is_empty())
}

/// Checks a thumbnail drawn from the cache against its file's version: from the listing's
/// size and time, or the file's own when the listing had names only (the worker opens one
/// file, not the folder's thousands). A changed file's tile goes back into the queue, to be made.
async fn check(tile: Element, path: SafePath, made_from: String) {
    let now = match tile.get_attribute("data-version") {
        Some(version) => Some(version),
        None => match api::size_and_time(&path, None).await {
            Ok(found) => found.map(|(size, mtime)| thumbnail_version(size, mtime)),
            Err(failure) => {
                web_sys::console::warn_1(&format!("owndir: no version for {path}: {failure}").into());
                None
            }
        },
    };
    CHECKING.with(|checking| checking.set(checking.get().saturating_sub(1)));
    if now.is_some_and(|now| now != made_from) {
        let _ = tile.set_attribute("data-stale", "");
        WAITING.with(|waiting| waiting.borrow_mut().push_back(tile));
        pump();
    }
}

fn pump() {
    while RUNNING.with(Cell::get) < AT_ONCE {
        let Some(tile) = WAITING.with(|waiting| waiting.borrow_mut().pop_front()) else { return };
        if !tile.is_connected() {
            continue;
        }
        RUNNING.with(|running| running.set(running.get() + 1));
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = show(&tile).await {
                tile.class_list().add_1("no-thumbnail").ok();
                let name = tile.get_attribute("data-name").unwrap_or_default();
                web_sys::console::warn_1(&format!("owndir: no thumbnail for {name}: {error:?}").into());
            }
            RUNNING.with(|running| running.set(running.get().saturating_sub(1)));
            pump();
        });
    }
}

/// Draws `tile`'s thumbnail from the cache (then checks it), or queues it to be made.
async fn look_up(tile: Element) {
    let drawn = from_cache(&tile).await.unwrap_or_else(|error| {
        web_sys::console::warn_1(&error);
        false
    });
    LOOKING.with(|looking| looking.set(looking.get().saturating_sub(1)));
    if !drawn {
        WAITING.with(|waiting| waiting.borrow_mut().push_back(tile));
        pump();
    }
}

/// The tile's path, image URL and thumbnail slot.
fn parts(tile: &Element) -> Result<Option<(SafePath, String, Element)>, JsValue> {
    let path = tile.get_attribute("data-path").and_then(|path| SafePath::parse(&path).ok());
    let (Some(path), Some(src)) = (path, tile.get_attribute("data-src")) else { return Ok(None) };
    Ok(tile.query_selector(".thumb")?.map(|slot| (path, src, slot)))
}

/// True when `tile` shows its thumbnail without making one: an SVG as it is, or a
/// thumbnail from the cache, checked against the file's version after.
async fn from_cache(tile: &Element) -> Result<bool, JsValue> {
    let Some((path, src, slot)) = parts(tile)? else { return Ok(true) };
    if tile.has_attribute("data-as-is") {
        let image = new_image()?;
        image.set_attribute("loading", "lazy")?;
        image.set_src(&src);
        slot.append_child(&image)?;
        return Ok(true);
    }
    if tile.has_attribute("data-stale") {
        return Ok(false);
    }
    let Some((blob, made_from)) = cached(&open_cache().await?, &thumbnail_key(&path)).await? else {
        return Ok(false);
    };
    draw(&slot, &blob).await?;
    tile.set_attribute("data-thumb-from", "cache")?;
    tile.set_attribute("data-made-from", &made_from)?;
    CHECKING.with(|checking| checking.set(checking.get() + 1));
    wasm_bindgen_futures::spawn_local(check(tile.clone(), path, made_from));
    Ok(true)
}

/// Makes `tile`'s thumbnail, caches it and draws it, in every tile of the same image that
/// asks meanwhile: one fetch of the image however often the grid is redrawn.
async fn show(tile: &Element) -> Result<(), JsValue> {
    let Some((path, src, _)) = parts(tile)? else { return Ok(()) };
    let key = thumbnail_key(&path);
    let first = MAKING.with(|making| {
        let mut making = making.borrow_mut();
        if let Some((_, waiting)) = making.iter_mut().find(|(made, _)| *made == key) {
            waiting.push(tile.clone());
            return false;
        }
        making.push((key.clone(), Vec::new()));
        true
    });
    if !first {
        return Ok(());
    }
    let thumbnail = newer_or_made(tile, &key, &src).await;
    let waiting = MAKING.with(|making| {
        let mut making = making.borrow_mut();
        let index = making.iter().position(|(made, _)| *made == key);
        index.map(|index| making.swap_remove(index).1).unwrap_or_default()
    });
    let (blob, from) = match thumbnail {
        Ok(thumbnail) => thumbnail,
        Err(error) => {
            for other in &waiting {
                other.class_list().add_1("no-thumbnail")?;
            }
            return Err(error);
        }
    };
    for tile in std::iter::once(tile).chain(&waiting).filter(|tile| tile.is_connected()) {
        let Some((_, _, slot)) = parts(tile)? else { continue };
        draw(&slot, &blob).await?;
        tile.remove_attribute("data-stale")?;
        tile.set_attribute("data-thumb-from", from)?;
    }
    Ok(())
}

/// `tile`'s thumbnail and where it came from: the cache, when another tile of the image
/// made it since `tile` drew its stale one (the tile a redraw replaced), or made now and
/// cached.
async fn newer_or_made(tile: &Element, key: &str, src: &str) -> Result<(Blob, &'static str), JsValue> {
    let cache = open_cache().await?;
    if let Some(drawn_from) = tile.get_attribute("data-made-from")
        && let Some((blob, made_from)) = cached(&cache, key).await?
        && made_from != drawn_from
    {
        return Ok((blob, "cache"));
    }
    let (blob, version) = make(src).await?;
    let response = Response::new_with_opt_blob(Some(&blob))?;
    response.headers().set(VERSION_HEADER, &version)?;
    // A full store only costs the next visit its speed.
    if let Err(error) = JsFuture::from(cache.put_with_str(key, &response)).await {
        web_sys::console::warn_1(&error);
    }
    Ok((blob, "made"))
}

fn new_image() -> Result<HtmlImageElement, JsValue> {
    let image: HtmlImageElement = document().create_element("img")?.unchecked_into();
    image.set_alt("");
    image.set_attribute("decoding", "async")?;
    Ok(image)
}

/// Shows `blob` in `slot` once decoded, in place of the thumbnail it showed before.
async fn draw(slot: &Element, blob: &Blob) -> Result<(), JsValue> {
    let image = new_image()?;
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    image.set_src(&url);
    let decoded = JsFuture::from(image.decode()).await;
    web_sys::Url::revoke_object_url(&url)?;
    decoded?;
    slot.set_inner_html("");
    slot.append_child(&image)?;
    Ok(())
}

async fn open_cache() -> Result<Cache, JsValue> {
    let caches = window().caches()?;
    if !OLD_CACHES_GONE.with(|gone| gone.replace(true)) {
        // Thumbnails keyed by path, size and time (session 5), never read again.
        let _ = caches.delete("owndir-thumbnails-v1");
    }
    Ok(JsFuture::from(caches.open(THUMBNAIL_CACHE)).await?.unchecked_into())
}

/// The header a cached thumbnail keeps its file's version in.
const VERSION_HEADER: &str = "X-Owndir-Made-From";

/// The cached thumbnail under `key` and the version it was made from.
async fn cached(cache: &Cache, key: &str) -> Result<Option<(Blob, String)>, JsValue> {
    let found = JsFuture::from(cache.match_with_str(key)).await?;
    if found.is_undefined() {
        return Ok(None);
    }
    let response: Response = found.unchecked_into();
    let made_from = response.headers().get(VERSION_HEADER)?.unwrap_or_default();
    Ok(Some((JsFuture::from(response.blob()?).await?.unchecked_into(), made_from)))
}

/// Fetches, decodes at thumbnail width and draws the image at its fitted size; with the
/// version (`ETag`) of the file the bytes came from.
async fn make(src: &str) -> Result<(Blob, String), JsValue> {
    let response: Response = JsFuture::from(window().fetch_with_str(src)).await?.unchecked_into();
    if !response.ok() {
        return Err(JsValue::from_str(&format!("{} answered {}", src, response.status())));
    }
    let version = response.headers().get("ETag")?.unwrap_or_default();
    let blob: Blob = JsFuture::from(response.blob()?).await?.unchecked_into();
    // Only the width is given, so the decoder keeps the aspect ratio (after orientation);
    // the canvas then fits the longer side.
    let options = ImageBitmapOptions::new();
    options.set_resize_width(THUMBNAIL_SIDE);
    options.set_resize_quality(ResizeQuality::Medium);
    let promise = window().create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &options)?;
    let bitmap: ImageBitmap = JsFuture::from(promise).await?.unchecked_into();
    let (width, height) = fitted(bitmap.width(), bitmap.height(), THUMBNAIL_SIDE);
    let canvas = OffscreenCanvas::new(width, height)?;
    let context: OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2d context"))?.unchecked_into();
    context.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(width), f64::from(height))?;
    bitmap.close();
    let encode = ImageEncodeOptions::new();
    encode.set_type("image/webp");
    encode.set_quality(0.8);
    let thumbnail = JsFuture::from(canvas.convert_to_blob_with_options(&encode)?).await?.unchecked_into();
    Ok((thumbnail, version))
}
