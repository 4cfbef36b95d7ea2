//! Reading `report.html` in tests: it is well-formed XML, so roxmltree parses it. Shared by
//! the integration tests and the library's own tests (`src/output/html/tests.rs`).

use roxmltree::{Document, Node, ParsingOptions};

/// The page as XML (its doctype is its only DTD).
pub fn parse(html: &str) -> Document<'_> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(html, options).expect("report.html is well-formed")
}

/// The text inside `node`.
pub fn text(node: Node) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// The text of every element named `tag`, in document order.
pub fn texts(doc: &Document, tag: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(text)
        .collect()
}

/// The rows of the table with `id` (the header row first), each as its cells' texts.
pub fn table(doc: &Document, id: &str) -> Vec<Vec<String>> {
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("table") && n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no table {id}"));
    table
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| tr.children().filter(|c| c.is_element()).map(text).collect())
        .collect()
}
