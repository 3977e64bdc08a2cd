//! Thumbnails, made in the page and kept in Cache Storage: the image is fetched from its
//! own URL (the worker serves it), decoded and resized by `createImageBitmap` (EXIF
//! orientation applied, Chrome's default `imageOrientation: "from-image"`), drawn on a
//! canvas at the fitted size and stored as WebP under a key made of path, size and time
//! (`owndir_view::photos`). Only tiles that scroll into view are made, a few at a time.

use crate::api;
use crate::dom::{document, window};
use owndir_core::SafePath;
use owndir_view::photos::{THUMBNAIL_CACHE, THUMBNAIL_SIDE, fitted, thumbnail_key};
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
    /// Tiles in view, waiting for their thumbnail.
    static WAITING: RefCell<VecDeque<Element>> = const { RefCell::new(VecDeque::new()) };
    static RUNNING: Cell<usize> = const { Cell::new(0) };
    /// Tiles in view asking for their file's size and time (their cache key).
    static ASKING: Cell<usize> = const { Cell::new(0) };
    /// Queues a tile when it comes into view (or a screen before).
    static OBSERVER: Option<IntersectionObserver> = {
        let on_view = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
            |seen: js_sys::Array, observer: IntersectionObserver| {
                for entry in seen.iter().map(JsCast::unchecked_into::<IntersectionObserverEntry>) {
                    if entry.is_intersecting() {
                        let tile = entry.target();
                        observer.unobserve(&tile);
                        if tile.has_attribute("data-thumb") || !tile.has_attribute("data-path") {
                            WAITING.with(|waiting| waiting.borrow_mut().push_back(tile));
                        } else {
                            // All in view at once: one file each, not the queue's few at a time.
                            ASKING.with(|asking| asking.set(asking.get() + 1));
                            wasm_bindgen_futures::spawn_local(ask_key(tile));
                        }
                    }
                }
                pump();
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
/// `data-src` (the image's URL), `data-thumb` (the cache key) and `data-as-is`.
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

/// True while thumbnails in view are being looked up, asked for or made: the listing's
/// sizes for the whole folder wait (`listing.rs`), so these come first.
pub fn busy() -> bool {
    RUNNING.with(Cell::get) > 0 || ASKING.with(Cell::get) > 0 || WAITING.with(|waiting| !waiting.borrow().is_empty())
}

/// Gives a tile whose listing had names only its cache key, from its own file's size and
/// time (the worker opens one file, not the folder's thousands), then queues it.
async fn ask_key(tile: Element) {
    let path = tile.get_attribute("data-path").and_then(|path| SafePath::parse(&path).ok());
    if let Some(path) = path
        && !tile.has_attribute("data-thumb")
    {
        match api::size_and_time(&path, None).await {
            // The listing's own sizes may have come meanwhile.
            Ok(Some((size, mtime))) if !tile.has_attribute("data-thumb") => {
                let _ = tile.set_attribute("data-thumb", &thumbnail_key(&path, size, mtime));
            }
            Ok(_) => {}
            Err(failure) => web_sys::console::warn_1(&format!("owndir: no size for {path}: {failure}").into()),
        }
    }
    ASKING.with(|asking| asking.set(asking.get().saturating_sub(1)));
    WAITING.with(|waiting| waiting.borrow_mut().push_back(tile));
    pump();
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

/// Puts the thumbnail into `tile`: from the cache, or made and then cached.
async fn show(tile: &Element) -> Result<(), JsValue> {
    let (Some(src), Some(key)) = (tile.get_attribute("data-src"), tile.get_attribute("data-thumb")) else {
        return Ok(());
    };
    let Some(slot) = tile.query_selector(".thumb")? else { return Ok(()) };
    let image: HtmlImageElement = document().create_element("img")?.unchecked_into();
    image.set_alt("");
    image.set_attribute("decoding", "async")?;
    if tile.has_attribute("data-as-is") {
        image.set_attribute("loading", "lazy")?;
        image.set_src(&src);
        slot.append_child(&image)?;
        return Ok(());
    }
    let cache = open_cache().await?;
    let blob = match cached(&cache, &key).await? {
        Some(blob) => {
            tile.set_attribute("data-thumb-from", "cache")?;
            blob
        }
        None => {
            let blob = make(&src).await?;
            let response = Response::new_with_opt_blob(Some(&blob))?;
            // A full store only costs the next visit its speed.
            if let Err(error) = JsFuture::from(cache.put_with_str(&key, &response)).await {
                web_sys::console::warn_1(&error);
            }
            tile.set_attribute("data-thumb-from", "made")?;
            blob
        }
    };
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    image.set_src(&url);
    let decoded = JsFuture::from(image.decode()).await;
    web_sys::Url::revoke_object_url(&url)?;
    decoded?;
    slot.append_child(&image)?;
    Ok(())
}

async fn open_cache() -> Result<Cache, JsValue> {
    let caches = window().caches()?;
    Ok(JsFuture::from(caches.open(THUMBNAIL_CACHE)).await?.unchecked_into())
}

async fn cached(cache: &Cache, key: &str) -> Result<Option<Blob>, JsValue> {
    let found = JsFuture::from(cache.match_with_str(key)).await?;
    if found.is_undefined() {
        return Ok(None);
    }
    let response: Response = found.unchecked_into();
    Ok(Some(JsFuture::from(response.blob()?).await?.unchecked_into()))
}

/// Fetches, decodes at thumbnail width and draws the image at its fitted size.
async fn make(src: &str) -> Result<Blob, JsValue> {
    let response: Response = JsFuture::from(window().fetch_with_str(src)).await?.unchecked_into();
    if !response.ok() {
        return Err(JsValue::from_str(&format!("{} answered {}", src, response.status())));
    }
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
    Ok(JsFuture::from(canvas.convert_to_blob_with_options(&encode)?).await?.unchecked_into())
}
