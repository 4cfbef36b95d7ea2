//! A CSV file as it comes: its bytes decoded to UTF-8 text and its delimiter found, before
//! the `csv` crate parses it.
//!
//! Encoding, in this order:
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) decides, whatever the manifest says;
//! 2. else the layer's `encoding` key ([`CsvEncoding`]: `gbk`, `gb18030`, `big5`, `utf-16le`…);
//! 3. else valid UTF-8 is UTF-8;
//! 4. else the encoding [`chardetng`] guesses from the whole file (GBK, Big5, Shift_JIS,
//!    EUC-KR, windows-1252…: Big5 bytes mostly decode as GBK too, so "GB18030 when it decodes"
//!    would read a Taiwanese registry as nonsense; the detector weighs which reads as text).
//!
//! The bytes must decode without a single error in the encoding chosen: otherwise reading
//! stops with one [`Undecodable`] problem naming the file, the line, the encoding the file
//! looks like and the `iconv` command converting it. Nothing is ever replaced silently. (An
//! undeclared file rarely fails: windows-1252, the detector's last resort, decodes any byte;
//! a file read in the wrong encoding then shows in the column names a problem lists, beside
//! how the file was read.) UTF-16 without a byte order mark needs the `encoding` key.
//!
//! Delimiter: the layer's `delimiter` key ([`CsvDelimiter`]), else [`sniff_delimiter`].

use super::problem::Problem;
use crate::input_file;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding, UTF_8, WINDOWS_1252};
use serde::Deserialize;
use std::fmt;
use std::path::Path;

/// Memory needed to read a CSV file, per byte of the file, before its rows are parsed: the
/// bytes and their UTF-8 text (a byte decodes to at most 3 bytes of UTF-8).
pub const CSV_TEXT_MEMORY_FACTOR: u64 = 4;

/// The delimiters [`sniff_delimiter`] chooses among, the first winning ties.
pub const SNIFFED_DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// A text encoding named by a layer's `encoding` key: any label of the WHATWG Encoding
/// Standard (`utf-8`, `gbk`, `gb18030`, `big5`, `utf-16le`, `utf-16be`, `shift_jis`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct CsvEncoding(&'static Encoding);

impl CsvEncoding {
    /// The encoding.
    pub fn encoding(self) -> &'static Encoding {
        self.0
    }
}

impl TryFrom<String> for CsvEncoding {
    type Error = String;

    fn try_from(label: String) -> Result<Self, String> {
        match Encoding::for_label(label.trim().as_bytes()) {
            // The "replacement" encoding stands for labels (hz-gb-2312, iso-2022-kr…) that
            // cannot be decoded at all.
            Some(encoding) if encoding != encoding_rs::REPLACEMENT => Ok(CsvEncoding(encoding)),
            _ => Err(format!(
                "encoding = {label:?}: not an encoding carecircle can read; give a label such as \"utf-8\", \"gbk\", \"gb18030\", \"big5\", \"utf-16le\" or \"utf-16be\""
            )),
        }
    }
}

/// The delimiter named by a layer's `delimiter` key: one ASCII character other than a
/// double quote or a line break (`","`, `";"`, `"\t"`, `"|"`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct CsvDelimiter(u8);

impl CsvDelimiter {
    /// The delimiter byte.
    pub fn byte(self) -> u8 {
        self.0
    }
}

impl TryFrom<String> for CsvDelimiter {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => {
                Ok(CsvDelimiter(c as u8))
            }
            _ => Err(format!(
                "delimiter = {text:?}: give one ASCII character other than a quote or a line break, such as \",\", \";\" or \"\\t\""
            )),
        }
    }
}

/// How the encoding or the delimiter of a CSV file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    /// The file's byte order mark (encoding only).
    ByteOrderMark,
    /// The layer's manifest entry.
    Manifest,
    /// Detected from the file's bytes or header line.
    Detected,
}

impl fmt::Display for FoundBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FoundBy::ByteOrderMark => "by its byte order mark",
            FoundBy::Manifest => "as the manifest says",
            FoundBy::Detected => "detected",
        })
    }
}

/// How a CSV file was read: its encoding and delimiter, and how each was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvFormat {
    /// The file's encoding.
    pub encoding: &'static Encoding,
    /// How the encoding was found.
    pub encoding_found_by: FoundBy,
    /// The delimiter byte.
    pub delimiter: u8,
    /// How the delimiter was found.
    pub delimiter_found_by: FoundBy,
}

impl fmt::Display for CsvFormat {
    /// `read as GBK (detected), delimited by `;` (as the manifest says)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let delimiter = match self.delimiter {
            b'\t' => "tabs".to_string(),
            d => format!("`{}`", d as char),
        };
        write!(
            f,
            "read as {} ({}), delimited by {delimiter} ({})",
            self.encoding.name(),
            self.encoding_found_by,
            self.delimiter_found_by
        )
    }
}

