//! Building blocks of the page: escaping, text elements and tables.
//!
//! Every string that reaches the page goes through [`escape`] here, so data (ids, names,
//! paths, filter values) can never open a tag or an entity. The markup is also well-formed
//! XML (void elements closed with `/>`), so it reads the same to HTML and XML parsers.

use crate::output::format::{hostile, percent, thousands};
use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references and control
/// characters (but line breaks and tabs) by U+FFFD, safe in element content and in quoted
/// attribute values.
pub fn escape(text: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || hostile(c);
    if !text.contains(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters from the data (a NUL, an escape sequence) are not text, and
            // not XML: shown as the replacement character.
            c if hostile(c) => out.push('\u{fffd}'),
            _ => out.push(ch),
        }
    }
    Cow::Owned(out)
}

/// Appends `<tag>text</tag>`, the text escaped.
pub fn element(out: &mut String, tag: &str, text: &str) {
    let _ = writeln!(out, "<{tag}>{}</{tag}>", escape(text));
}

/// Appends `<tag class="class">text</tag>`, the text escaped.
pub fn element_with_class(out: &mut String, tag: &str, class: &str, text: &str) {
    let _ = writeln!(out, "<{tag} class=\"{class}\">{}</{tag}>", escape(text));
}

/// Appends a `<ul>` of escaped items.
pub fn list(out: &mut String, items: impl IntoIterator<Item = String>) {
    out.push_str("<ul>\n");
    for item in items {
        element(out, "li", &item);
    }
    out.push_str("</ul>\n");
}

/// One table cell: text, an optional grey note after it (a percentage), and whether it is a
/// number (right-aligned).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    text: String,
    note: Option<String>,
    numeric: bool,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            note: None,
            numeric: false,
        }
    }

    /// A number cell showing `text` (already formatted).
    pub fn number(text: impl Into<String>) -> Cell {
        Cell {
            numeric: true,
            ..Cell::text(text)
        }
    }

    /// A count with its share of `total`: `1,234` and a note `24.7 %`.
    pub fn share(count: f64, total: f64) -> Cell {
        Cell {
            note: Some(percent(count, total)),
            ..Cell::number(thousands(count))
        }
    }

    /// `-`, for a figure that does not apply.
    pub fn none() -> Cell {
        Cell::number("-")
    }

    fn write(&self, out: &mut String, tag: &str, scope: &str) {
        let class = if self.numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<{tag}{scope}{class}>{}", escape(&self.text));
        if let Some(note) = &self.note {
            let _ = write!(out, " <span class=\"pct\">{}</span>", escape(note));
        }
        let _ = write!(out, "</{tag}>");
    }
}

/// A table: an optional id and caption, a header row, and rows whose first cell labels the
/// row (`<th scope="row">`).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The element id (a fragment other parts of the page can point to).
    pub id: Option<String>,
    /// The caption above the table.
    pub caption: Option<String>,
    /// Column headings.
    pub head: Vec<String>,
    /// The rows, each as long as `head`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these column headings and no rows yet.
    pub fn new<S: Into<String>>(head: impl IntoIterator<Item = S>) -> Table {
        Table {
            head: head.into_iter().map(Into::into).collect(),
            ..Table::default()
        }
    }

    /// Appends the table's markup.
    pub fn write(&self, out: &mut String) {
        match &self.id {
            Some(id) => {
                let _ = writeln!(out, "<table id=\"{}\">", escape(id));
            }
            None => out.push_str("<table>\n"),
        }
        if let Some(caption) = &self.caption {
            element(out, "caption", caption);
        }
        out.push_str("<thead><tr>");
        for (i, heading) in self.head.iter().enumerate() {
            // Headings of number columns align with their numbers.
            let numeric = self
                .rows
                .first()
                .and_then(|r| r.get(i))
                .is_some_and(|c| c.numeric);
            let class = if numeric { " class=\"num\"" } else { "" };
            let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(heading));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    cell.write(out, "th", " scope=\"row\"");
                } else {
                    cell.write(out, "td", "");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(escape("care_bed 12"), "care_bed 12");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        // Already escaped text is escaped again: data is never taken as markup.
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("里 <1>"), "里 &lt;1&gt;");
    }

    #[test]
    fn tables_escape_every_cell_and_heading() {
        let mut table = Table::new(["<b>kind</b>", "elderly"]);
        table.id = Some("t\"1".into());
        table.caption = Some("a & b".into());
        table
            .rows
            .push(vec![Cell::text("<script>"), Cell::share(25.0, 100.0)]);
        let mut out = String::new();
        table.write(&mut out);
        assert!(out.starts_with("<table id=\"t&quot;1\">\n<caption>a &amp; b</caption>"));
        assert!(out.contains("<th scope=\"col\">&lt;b&gt;kind&lt;/b&gt;</th>"));
        assert!(out.contains("<th scope=\"col\" class=\"num\">elderly</th>"));
        assert!(out.contains("<th scope=\"row\">&lt;script&gt;</th>"));
        assert!(out.contains("<td class=\"num\">25 <span class=\"pct\">25.0 %</span></td>"));
        assert!(!out.contains("<script>") && !out.contains("<b>"));
        roxmltree::Document::parse(&out).expect("well-formed");
    }
}
