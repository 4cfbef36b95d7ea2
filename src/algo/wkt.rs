//! The well-known text (WKT 1) of coordinate systems, as `.prj` files and the EPSG registry of
//! the `crs-definitions` crate write it: `KEYWORD[value, …]` whose values are quoted strings,
//! numbers, bare words (`EAST`) and nested keywords. This reads the syntax only; what the
//! keywords mean is [`super::prj`]'s business. (The `wkt` crate reads geometries, not
//! coordinate systems.)
//!
//! ```
//! use carecircle::algo::wkt::parse;
//!
//! let node = parse(r#"SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]]"#)?;
//! assert_eq!(node.keyword, "SPHEROID");
//! assert_eq!(node.text(0), Some("GRS 1980"));
//! assert_eq!(node.number(1), Some(6378137.0));
//! assert_eq!(node.child("authority").and_then(|a| a.text(1)), Some("7019"));
//! # Ok::<(), String>(())
//! ```

/// One keyword and its values, such as `SPHEROID["GRS 1980",6378137,298.257222101]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The keyword, in upper case.
    pub keyword: String,
    /// The values between the brackets, in order.
    pub values: Vec<Value>,
}

/// A value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A quoted string (`""` inside it stands for one quote).
    Text(String),
    /// A number.
    Number(f64),
    /// A bare word, such as an axis direction (`EAST`).
    Word(String),
    /// A nested keyword.
    Node(Node),
}

/// How deep keywords may nest: a real system nests five deep (`PROJCS`, `GEOGCS`, `DATUM`,
/// `SPHEROID`, `AUTHORITY`); a deeper text is refused before it could exhaust the stack.
const MAX_DEPTH: usize = 32;

impl Node {
    /// The first nested keyword named `keyword` (any case).
    pub fn child<'a>(&'a self, keyword: &'a str) -> Option<&'a Node> {
        self.children(keyword).next()
    }