/// A CSV file's text, and how it was read.
#[derive(Debug)]
pub struct CsvText {
    /// The text, without a byte order mark.
    pub text: String,
    /// Its encoding and delimiter.
    pub format: CsvFormat,
}

/// Reads the CSV file at `path` whole and decodes it (see the module's rules), the layer
/// naming its `encoding` and `delimiter` or not. Problems name the file: not a regular file,
/// too large for the memory available, unreadable, or [`Undecodable`].
pub fn read_csv_text(
    path: &Path,
    encoding: Option<CsvEncoding>,
    delimiter: Option<CsvDelimiter>,
) -> Result<CsvText, Problem> {
    input_file::check_in_memory(path, CSV_TEXT_MEMORY_FACTOR)
        .map_err(|e| Problem::file(path, e.to_string()))?;
    let bytes =
        std::fs::read(path).map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
    let (text, encoding, encoding_found_by) =
        decode(bytes, encoding).map_err(|e| Problem::file(path, e.message(path)))?;
    let (delimiter, delimiter_found_by) = match delimiter {
        Some(d) => (d.byte(), FoundBy::Manifest),
        None => (sniff_delimiter(&text), FoundBy::Detected),
    };
    Ok(CsvText {
        text,
        format: CsvFormat {
            encoding,
            encoding_found_by,
            delimiter,
            delimiter_found_by,
        },
    })
}

/// The text of a file's `bytes`, its encoding and how that was found (see the module's rules).
pub fn decode(
    bytes: Vec<u8>,
    declared: Option<CsvEncoding>,
) -> Result<(String, &'static Encoding, FoundBy), Undecodable> {
    let (encoding, found_by, start) = match (Encoding::for_bom(&bytes), declared) {
        (Some((encoding, bom_length)), _) => (encoding, FoundBy::ByteOrderMark, bom_length),
        (None, Some(declared)) => (declared.encoding(), FoundBy::Manifest, 0),
        (None, None) => match String::from_utf8(bytes) {
            Ok(text) => return Ok((text, UTF_8, FoundBy::Detected)),
            Err(e) => {
                let bytes = e.into_bytes();
                let guess = guess_encoding(&bytes, Utf8Detection::Deny);
                return decode_strictly(&bytes, 0, guess, FoundBy::Detected)
                    .map(|text| (text, guess, FoundBy::Detected));
            }
        },
    };
    decode_strictly(&bytes, start, encoding, found_by).map(|text| (text, encoding, found_by))
}

/// The encoding [`chardetng`] guesses for `bytes` (UTF-8 among the guesses or not).
pub(super) fn guess_encoding(bytes: &[u8], utf8: Utf8Detection) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, utf8)
}

/// `bytes[start..]` decoded in `encoding`, or where the first byte that does not decode is.
fn decode_strictly(
    bytes: &[u8],
    start: usize,
    encoding: &'static Encoding,
    found_by: FoundBy,
) -> Result<String, Undecodable> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::new();
    let mut read = start;
    loop {
        // Room for the rest at 3 bytes of UTF-8 per byte, the most any encoding needs.
        text.reserve((bytes.len() - read).saturating_mul(3).saturating_add(4));
        let (result, consumed) =
            decoder.decode_to_string_without_replacement(&bytes[read..], &mut text, true);
        read += consumed;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                return Err(Undecodable {
                    tried: encoding,
                    found_by,
                    line: text.matches('\n').count() + 1,
                    byte: read - usize::from(bad) - usize::from(after),
                    looks_like: looks_like(bytes, encoding, found_by),
                })
            }
        }
    }
}

/// The encoding a file that does not decode in `tried` (chosen as `found_by` says) looks
/// like: `tried` itself when a byte order mark chose it (the surest sign there is), or when
/// the detector finds nothing better than windows-1252, its answer when no encoding reads as
/// text, for a legacy encoding the manifest named (a GBK file with a damaged byte); else the
/// detector's guess over the whole file, UTF-8 among the guesses.
fn looks_like(bytes: &[u8], tried: &'static Encoding, found_by: FoundBy) -> &'static Encoding {
    if found_by == FoundBy::ByteOrderMark {
        return tried;
    }
    match guess_encoding(bytes, Utf8Detection::Allow) {
        guess if guess == WINDOWS_1252 && tried != UTF_8 => tried,
        guess => guess,
    }
}

/// A file whose bytes do not decode in the encoding chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// The encoding tried.
    pub tried: &'static Encoding,
    /// How it was chosen.
    pub found_by: FoundBy,
    /// The line holding the first byte that does not decode, from 1.
    pub line: usize,
    /// That byte's offset in the file, from 0.
    pub byte: usize,
    /// The encoding the whole file looks like to the detector.
    pub looks_like: &'static Encoding,
}

