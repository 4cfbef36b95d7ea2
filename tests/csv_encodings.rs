//! CSV facility layers as they come: the same registry written as UTF-8 (with or without a
//! byte order mark), GBK with Chinese column names, UTF-16LE, and with semicolons or tabs,
//! gives the same coverage as the plain UTF-8 comma file; a file that does not decode is one
//! problem naming it and the `iconv` command converting it.

mod common;

use common::{collection, report, square};
use encoding_rs::GBK;
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};

/// The registry's rows: id, name, category, longitude, latitude. The hospital is filtered
/// out, so the third block is covered only when the filter reads the category right.
const ROWS: [[&str; 5]; 3] = [
    ["f1", "江岸区福利院", "养老院", "114.3002", "30.6002"],
    ["f2", "江汉区敬老院，二部", "养老院", "114.3042", "30.6002"],
    ["f3", "武汉市第一医院", "医院", "114.3082", "30.6002"],
];

/// The English column names and the layer keys reading them.
const ENGLISH: ([&str; 5], &str) = (
    ["id", "name", "category", "lon", "lat"],
    "where = { category = \"养老院\" }",
);

/// Chinese column names (longitude and latitude detected as `经度`, `纬度`) and the keys.
const CHINESE: ([&str; 5], &str) = (
    ["编号", "名称", "类别", "经度", "纬度"],
    "id = \"编号\"\nwhere = { \"类别\" = \"养老院\" }",
);

/// The registry as CSV text: `columns`, then [`ROWS`], cells joined by `delimiter` (a cell
/// holding it is quoted).
fn registry(columns: [&str; 5], delimiter: char) -> String {
    let line = |cells: [&str; 5]| {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| match c.contains(delimiter) {
                true => format!("\"{c}\""),
                false => c.to_string(),
            })
            .collect();
        cells.join(&delimiter.to_string()) + "\r\n"
    };
    std::iter::once(line(columns))
        .chain(ROWS.iter().map(|&row| line(row)))
        .collect()
}

/// Writes a city of three blocks in a row beside the facility layer `care_beds.csv` holding
/// `layer`, read with the manifest keys `keys`; returns the manifest.
fn city(dir: &Path, layer: &[u8], keys: &str) -> PathBuf {
    let blocks: Vec<(String, String)> = (0..3)
        .map(|i| {
            let lon = 114.3 + 0.004 * f64::from(i);
            (
                format!(r#"{{"id":"b{i}","elderly":10}}"#),
                square(lon, 30.6, 0.0004),
            )
        })
        .collect();
    fs::write(dir.join("blocks.geojson"), collection(&blocks)).unwrap();
    fs::write(dir.join("care_beds.csv"), layer).unwrap();
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 200 }]\n",
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    fs::write(
        &manifest,
        format!(
            "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\nelderly = \"elderly\"\n[layers.care_bed]\npath = \"care_beds.csv\"\n{keys}\n"
        ),
    )
    .unwrap();
    manifest
}

/// The `coverage.csv` of a report on a city whose layer is `layer` read with `keys`.
fn coverage(layer: &[u8], keys: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city(dir.path(), layer, keys);
    let out = dir.path().join("out");
    report(&manifest, &out, &[]).success();
    fs::read_to_string(out.join("coverage.csv")).unwrap()
}

/// `text` in UTF-16LE with its byte order mark.
fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn every_encoding_and_delimiter_gives_the_coverage_of_plain_utf8_commas() {
    let (english, english_keys) = ENGLISH;
    let (chinese, chinese_keys) = CHINESE;
    let plain = coverage(registry(english, ',').as_bytes(), english_keys);
    // Blocks 0 and 1 are covered, block 2 (near the hospital only) is not.
    let covered: Vec<&str> = plain
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap_or(""))
        .collect();
    assert_eq!(covered.len(), 3, "{plain}");
    assert_ne!(covered[0], covered[2], "{plain}");
    assert_eq!(covered[0], covered[1], "{plain}");

    let bom = [
        b"\xEF\xBB\xBF".as_slice(),
        registry(english, ',').as_bytes(),
    ]
    .concat();
    let gbk = GBK.encode(&registry(chinese, ',')).0.into_owned();
    let cases: [(&str, Vec<u8>, String); 7] = [
        ("UTF-8 with a BOM", bom, english_keys.to_string()),
        (
            "GBK, Chinese columns, detected",
            gbk.clone(),
            chinese_keys.to_string(),
        ),
        (
            "GBK, declared",
            gbk,
            format!("{chinese_keys}\nencoding = \"gb18030\""),
        ),
        (
            "UTF-16LE with a BOM",
            utf16le_with_bom(&registry(chinese, ',')),
            chinese_keys.to_string(),
        ),
        (
            "semicolons, sniffed",
            registry(english, ';').into_bytes(),
            english_keys.to_string(),
        ),
        (
            "tabs, sniffed",
            registry(chinese, '\t').into_bytes(),
            chinese_keys.to_string(),
        ),
        (
            "pipes, declared",
            registry(english, '|').into_bytes(),
            format!("{english_keys}\ndelimiter = \"|\""),
        ),
    ];
    for (case, layer, keys) in cases {
        assert_eq!(coverage(&layer, &keys), plain, "{case}");
    }
}

#[test]
fn a_file_not_in_its_declared_encoding_is_one_problem_with_the_iconv_command() {
    let dir = tempfile::tempdir().unwrap();
    let (chinese, chinese_keys) = CHINESE;
    let gbk = GBK.encode(&registry(chinese, ',')).0.into_owned();
    let manifest = city(
        dir.path(),
        &gbk,
        &format!("{chinese_keys}\nencoding = \"utf-8\""),
    );
    let layer = dir.path().join("care_beds.csv");
    let converted = dir.path().join("care_beds.utf8.csv");
    report(&manifest, &dir.path().join("out"), &[])
        .failure()
        .stderr(contains(format!(
            "{}: not valid UTF-8 text (as the manifest says): line 1 has bytes that do not decode (byte 0 of the file); it looks like GBK: convert it with `iconv -f GB18030 -t UTF-8 '{}' > '{}'`",
            layer.display(),
            layer.display(),
            converted.display()
        )))
        .stderr(contains("encoding = \"gbk\""));
}

#[test]
fn a_wrong_delimiter_shows_in_the_columns_listed_with_how_the_file_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let (english, english_keys) = ENGLISH;
    let layer = registry(english, ';');
    let manifest = city(
        dir.path(),
        layer.as_bytes(),
        &format!("{english_keys}\ndelimiter = \",\""),
    );
    report(&manifest, &dir.path().join("out"), &[])
        .failure()
        .stderr(contains(
            "columns are: id;name;category;lon;lat (read as UTF-8 (detected), delimited by `,` (as the manifest says))",
        ));
}

#[test]
fn unknown_encodings_and_long_delimiters_are_config_errors_naming_key_and_value() {
    let (english, english_keys) = ENGLISH;
    let layer = registry(english, ',');
    for (key, message) in [
        (
            "encoding = \"klingon\"",
            "encoding = \"klingon\": not an encoding carecircle can read",
        ),
        (
            "delimiter = \"；\"",
            "delimiter = \"；\": give one ASCII character",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let manifest = city(
            dir.path(),
            layer.as_bytes(),
            &format!("{english_keys}\n{key}"),
        );
        report(&manifest, &dir.path().join("out"), &[])
            .failure()
            .stderr(contains("city.toml"))
            .stderr(contains(message));
    }
}
