//! Text put into HTML.

/// `text` with the characters that HTML gives a meaning escaped, so it reads as itself in
/// an element's text or a double-quoted attribute.
///
/// ```
/// assert_eq!(owndir_core::html::escape(r#"<a href="x">&</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    push_escaped(&mut escaped, text);
    escaped
}

/// Appends `text` to `html`, escaped as [`escape`] does.
pub fn push_escaped(html: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            other => html.push(other),
        }
    }
}
