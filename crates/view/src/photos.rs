//! Photos as photos: which entries get a thumbnail and how it is made, the size it is
//! drawn at, the key it is cached under and the version it was made from, the neighbours of an image in the listing's
//! order, and the per-folder choice between the list and the grid. The page makes the
//! thumbnails (`createImageBitmap` with a resize) and stores them; this module decides.

use crate::{Entry, FileKind};
use owndir_core::SafePath;

/// The longest side of a thumbnail, in CSS pixels times two (sharp on a phone's screen).
pub const THUMBNAIL_SIDE: u32 = 320;

/// The name of the page's thumbnail store (Cache Storage), apart from the worker's caches.
pub const THUMBNAIL_CACHE: &str = "owndir-thumbnails-v2";

/// How a folder is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FolderView {
    /// The table: names, sizes, times.
    #[default]
    List,
    /// Tiles, images as thumbnails.
    Grid,
}

impl FolderView {
    /// The word stored for this choice.
    pub fn as_str(self) -> &'static str {
        match self {
            FolderView::List => "list",
            FolderView::Grid => "grid",
        }
    }

    /// The choice a stored word names; anything else is the list.
    ///
    /// ```
    /// use owndir_view::photos::FolderView;
    /// assert_eq!(FolderView::parse(Some("grid")), FolderView::Grid);
    /// assert_eq!(FolderView::parse(Some("tiles")), FolderView::List);
    /// assert_eq!(FolderView::parse(None), FolderView::List);
    /// ```
    pub fn parse(stored: Option<&str>) -> FolderView {
        match stored {
            Some("grid") => FolderView::Grid,
            _ => FolderView::List,
        }
    }
}

/// The `localStorage` key holding the view chosen for `directory`.
///
/// ```
/// use owndir_core::SafePath;
/// use owndir_view::photos::view_choice_key;
/// assert_eq!(view_choice_key(&SafePath::root()), "owndir.view:/");
/// assert_eq!(view_choice_key(&SafePath::parse("Photos/2024").unwrap()), "owndir.view:/Photos/2024");
/// ```
pub fn view_choice_key(directory: &SafePath) -> String {
    format!("owndir.view:/{directory}")
}

/// How an entry's tile shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thumbnail {
    /// Decoded and resized in the page, then cached.
    Resized,
    /// Shown as it is: an SVG scales by itself, and `createImageBitmap` refuses SVG blobs.
    AsIs,
}

/// How `entry` gets a thumbnail, if it is an image.
///
/// ```
/// use owndir_view::Entry;
/// use owndir_view::photos::{Thumbnail, thumbnail_of};
/// let file = |name: &str| Entry { name: name.into(), is_directory: false, size: 1, mtime: 1 };
/// assert_eq!(thumbnail_of(&file("IMG_0001.JPG")), Some(Thumbnail::Resized));
/// assert_eq!(thumbnail_of(&file("logo.svg")), Some(Thumbnail::AsIs));
/// assert_eq!(thumbnail_of(&file("notes.md")), None);
/// ```
pub fn thumbnail_of(entry: &Entry) -> Option<Thumbnail> {
    if entry.is_directory || FileKind::of(&entry.name) != FileKind::Image {
        return None;
    }
    let svg = entry.name.to_ascii_lowercase().ends_with(".svg");
    Some(if svg { Thumbnail::AsIs } else { Thumbnail::Resized })
}

/// True when `entry` is an image (its tile shows a thumbnail, its viewer has neighbours).
pub fn is_image(entry: &Entry) -> bool {
    thumbnail_of(entry).is_some()
}

/// The cache key of `path`'s thumbnail: one per path, so a revisited folder draws its
/// thumbnails from the cache before anyone has asked the folder for sizes and times. An
/// `https:` URL because Cache Storage keys are requests; the host is reserved
/// (`.invalid`), so the key is never fetched.
///
/// ```
/// use owndir_core::SafePath;
/// use owndir_view::photos::thumbnail_key;
/// let path = SafePath::parse("Photos/a b.jpg").unwrap();
/// assert_eq!(thumbnail_key(&path), "https://thumbnails.invalid/Photos/a%20b.jpg?side=320");
/// ```
pub fn thumbnail_key(path: &SafePath) -> String {
    format!("https://thumbnails.invalid{}?side={THUMBNAIL_SIDE}", path.to_url())
}

/// The version of the file a thumbnail was made from, stored beside it: the file's `ETag`
/// as the worker sends it with the image, so a listing's size and time name it too. A file
/// whose version differs gets a new thumbnail (the cached one shows until it is made).
///
/// ```
/// use owndir_view::photos::thumbnail_version;
/// assert_eq!(thumbnail_version(1234, 1700000000000), "\"4d2-18bcfe56800\"");
/// ```
pub fn thumbnail_version(size: u64, mtime: u64) -> String {
    owndir_core::conditional::etag(owndir_core::FileMeta { size, modified_ms: mtime })
}

/// The size to draw a `width`×`height` image at so its longer side is at most `side`,
/// keeping its aspect ratio; never enlarged, never zero.
///
/// ```
/// use owndir_view::photos::fitted;
/// assert_eq!(fitted(4000, 3000, 320), (320, 240));
/// assert_eq!(fitted(3000, 4000, 320), (240, 320));
/// assert_eq!(fitted(100, 50, 320), (100, 50));
/// ```
pub fn fitted(width: u32, height: u32, side: u32) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (side.max(1), side.max(1));
    }
    let longer = width.max(height);
    if longer <= side {
        return (width, height);
    }
    let scale =
        |length: u32| ((u64::from(length) * u64::from(side) + u64::from(longer) / 2) / u64::from(longer)) as u32;
    (scale(width).max(1), scale(height).max(1))
}