impl Undecodable {
    /// What is wrong and how to mend it: the `iconv` command converting the file at `path`
    /// from the encoding it looks like to UTF-8.
    pub fn message(&self, path: &Path) -> String {
        let what = format!(
            "not valid {} text ({}): line {} has bytes that do not decode (byte {} of the file)",
            self.tried.name(),
            self.found_by,
            self.line,
            self.byte
        );
        let file = shell_quoted(&path.to_string_lossy());
        let converted = shell_quoted(&path.with_extension("utf8.csv").to_string_lossy());
        let looks_like = self.looks_like;
        if looks_like == self.tried {
            format!(
                "{what}; if it is mostly {}, `iconv -c -f {} -t UTF-8 {file} > {converted}` converts it, dropping the bytes that do not decode",
                looks_like.name(),
                iconv_name(looks_like)
            )
        } else if looks_like == UTF_8 {
            format!("{what}; it looks like UTF-8: remove the layer's `encoding` key")
        } else {
            format!(
                "{what}; it looks like {}: convert it with `iconv -f {} -t UTF-8 {file} > {converted}`, or say `encoding = \"{}\"` in the layer's manifest entry",
                looks_like.name(),
                iconv_name(looks_like),
                looks_like.name().to_ascii_lowercase()
            )
        }
    }
}

/// The name GNU iconv knows `encoding` by: GB18030 for GBK (whose decoder reads all of
/// GB18030), BIG5-HKSCS for Big5 (its decoder reads the Hong Kong additions), else the
/// encoding's own name.
fn iconv_name(encoding: &'static Encoding) -> String {
    match encoding.name() {
        "GBK" | "gb18030" => "GB18030".to_string(),
        "Big5" => "BIG5-HKSCS".to_string(),
        name => name.to_ascii_uppercase(),
    }
}

