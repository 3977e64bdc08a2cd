//! Markdown rendered to HTML that is safe to put in the page.
//!
//! The page shares its origin with the whole folder, so a Markdown file must not be able
//! to run script: raw HTML is shown as text and `javascript:`-like links are dropped.
//! Relative links and images are resolved against the file's directory, because the page
//! showing the file lives under `/@/browse/`.

use owndir_core::SafePath;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

use crate::location::{dir_href, file_href};

/// `source` as HTML. `directory` is the directory holding the Markdown file.
///
/// ```
/// use owndir_core::SafePath;
/// let html = owndir_view::markdown::render("# Hi\n![a](pic.png) <b>x</b>", &SafePath::parse("notes").unwrap());
/// assert!(html.contains("<h1>Hi</h1>"));
/// assert!(html.contains(r#"src="/notes/pic.png""#));
/// assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
/// ```
pub fn render(source: &str, directory: &SafePath) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: link_target(&dest_url, directory, false), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: link_target(&dest_url, directory, true), title, id })
        }
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Where a link or image in the file points, as a URL the page can use.
fn link_target<'a>(url: &str, directory: &SafePath, is_image: bool) -> CowStr<'a> {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    let has_scheme = scheme.as_deref().is_some_and(|scheme| {
        !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !scheme.contains('/')
    });
    if has_scheme {
        let safe = matches!(scheme.as_deref(), Some("http" | "https" | "mailto" | "tel"));
        return if safe { CowStr::from(url.to_owned()) } else { CowStr::from("#") };
    }
    if url.starts_with('#') || url.starts_with("//") || url.is_empty() {
        return CowStr::from(url.to_owned());
    }
    let (path_part, suffix) = match url.find(['?', '#']) {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let Some((path, is_directory)) = resolve(path_part, directory) else { return CowStr::from("#") };
    let href = match (is_image, is_directory) {
        (true, _) => path.to_url(),
        (false, true) => dir_href(&path, true),
        (false, false) => file_href(&path),
    };
    CowStr::from(format!("{href}{suffix}"))
}

/// A relative or absolute link path resolved inside the folder; `None` if it leaves it.
fn resolve(link: &str, directory: &SafePath) -> Option<(SafePath, bool)> {
    let mut path = if link.starts_with('/') { SafePath::root() } else { directory.clone() };
    let is_directory = link.ends_with('/') || link.is_empty();
    for raw in link.split('/').filter(|segment| !segment.is_empty()) {
        let segment = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
        match segment.as_ref() {
            "." => {}
            ".." => path = path.parent()?,
            name => path = path.join(name).ok()?,
        }
    }
    Some((path, is_directory))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes() -> SafePath {
        SafePath::parse("notes").unwrap()
    }

    #[test]
    fn common_markdown_renders() {
        let html = render("# Title\n\n*a* **b** `c`\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n", &notes());
        for part in ["<h1>Title</h1>", "<em>a</em>", "<strong>b</strong>", "<code>c</code>", "<table>", "checkbox"] {
            assert!(html.contains(part), "{part} in {html}");
        }
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let html = render("<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> y", &notes());
        assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn script_links_are_dropped() {
        for link in ["javascript:alert(1)", "JavaScript:alert(1)", "vbscript:x", "data:text/html,<b>"] {
            let html = render(&format!("[x]({link})"), &notes());
            assert!(html.contains(r##"href="#""##), "{link}: {html}");
        }
        let html = render("[x](https://example.com/a) [m](mailto:a@b.c)", &notes());
        assert!(html.contains(r#"href="https://example.com/a""#) && html.contains(r#"href="mailto:a@b.c""#));
    }

    #[test]
    fn relative_links_resolve_against_the_file_directory() {
        let cases = [
            ("[a](other.md)", r#"href="/@/browse/notes/other.md""#),
            ("[a](./sub/)", r#"href="/@/browse/notes/sub/""#),
            ("[a](../top.txt#part)", r#"href="/@/browse/top.txt#part""#),
            ("[a](/abs/x.md)", r#"href="/@/browse/abs/x.md""#),
            ("[a](my%20file.md)", r#"href="/@/browse/notes/my%20file.md""#),
            ("[a](#section)", r##"href="#section""##),
            ("[a](../../escape.md)", r##"href="#""##),
            ("![p](img/p.png)", r#"src="/notes/img/p.png""#),
        ];
        for (markdown, expected) in cases {
            let html = render(markdown, &notes());
            assert!(html.contains(expected), "{markdown}: {html}");
        }
    }
}
