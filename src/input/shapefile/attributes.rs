//! A Shapefile's attribute table (`.dbf`): its records as GeoJSON properties, text decoded
//! in the encoding its `.cpg` file or the manifest names.
//!
//! The `dbase` crate (which `shapefile` reads tables with) reads the header, the field
//! descriptors and the values of numeric, logical and date fields. The bytes of text fields
//! and of field names are taken from the file as they are and decoded here with
//! `encoding_rs`, strictly: `dbase`'s decoders replace what does not decode, and sniff a
//! byte order mark at the start of every value (a GBK text can begin with the bytes of
//! UTF-8's), so a wrong encoding would silently garble names.
//!
//! Encoding, in this order: the `.cpg` file beside the `.shp` (`UTF-8`, `GBK`, `936`,
//! `CP936`, `GB18030`, `1252`, `ISO-8859-1`…); else the layer's `encoding` key; else UTF-8.
//! A text that does not decode is an error naming the feature, the field, the encoding
//! tried, how it was chosen and the encoding the table's bytes look like ([`chardetng`]).
//! The header's language driver byte is not read: writers set it unreliably (ArcGIS marks
//! GBK tables as windows-1252, which decodes any byte).

use crate::input::csv_text::{guess_encoding, CsvEncoding};
use crate::input::problem::FieldProblem;
use chardetng::Utf8Detection;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use serde_json::{Number, Value};
use shapefile::dbase::{self, FieldIndex, FieldType, FieldValue};
use std::borrow::Cow;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How the encoding of a table's text was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Chosen {
    /// The `.cpg` file at this path names it.
    ByCpg(PathBuf),
    /// The layer's `encoding` key names it.
    ByManifest,
    /// Neither names one: UTF-8.
    Unstated,
}

/// The encoding of a table's text and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TextEncoding {
    pub(super) encoding: &'static Encoding,
    pub(super) chosen: Chosen,
}

/// The encoding the `.cpg` file at `cpg` (when there is one) or else the manifest's
/// `declared` encoding names, else UTF-8. A `.cpg` naming no encoding carecircle knows is an
/// error unless the manifest names one.
pub(super) fn text_encoding(
    cpg: Option<&Path>,
    declared: Option<CsvEncoding>,
) -> Result<TextEncoding, String> {
    if let Some(cpg) = cpg {
        let bytes = std::fs::read(cpg)
            .map_err(|e| format!("cannot read its code page file {}: {e}", cpg.display()))?;
        let label = String::from_utf8_lossy(&bytes);
        let label = label.lines().next().unwrap_or_default().trim();
        match (cpg_encoding(label), declared) {
            (Some(encoding), _) => {
                return Ok(TextEncoding {
                    encoding,
                    chosen: Chosen::ByCpg(cpg.to_path_buf()),
                })
            }
            (None, None) => {
                return Err(format!(
                    "its code page file {} says {label:?}, not an encoding carecircle knows; correct it (UTF-8, GBK, GB18030, BIG5, 1252…) or name the encoding with `encoding = \"…\"` in the layer's manifest entry",
                    cpg.display()
                ))
            }
            (None, Some(_)) => {}
        }
    }
    Ok(match declared {
        Some(declared) => TextEncoding {
            encoding: declared.encoding(),
            chosen: Chosen::ByManifest,
        },
        None => TextEncoding {
            encoding: UTF_8,
            chosen: Chosen::Unstated,
        },
    })
}

/// The encoding a `.cpg` label names: a WHATWG label (`UTF-8`, `GBK`, `GB18030`, `Big5`,
/// `ISO-8859-1`…), or a Windows code page number, bare or as `CP936`, `ANSI 1252`, `OEM 866`,
/// `8859-5` or `88595`.
pub(super) fn cpg_encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_start_matches('\u{feff}').trim();
    let upper = label.to_ascii_uppercase();
    let number = ["CP", "ANSI ", "OEM ", "WINDOWS-"]
        .iter()
        .find_map(|prefix| upper.strip_prefix(prefix))
        .unwrap_or(&upper)
        .trim();
    let by_number = match number {
        "65001" => Some("utf-8"),
        "936" | "20936" => Some("gbk"),
        "54936" => Some("gb18030"),
        "950" => Some("big5"),
        "932" => Some("shift_jis"),
        "949" => Some("euc-kr"),
        "866" => Some("ibm866"),
        "874" => Some("windows-874"),
        "28591" => Some("iso-8859-1"),
        n if n.len() == 4 && n.starts_with("125") => Some(label_of_windows(n)),
        _ => None,
    };
    let iso = upper
        .strip_prefix("8859")
        .map(|part| format!("iso-8859-{}", part.trim_start_matches('-')));
    let found = by_number
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| iso.and_then(|l| Encoding::for_label(l.as_bytes())))
        .or_else(|| Encoding::for_label(label.as_bytes()));
    found.filter(|&e| e != encoding_rs::REPLACEMENT)
}