/// `text` quoted for a POSIX shell.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The delimiter of CSV `text` when the manifest names none: of [`SNIFFED_DELIMITERS`]
/// (comma, semicolon, tab), the one occurring most often outside double quotes in the
/// header line, which so splits it into the most columns; a tie, or none of them at all,
/// is a comma (then semicolon before tab).
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [0usize; SNIFFED_DELIMITERS.len()];
    let mut quoted = false;
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if let Some(i) = SNIFFED_DELIMITERS.iter().position(|&d| d == byte) {
            counts[i] += usize::from(!quoted);
        }
    }
    let mut best = 0;
    for (i, &count) in counts.iter().enumerate() {
        if count > counts[best] {
            best = i;
        }
    }
    SNIFFED_DELIMITERS[best]
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, GBK, UTF_16BE, UTF_16LE};

    const TEXT: &str =
        "id,名称,经度,纬度\n1,江汉区养老院,114.30,30.60\n2,武昌社区卫生服务中心,114.31,30.55\n";

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let units = text.encode_utf16();
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in units {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend(pair);
        }
        bytes
    }

    fn label(label: &str) -> Option<CsvEncoding> {
        Some(CsvEncoding::try_from(label.to_string()).unwrap())
    }

    #[test]
    fn utf8_with_or_without_bom_is_utf8() {
        let plain = decode(TEXT.as_bytes().to_vec(), None).unwrap();
        assert_eq!(plain, (TEXT.to_string(), UTF_8, FoundBy::Detected));
        let bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        let with_bom = decode(bom, None).unwrap();
        assert_eq!(with_bom, (TEXT.to_string(), UTF_8, FoundBy::ByteOrderMark));
    }

    #[test]
    fn utf16_is_read_by_its_bom_whatever_the_manifest_says() {
        for (big_endian, encoding) in [(false, UTF_16LE), (true, UTF_16BE)] {
            let bytes = utf16(TEXT, big_endian);
            let read = decode(bytes.clone(), None).unwrap();
            assert_eq!(read, (TEXT.to_string(), encoding, FoundBy::ByteOrderMark));
            let declared_gbk = decode(bytes, label("gbk")).unwrap();
            assert_eq!(declared_gbk.1, encoding);
        }
        // Without a BOM, only the manifest tells.
        let bytes = utf16(TEXT, false).split_off(2);
        let read = decode(bytes, label("utf-16le")).unwrap();
        assert_eq!(read, (TEXT.to_string(), UTF_16LE, FoundBy::Manifest));
    }

    #[test]
    fn gbk_and_big5_are_detected_and_declared() {
        let gbk = GBK.encode(TEXT).0.into_owned();
        assert_eq!(
            decode(gbk.clone(), None).unwrap(),
            (TEXT.to_string(), GBK, FoundBy::Detected)
        );
        assert_eq!(
            decode(gbk, label("gb18030")).unwrap(),
            (TEXT.to_string(), encoding_rs::GB18030, FoundBy::Manifest)
        );
        let taipei = "醫療院所,經度,緯度\n臺北市立聯合醫院中興院區,121.51,25.05\n國立臺灣大學醫學院附設醫院,121.52,25.04\n";
        let big5 = BIG5.encode(taipei).0.into_owned();
        assert_eq!(
            decode(big5, None).unwrap(),
            (taipei.to_string(), BIG5, FoundBy::Detected)
        );
    }

    #[test]
    fn a_file_not_in_its_declared_encoding_says_what_it_looks_like_and_how_to_convert() {
        let gbk = GBK.encode(TEXT).0.into_owned();
        let err = decode(gbk, label("utf-8")).unwrap_err();
        assert_eq!((err.tried, err.line, err.byte), (UTF_8, 1, 3));
        assert_eq!(err.looks_like, GBK);
        assert_eq!(
            err.message(Path::new("data/care beds.csv")),
            "not valid UTF-8 text (as the manifest says): line 1 has bytes that do not decode \
             (byte 3 of the file); it looks like GBK: convert it with \
             `iconv -f GB18030 -t UTF-8 'data/care beds.csv' > 'data/care beds.utf8.csv'`, \
             or say `encoding = \"gbk\"` in the layer's manifest entry"
        );
        let utf8 = decode(TEXT.as_bytes().to_vec(), label("shift_jis")).unwrap_err();
        assert!(
            utf8.message(Path::new("a.csv"))
                .ends_with("it looks like UTF-8: remove the layer's `encoding` key"),
            "{}",
            utf8.message(Path::new("a.csv"))
        );
    }

    #[test]
    fn a_damaged_file_is_one_error_naming_the_line_never_replaced() {
        // GBK with a lead byte cut off its trail on line 4.
        let mut bytes = GBK.encode(TEXT).0.into_owned();
        bytes.extend(b"3,\xD1\n");
        let err = decode(bytes.clone(), label("gbk")).unwrap_err();
        assert_eq!((err.tried, err.line), (GBK, 4));
        assert_eq!(err.byte, bytes.len() - 2);
        let message = err.message(Path::new("it's.csv"));
        assert!(
            message.contains("iconv -c -f GB18030 -t UTF-8 'it'\\''s.csv'"),
            "{message}"
        );
        // A UTF-16 file cut in the middle of line 3's last code unit.
        let mut utf16 = utf16(TEXT, false);
        utf16.pop();
        let err = decode(utf16, None).unwrap_err();
        assert_eq!(
            (err.tried, err.found_by, err.line),
            (UTF_16LE, FoundBy::ByteOrderMark, 3)
        );
    }

    #[test]
    fn encoding_and_delimiter_keys_take_labels_and_single_characters() {
        assert_eq!(label("GBK").unwrap().encoding(), GBK);
        assert_eq!(label("utf-16be").unwrap().encoding(), UTF_16BE);
        for bad in ["klingon", "", "hz-gb-2312"] {
            let err = CsvEncoding::try_from(bad.to_string()).unwrap_err();
            assert!(err.starts_with(&format!("encoding = {bad:?}: ")), "{err}");
        }
        for (text, byte) in [(";", b';'), ("\t", b'\t'), ("|", b'|')] {
            assert_eq!(
                CsvDelimiter::try_from(text.to_string()).unwrap().byte(),
                byte
            );
        }
        for bad in ["", ";;", "；", "\"", "\n"] {
            let err = CsvDelimiter::try_from(bad.to_string()).unwrap_err();
            assert!(err.starts_with(&format!("delimiter = {bad:?}: ")), "{err}");
        }
    }

    #[test]
    fn the_delimiter_splitting_the_header_into_most_columns_wins_ties_going_to_comma() {
        assert_eq!(sniff_delimiter("id,lon,lat\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("id;lon;lat\n1;2,5;3,5\n"), b';');
        assert_eq!(sniff_delimiter("id\tlon\tlat\n"), b'\t');
        // Quoted delimiters do not count.
        assert_eq!(sniff_delimiter("\"a;b;c;d\",lon,lat,x\n"), b',');
        assert_eq!(sniff_delimiter("\"name, full\";lon;lat\n"), b';');
        // Ties and single columns are commas.
        assert_eq!(sniff_delimiter("a,b;c\n"), b',');
        assert_eq!(sniff_delimiter("a;b\tc\n"), b';');
        assert_eq!(sniff_delimiter("lon\n"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }

    #[test]
    fn the_format_says_how_the_file_was_read() {
        let format = CsvFormat {
            encoding: GBK,
            encoding_found_by: FoundBy::Detected,
            delimiter: b'\t',
            delimiter_found_by: FoundBy::Manifest,
        };
        assert_eq!(
            format.to_string(),
            "read as GBK (detected), delimited by tabs (as the manifest says)"
        );
    }
}