    /// Every nested keyword named `keyword` (any case), in order.
    pub fn children<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.values.iter().filter_map(move |value| match value {
            Value::Node(node) if node.keyword.eq_ignore_ascii_case(keyword) => Some(node),
            _ => None,
        })
    }

    /// Value `i` when it is a quoted string.
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.values.get(i)? {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Value `i` when it is a number (or a quoted number, as in `AUTHORITY["EPSG","4326"]`).
    pub fn number(&self, i: usize) -> Option<f64> {
        match self.values.get(i)? {
            Value::Number(x) => Some(*x),
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Parses the WKT `text`: one keyword with its values, with nothing but white space around
/// it. The error says what was expected where.
pub fn parse(text: &str) -> Result<Node, String> {
    let mut parser = Parser {
        text: text.as_bytes(),
        at: 0,
    };
    parser.skip_space();
    let node = parser.node(0)?;
    parser.skip_space();
    match parser.at < parser.text.len() {
        true => Err(parser.expected("the end of the text after the closing bracket")),
        false => Ok(node),
    }
}

/// A WKT text being read.
struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn expected(&self, what: &str) -> String {
        format!("expected {what} at character {}", self.at + 1)
    }

    /// A run of letters, digits and underscores (a keyword or a bare word).
    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .text
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }

    /// `KEYWORD[value, …]` (or round brackets), `depth` keywords deep.
    fn node(&mut self, depth: usize) -> Result<Node, String> {
        if depth >= MAX_DEPTH {
            return Err(format!("keywords nest more than {MAX_DEPTH} deep"));
        }
        let keyword = self.word();
        if keyword.is_empty() {
            return Err(self.expected("a keyword such as PROJCS or GEOGCS"));
        }
        self.skip_space();
        let close = match self.text.get(self.at) {
            Some(b'[') => b']',
            Some(b'(') => b')',
            _ => return Err(self.expected(&format!("`[` after {keyword}"))),
        };
        self.at += 1;
        let mut values = Vec::new();
        loop {
            self.skip_space();
            values.push(self.value(depth)?);
            self.skip_space();
            match self.text.get(self.at) {
                Some(b',') => self.at += 1,
                Some(&b) if b == close => break,
                _ => return Err(self.expected(&format!("`,` or `{}`", close as char))),
            }
        }
        self.at += 1;
        Ok(Node {
            keyword: keyword.to_ascii_uppercase(),
            values,
        })
    }

    /// A quoted string, a number, a bare word or a nested keyword.
    fn value(&mut self, depth: usize) -> Result<Value, String> {
        match self.text.get(self.at) {
            Some(b'"') => self.quoted().map(Value::Text),
            Some(b) if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => {
                self.number().map(Value::Number)
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let start = self.at;
                let word = self.word();
                self.skip_space();
                if matches!(self.text.get(self.at), Some(b'[' | b'(')) {
                    self.at = start;
                    return self.node(depth + 1).map(Value::Node);
                }
                Ok(Value::Word(word))
            }
            _ => Err(self.expected("a value (a quoted string, a number or a keyword)")),
        }
    }

    fn quoted(&mut self) -> Result<String, String> {
        let mut bytes = Vec::new();
        self.at += 1;
        loop {
            match self.text.get(self.at) {
                None => return Err(self.expected("the closing quote")),
                Some(b'"') if self.text.get(self.at + 1) == Some(&b'"') => {
                    bytes.push(b'"');
                    self.at += 2;
                }
                Some(b'"') => break,
                Some(&b) => {
                    bytes.push(b);
                    self.at += 1;
                }
            }
        }
        self.at += 1;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn number(&mut self) -> Result<f64, String> {
        let start = self.at;
        while self
            .text
            .get(self.at)
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        let token = String::from_utf8_lossy(&self.text[start..self.at]);
        match token.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => {
                self.at = start;
                Err(self.expected("a number"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_esri_prj_with_nested_keywords() {
        let text = r#"PROJCS["TWD_1997_TM_Taiwan",GEOGCS["GCS_TWD_1997",DATUM["D_TWD_1997",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",250000.0],PARAMETER["Central_Meridian",121.0],UNIT["Meter",1.0]]"#;
        let node = parse(&format!("  {text}\r\n")).unwrap();
        assert_eq!(node.keyword, "PROJCS");
        assert_eq!(node.text(0), Some("TWD_1997_TM_Taiwan"));
        let spheroid = node
            .child("GEOGCS")
            .and_then(|g| g.child("datum"))
            .and_then(|d| d.child("Spheroid"))
            .unwrap();
        assert_eq!(spheroid.number(2), Some(298.257222101));
        let parameters: Vec<_> = node
            .children("PARAMETER")
            .map(|p| (p.text(0).unwrap(), p.number(1).unwrap()))
            .collect();
        assert_eq!(
            parameters,
            [("False_Easting", 250000.0), ("Central_Meridian", 121.0)]
        );
    }

    #[test]
    fn reads_words_round_brackets_and_doubled_quotes() {
        let node = parse(r#"AXIS("say ""east""", EAST)"#).unwrap();
        assert_eq!(
            node.values,
            [
                Value::Text("say \"east\"".to_string()),
                Value::Word("EAST".to_string())
            ]
        );
        assert_eq!(node.number(0), None);
        assert_eq!(parse("A[-1.5e3]").unwrap().number(0), Some(-1500.0));
    }

    #[test]
    fn malformed_text_says_what_was_expected_where() {
        for (text, expected) in [
            ("", "expected a keyword"),
            ("GEOGCS", "expected `[` after GEOGCS"),
            ("GEOGCS[\"a\"", "expected `,` or `]` at character 11"),
            ("GEOGCS[\"a", "the closing quote"),
            ("GEOGCS[1.2.3]", "expected a number"),
            ("GEOGCS[1] x", "the end of the text"),
            ("GEOGCS[,]", "expected a value"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
        let deep = format!("{}1{}", "A[".repeat(100), "]".repeat(100));
        assert!(parse(&deep).unwrap_err().contains("nest more than 32"));
    }
}