/// `windows-125x` for the number `125x`.
fn label_of_windows(number: &str) -> &'static str {
    match number {
        "1250" => "windows-1250",
        "1251" => "windows-1251",
        "1252" => "windows-1252",
        "1253" => "windows-1253",
        "1254" => "windows-1254",
        "1255" => "windows-1255",
        "1256" => "windows-1256",
        "1257" => "windows-1257",
        _ => "windows-1258",
    }
}

/// One field of the table.
#[derive(Debug)]
struct Field {
    name: String,
    /// The name as a JSON object key, `"name":`.
    key: Vec<u8>,
    kind: FieldType,
    /// Where its bytes start in a record (after the deletion flag).
    offset: usize,
    length: usize,
}

/// A `.dbf` table held in memory, read record by record.
pub(super) struct Table {
    /// The file's bytes, shared with `file`.
    bytes: Arc<[u8]>,
    /// The `dbase` reader over the same bytes.
    file: dbase::File<Cursor<Arc<[u8]>>>,
    fields: Vec<Field>,
    /// Where the first record starts, and the length of a record.
    first_record: usize,
    record_length: usize,
    encoding: TextEncoding,
}

impl Table {
    /// Reads the table in `bytes` (field names decoded in `encoding`). The error says why it
    /// is not a dBase table, or names the field whose name does not decode.
    pub(super) fn new(bytes: Vec<u8>, encoding: TextEncoding) -> Result<Table, FieldProblem> {
        let bytes: Arc<[u8]> = bytes.into();
        let not_a_table = |e: dbase::Error| FieldProblem {
            field: None,
            message: format!("not a dBase table: {e}"),
        };
        // Text is decoded here; windows-1252 only keeps `dbase` from refusing a code page.
        let reader = dbase::encoding::EncodingRs::from(WINDOWS_1252);
        let file = dbase::File::open_with_encoding(Cursor::new(bytes.clone()), reader)
            .map_err(not_a_table)?;
        let first_record = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        let mut offset = 1;
        let mut fields = Vec::new();
        for (i, info) in file.fields().iter().enumerate() {
            let raw = &bytes[32 + 32 * i..32 + 32 * i + 11];
            let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
            let name = decode(raw, &encoding).ok_or_else(|| FieldProblem {
                field: None,
                message: format!(
                    "the name of field {} does not decode: {}",
                    i + 1,
                    undecodable(&bytes, &encoding)
                ),
            })?;
            let length = usize::from(info.length());
            let name = name.trim().to_string();
            let mut key = serde_json::to_vec(&name).expect("a string is JSON");
            key.push(b':');
            fields.push(Field {
                key,
                name,
                kind: info.field_type(),
                offset,
                length,
            });
            offset += length;
        }
        Ok(Table {
            bytes,
            file,
            fields,
            first_record,
            record_length: offset,
            encoding,
        })
    }

    /// The number of records, deleted ones included.
    pub(super) fn len(&self) -> usize {
        self.file.num_records()
    }

