//! What the file app decides, without a browser: the order and filtering of a listing,
//! sizes and times for people, which URL shows which path, how a file is viewed, and
//! Markdown rendered safely. The page (`app/`) only draws what this crate decides, so
//! all of it is tested natively.

pub mod conflict;
pub mod entry;
pub mod format;
pub mod kind;
pub mod listing_row;
pub mod location;
pub mod markdown;
pub mod names;
pub mod photos;
pub mod search;
pub mod trash;

pub use entry::{Entry, Lowercase, SortKey, SortOrder, arrange};
pub use format::{human_size, human_time};
pub use kind::FileKind;
pub use location::Location;
