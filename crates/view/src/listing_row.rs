//! A listing's table row as HTML. The page draws a page of rows with one call into the
//! DOM: built node by node, a row took a few dozen calls across the wasm boundary, and
//! 500 rows held the first view of a big folder for 50–160 ms.

use owndir_core::html::escape;
use std::fmt::Write;

/// What a row shows of one entry; the page has worked out the link, the icon and the
/// texts.
#[derive(Clone, Copy, Debug)]
pub struct ListingRow<'a> {
    /// The entry's name.
    pub name: &'a str,
    /// A directory (class `dir`) or a file (class `file`).
    pub is_directory: bool,
    /// Where the name links; `None` when the name cannot be a path under the directory,
    /// which draws the row without cells.
    pub href: Option<&'a str>,
    /// The icon's class beside `icon` (drawn by CSS).
    pub icon: &'a str,
    /// The sync-conflict badge's title, when the entry has one.
    pub conflict: Option<&'a str>,
    /// The size column's text.
    pub size: &'a str,
    /// The modified column's text.
    pub modified: &'a str,
}

impl ListingRow<'_> {
    /// Appends the row's `<tr>`, unselected, to `html`. The checkbox and the menu button are
    /// named for screen readers; the badge sits beside the link, so the link's name stays the
    /// file's.
    ///
    /// ```
    /// use owndir_view::listing_row::ListingRow;
    /// let mut html = String::new();
    /// let row = ListingRow { name: "a&b", is_directory: false, href: Some("/@/browse/a%26b"),
    ///     icon: "other", conflict: None, size: "1 KB", modified: "today" };
    /// row.write_html(&mut html);
    /// assert!(html.starts_with(r#"<tr class="file" aria-selected="false" data-name="a&amp;b"><td class="select">"#));
    /// ```
    pub fn write_html(&self, html: &mut String) {
        let name = escape(self.name);
        let class = if self.is_directory { "dir" } else { "file" };
        let _ = write!(html, r#"<tr class="{class}" aria-selected="false" data-name="{name}">"#);
        let Some(href) = self.href else {
            html.push_str("</tr>");
            return;
        };
        let link = format!(
            r#"<a class="entry" data-nav="" href="{}"><span class="icon {}" aria-hidden="true"></span><span class="label">{name}</span></a>"#,
            escape(href),
            escape(self.icon),
        );
        let name_cell = match self.conflict {
            Some(title) => format!(
                r#"<div class="name-line">{link}<span class="badge conflict" title="{}">conflict</span></div>"#,
                escape(title)
            ),
            None => link,
        };
        let _ = write!(
            html,
            concat!(
                r#"<td class="select"><input class="select" type="checkbox" tabindex="-1" aria-label="Select {name}"></td>"#,
                r#"<td class="name">{name_cell}</td><td class="size">{size}</td><td class="modified">{modified}</td>"#,
                r#"<td class="actions"><button class="icon-button" type="button" data-action="entry-menu" aria-label="Actions for {name}" data-name="{name}">⋯</button></td></tr>"#,
            ),
            name = name,
            name_cell = name_cell,
            size = escape(self.size),
            modified = escape(self.modified),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html_of(row: ListingRow) -> String {
        let mut html = String::new();
        row.write_html(&mut html);
        html
    }

    const FILE: ListingRow = ListingRow {
        name: "notes.md",
        is_directory: false,
        href: Some("/@/browse/notes.md"),
        icon: "text",
        conflict: None,
        size: "2 KB",
        modified: "3 Nov 2026, 10:04",
    };

    #[test]
    fn a_file_row_has_its_cells_in_order() {
        assert_eq!(
            html_of(FILE),
            concat!(
                r#"<tr class="file" aria-selected="false" data-name="notes.md">"#,
                r#"<td class="select"><input class="select" type="checkbox" tabindex="-1" aria-label="Select notes.md"></td>"#,
                r#"<td class="name"><a class="entry" data-nav="" href="/@/browse/notes.md">"#,
                r#"<span class="icon text" aria-hidden="true"></span><span class="label">notes.md</span></a></td>"#,
                r#"<td class="size">2 KB</td><td class="modified">3 Nov 2026, 10:04</td>"#,
                r#"<td class="actions"><button class="icon-button" type="button" data-action="entry-menu" aria-label="Actions for notes.md" data-name="notes.md">⋯</button></td></tr>"#,
            )
        );
    }

    #[test]
    fn names_that_look_like_html_stay_text() {
        let html = html_of(ListingRow { name: r#"<b>"x" & y</b>"#, ..FILE });
        let escaped = "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;";
        assert_eq!(html.matches(escaped).count(), 5, "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn a_conflict_badge_sits_beside_the_link() {
        let html = html_of(ListingRow { conflict: Some("Two devices changed this file"), ..FILE });
        assert!(
            html.contains(concat!(
                r#"<td class="name"><div class="name-line"><a class="entry""#,
                r#" data-nav="" href="/@/browse/notes.md">"#
            )),
            "{html}"
        );
        assert!(
            html.contains(
                r#"</a><span class="badge conflict" title="Two devices changed this file">conflict</span></div></td>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn a_directory_row_and_a_name_with_no_path() {
        let directory = html_of(ListingRow { name: "photos", is_directory: true, icon: "folder", ..FILE });
        assert!(directory.starts_with(r#"<tr class="dir" aria-selected="false" data-name="photos">"#), "{directory}");
        assert_eq!(
            html_of(ListingRow { href: None, ..FILE }),
            r#"<tr class="file" aria-selected="false" data-name="notes.md"></tr>"#
        );
    }
}