    /// Writes record `i` (from 0) into `out` (emptied first) as a JSON object of its
    /// properties, in field order; `Ok(false)` when it is marked deleted. Memo fields are
    /// left out (a Shapefile's table has none). A value that does not read or decode is a
    /// problem naming its field.
    pub(super) fn record(&mut self, i: usize, out: &mut Vec<u8>) -> Result<bool, FieldProblem> {
        out.clear();
        let start = self.first_record + i * self.record_length;
        let record = (i < self.len())
            .then(|| self.bytes.get(start..start + self.record_length))
            .flatten()
            .ok_or_else(|| FieldProblem {
                field: None,
                message: format!("the .dbf file has no record {} (it ends before)", i + 1),
            })?;
        if record[0] == b'*' {
            return Ok(false);
        }
        out.push(b'{');
        for (j, field) in self.fields.iter().enumerate() {
            if field.kind == FieldType::Memo {
                continue;
            }
            if out.len() > 1 {
                out.push(b',');
            }
            out.extend_from_slice(&field.key);
            let written = match field.kind {
                FieldType::Character => {
                    let raw = trimmed(&record[field.offset..field.offset + field.length]);
                    let text = text(raw, &self.encoding).map_err(|why| {
                        FieldProblem::new(&field.name, undecodable(&self.bytes, why))
                    })?;
                    serde_json::to_writer(&mut *out, &text)
                }
                _ => {
                    let value = match self.file.record(i).map(|mut r| r.read_field(FieldIndex(j))) {
                        Some(Ok(value)) => json_value(value),
                        Some(Err(e)) => {
                            let why = format!("does not read: {e}");
                            return Err(FieldProblem::new(&field.name, why));
                        }
                        None => Value::Null,
                    };
                    serde_json::to_writer(&mut *out, &value)
                }
            };
            written.expect("writing into memory");
        }
        out.push(b'}');
        Ok(true)
    }
}

/// A text value's bytes (trimmed) decoded in `encoding`: `None` when blank; the encoding
/// when a byte does not decode.
fn text<'a>(
    raw: &'a [u8],
    encoding: &'a TextEncoding,
) -> Result<Option<Cow<'a, str>>, &'a TextEncoding> {
    if raw.is_empty() {
        return Ok(None);
    }
    encoding
        .encoding
        .decode_without_bom_handling_and_without_replacement(raw)
        .map(Some)
        .ok_or(encoding)
}

/// A field's bytes as `dbase` trims a text: up to the first NUL, without the spaces around.
fn trimmed(raw: &[u8]) -> &[u8] {
    let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
    let start = raw.iter().position(|&b| b != b' ').unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |i| i + 1);
    &raw[start..end]
}

/// `raw` decoded in `encoding`; `None` when a byte does not decode.
fn decode(raw: &[u8], encoding: &TextEncoding) -> Option<String> {
    match text(raw, encoding) {
        Ok(text) => Some(text.unwrap_or_default().into_owned()),
        Err(_) => None,
    }
}

/// Why a text in `table` (the whole `.dbf`'s bytes) does not decode in `encoding`, and what
/// to do, naming the encoding the bytes look like to [`chardetng`] when that is another one
/// (windows-1252 is its answer when nothing reads as text: no help).
fn undecodable(table: &[u8], encoding: &TextEncoding) -> String {
    let tried = encoding.encoding.name();
    let guess = guess_encoding(table, Utf8Detection::Allow);
    let other = (guess != encoding.encoding && guess != WINDOWS_1252).then_some(guess);
    let looks_like = match other {
        Some(guess) => format!("it looks like {}", guess.name()),
        None => "GBK, GB18030 and Big5 are common".to_string(),
    };
    let key = other.map_or("gbk".to_string(), |g| g.name().to_ascii_lowercase());
    match &encoding.chosen {
        Chosen::Unstated => format!(
            "the text is not valid UTF-8 (no .cpg file beside the .shp names its encoding, nor does the manifest); {looks_like}: say `encoding = \"{key}\"` in the layer's manifest entry, or put a .cpg file holding the encoding's name beside the .shp"
        ),
        Chosen::ByManifest => format!(
            "the text is not valid {tried} (the manifest's `encoding`); {looks_like}: correct the layer's `encoding` key"
        ),
        Chosen::ByCpg(cpg) => format!(
            "the text is not valid {tried} (as its code page file {} says); {looks_like}: correct the .cpg file",
            cpg.display()
        ),
    }
}

/// A `dbase` value of a numeric, logical or date field as JSON: whole numbers as integers,
/// dates as `YYYY-MM-DD`, blanks as null.
fn json_value(value: FieldValue) -> Value {
    match value {
        FieldValue::Numeric(x) => x.map_or(Value::Null, number),
        // The shortest decimal of the f32, not the f32's binary expansion as an f64.
        FieldValue::Float(x) => x.map_or(Value::Null, |x| {
            number(x.to_string().parse().unwrap_or(f64::NAN))
        }),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Currency(x) | FieldValue::Double(x) => number(x),
        FieldValue::DateTime(t) => {
            let (d, time) = (t.date(), t.time());
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                time.hours(),
                time.minutes(),
                time.seconds()
            ))
        }
        FieldValue::Character(s) => s.map_or(Value::Null, Value::String),
        FieldValue::Memo(s) => Value::String(s),
    }
}