/// The images before and after `name` among `shown` (the listing in its order), for the
/// viewer's previous and next. Other entries are passed over; the ends do not wrap.
///
/// ```
/// use owndir_view::Entry;
/// use owndir_view::photos::neighbours;
/// let file = |name: &str| Entry { name: name.into(), is_directory: false, size: 1, mtime: 1 };
/// let shown = [file("a.jpg"), file("notes.md"), file("b.png"), file("c.gif")];
/// assert_eq!(neighbours(&shown, "b.png"), (Some("a.jpg"), Some("c.gif")));
/// assert_eq!(neighbours(&shown, "a.jpg"), (None, Some("b.png")));
/// ```
pub fn neighbours<'a>(shown: &'a [Entry], name: &str) -> (Option<&'a str>, Option<&'a str>) {
    let images: Vec<&str> = shown.iter().filter(|entry| is_image(entry)).map(|entry| entry.name.as_str()).collect();
    let Some(at) = images.iter().position(|image| *image == name) else { return (None, None) };
    let previous = at.checked_sub(1).map(|index| images[index]);
    (previous, images.get(at + 1).copied())
}

/// The way a horizontal swipe of `dx` pixels (`dy` across it) goes: `-1` to the previous
/// image (finger moved right), `1` to the next, `0` for a tap or a mostly vertical move.
///
/// ```
/// use owndir_view::photos::swipe_step;
/// assert_eq!(swipe_step(-120.0, 10.0), 1);
/// assert_eq!(swipe_step(120.0, -5.0), -1);
/// assert_eq!(swipe_step(20.0, 0.0), 0);
/// assert_eq!(swipe_step(80.0, 200.0), 0);
/// ```
pub fn swipe_step(dx: f64, dy: f64) -> i32 {
    const MIN_SWIPE: f64 = 50.0;
    if dx.abs() < MIN_SWIPE || dx.abs() < dy.abs() * 1.5 {
        0
    } else if dx < 0.0 {
        1
    } else {
        -1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> Entry {
        Entry { name: name.into(), is_directory: false, size: 10, mtime: 20 }
    }

    fn folder(name: &str) -> Entry {
        Entry { name: name.into(), is_directory: true, size: 0, mtime: 0 }
    }

    #[test]
    fn images_get_thumbnails_and_nothing_else_does() {
        for (entry, expected) in [
            (file("a.jpg"), Some(Thumbnail::Resized)),
            (file("a.JPEG"), Some(Thumbnail::Resized)),
            (file("a.png"), Some(Thumbnail::Resized)),
            (file("a.webp"), Some(Thumbnail::Resized)),
            (file("a.gif"), Some(Thumbnail::Resized)),
            (file("a.SVG"), Some(Thumbnail::AsIs)),
            (file("a.txt"), None),
            (file("jpg"), None),
            (file("a.mp4"), None),
            (folder("holiday.jpg"), None),
        ] {
            assert_eq!(thumbnail_of(&entry), expected, "{}", entry.name);
        }
    }

    #[test]
    fn a_changed_file_gets_a_new_thumbnail_version() {
        let version = thumbnail_version(10, 20);
        assert_ne!(version, thumbnail_version(11, 20));
        assert_ne!(version, thumbnail_version(10, 21));
        assert_ne!(version, thumbnail_version(102, 0));
        assert_eq!(version, thumbnail_version(10, 20));
        let path = SafePath::parse("p/a.jpg").unwrap();
        assert_ne!(thumbnail_key(&path), thumbnail_key(&SafePath::parse("p/b.jpg").unwrap()));
    }

    #[test]
    fn thumbnail_keys_escape_names_that_would_break_a_url() {
        let path = SafePath::parse("a?b/c#d.jpg").unwrap();
        let key = thumbnail_key(&path);
        assert_eq!(key, "https://thumbnails.invalid/a%3Fb/c%23d.jpg?side=320");
    }

    #[test]
    fn fitted_keeps_the_aspect_ratio() {
        for (size, expected) in [
            ((640, 480), (320, 240)),
            ((480, 640), (240, 320)),
            ((320, 320), (320, 320)),
            ((1000, 1), (320, 1)),
            ((1, 1000), (1, 320)),
            ((10, 10), (10, 10)),
            ((0, 10), (320, 320)),
            ((6000, 4000), (320, 213)),
        ] {
            assert_eq!(fitted(size.0, size.1, 320), expected, "{size:?}");
        }
    }

    #[test]
    fn neighbours_skip_what_is_not_an_image() {
        let shown = [folder("z.jpg"), file("a.jpg"), file("b.txt"), file("c.png"), file("d.svg")];
        assert_eq!(neighbours(&shown, "a.jpg"), (None, Some("c.png")));
        assert_eq!(neighbours(&shown, "c.png"), (Some("a.jpg"), Some("d.svg")));
        assert_eq!(neighbours(&shown, "d.svg"), (Some("c.png"), None));
        assert_eq!(neighbours(&shown, "b.txt"), (None, None));
        assert_eq!(neighbours(&shown, "gone.jpg"), (None, None));
    }

    #[test]
    fn the_view_choice_is_kept_per_folder() {
        let a = view_choice_key(&SafePath::parse("a").unwrap());
        let b = view_choice_key(&SafePath::parse("a/b").unwrap());
        assert_ne!(a, b);
        assert_ne!(a, view_choice_key(&SafePath::root()));
        for view in [FolderView::List, FolderView::Grid] {
            assert_eq!(FolderView::parse(Some(view.as_str())), view);
        }
    }
}