/// A number as JSON: an integer when it is a whole number an f64 holds exactly, null when
/// not finite.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return Value::from(x as i64);
    }
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, GB18030, GBK, ISO_8859_5, WINDOWS_1251};

    #[test]
    fn cpg_labels_name_encodings_by_label_and_code_page() {
        for (label, encoding) in [
            ("UTF-8", UTF_8),
            ("utf8\r\n", UTF_8),
            ("\u{feff}GBK", GBK),
            ("936", GBK),
            ("CP936", GBK),
            ("GB2312", GBK),
            ("GB18030", GB18030),
            ("54936", GB18030),
            ("BIG5", BIG5),
            ("950", BIG5),
            ("1252", WINDOWS_1252),
            ("ANSI 1251", WINDOWS_1251),
            ("ISO-8859-1", WINDOWS_1252),
            ("88595", ISO_8859_5),
            ("8859-5", ISO_8859_5),
            ("65001", UTF_8),
        ] {
            assert_eq!(cpg_encoding(label), Some(encoding), "{label:?}");
        }
        assert_eq!(cpg_encoding("KLINGON"), None);
        assert_eq!(cpg_encoding("hz-gb-2312"), None);
    }

    #[test]
    fn the_cpg_decides_then_the_manifest_then_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let cpg = dir.path().join("v.cpg");
        std::fs::write(&cpg, "GBK\n").unwrap();
        let big5 = Some(CsvEncoding::try_from("big5".to_string()).unwrap());
        let chosen = text_encoding(Some(&cpg), big5).unwrap();
        assert_eq!(
            (chosen.encoding, chosen.chosen),
            (GBK, Chosen::ByCpg(cpg.clone()))
        );
        assert_eq!(text_encoding(None, big5).unwrap().encoding, BIG5);
        assert_eq!(text_encoding(None, None).unwrap().chosen, Chosen::Unstated);
        std::fs::write(&cpg, "KLINGON").unwrap();
        assert_eq!(
            text_encoding(Some(&cpg), big5).unwrap().chosen,
            Chosen::ByManifest
        );
        let error = text_encoding(Some(&cpg), None).unwrap_err();
        assert!(error.contains("v.cpg says \"KLINGON\""), "{error}");
    }

    #[test]
    fn text_is_trimmed_like_dbase_and_decoded_strictly() {
        assert_eq!(trimmed(b"  ab c  "), b"ab c");
        assert_eq!(trimmed(b"ab\0cd"), b"ab");
        assert_eq!(trimmed(b"    "), b"");
        let gbk = TextEncoding {
            encoding: GBK,
            chosen: Chosen::ByManifest,
        };
        // GBK bytes that begin like UTF-8's byte order mark stay GBK.
        let (bytes, _, _) = GBK.encode("锘縤");
        assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF]);
        assert_eq!(decode(&bytes, &gbk).as_deref(), Some("锘縤"));
        let utf8 = TextEncoding {
            encoding: UTF_8,
            chosen: Chosen::Unstated,
        };
        // Without byte order mark sniffing, read as UTF-8 the mark is a character.
        assert_eq!(decode(&bytes, &utf8).as_deref(), Some("\u{feff}i"));
        assert_eq!(decode(&GBK.encode("里").0, &utf8), None);
        let table = GBK.encode(&"中正區水源里".repeat(20)).0.into_owned();
        let why = undecodable(&table, &utf8);
        assert!(
            why.contains("it looks like GBK") && why.contains("`encoding = \"gbk\"`"),
            "{why}"
        );
    }

    #[test]
    fn numbers_are_integers_when_whole() {
        assert_eq!(
            json_value(FieldValue::Numeric(Some(85.0))),
            serde_json::json!(85)
        );
        assert_eq!(
            json_value(FieldValue::Numeric(Some(0.5))),
            serde_json::json!(0.5)
        );
        assert_eq!(json_value(FieldValue::Numeric(None)), Value::Null);
        assert_eq!(
            json_value(FieldValue::Float(Some(0.1))),
            serde_json::json!(0.1)
        );
        assert_eq!(
            json_value(FieldValue::Numeric(Some(1e300))),
            serde_json::json!(1e300)
        );
    }
}
