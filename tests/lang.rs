//! `--lang zh` (or `lang = "zh"` in the manifest): the terminal and the map in Chinese, the
//! terminal aligned by display width within 100 columns, with the very figures of the English
//! run; Chinese CSV files start with a byte-order mark.

mod common;

use carecircle::output::csv_file::BOM;
use common::{report, taipei};
use std::fs;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

fn stdout(manifest: &Path, out: &Path, extra: &[&str]) -> String {
    let assert = report(manifest, out, extra).success();
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

/// The numbers of a text, in order (`1,234`, `5.6`): what must not change with the language.
fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map(|t| t.trim_matches(|c| c == ',' || c == '.'))
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
        .map(String::from)
        .collect()
}

#[test]
fn chinese_tables_and_lines_carry_the_english_figures() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = taipei().join("city.toml");
    let english = stdout(&manifest, &dir.path().join("en"), &["--sites", "2"]);
    let chinese = stdout(
        &manifest,
        &dir.path().join("zh"),
        &["--sites", "2", "--lang", "zh"],
    );
    let table: Vec<&str> = chinese.lines().take_while(|l| !l.is_empty()).collect();
    assert!(table[0].starts_with("共 56 个街坊、61,024 名老年人；覆盖指在每项要求的直线距离范围内"));
    assert!(table
        .iter()
        .any(|l| l.starts_with("服务圈") && l.contains("老年人")));
    assert!(table
        .iter()
        .any(|l| l.starts_with("basic") && l.contains("全部要求")));
    for line in &table {
        assert!(line.width() <= 100, "{line:?} is {} wide", line.width());
    }
    assert!(chinese.contains("最大的缺口片区（全部见 gaps.geojson）："));
    assert!(chinese.contains("\nbasic #1：1 个街坊（三愛里），跨度 520 m，2,081 名老年人未覆盖；未满足 responder（1 个街坊）；最近的 responder："));
    assert!(chinese.contains("新增覆盖"));
    assert!(!chinese.contains("elderly") && !chinese.contains("blocks"));
    // Line for line, the same figures as in English (in the order each language puts them).
    let (en, zh): (Vec<&str>, Vec<&str>) = (english.lines().collect(), chinese.lines().collect());
    assert_eq!(en.len(), zh.len());
    for (e, z) in en.iter().zip(&zh) {
        let (mut e_numbers, mut z_numbers) = (numbers(e), numbers(z));
        e_numbers.sort();
        z_numbers.sort();
        assert_eq!(e_numbers, z_numbers, "\n{e}\n{z}");
    }
    // The map's words too: title, legend and zone labels.
    let svg = fs::read_to_string(dir.path().join("zh").join("map.svg")).unwrap();
    for words in [
        "basic：61,024 名老年人中 81.4 % 直线距离可达",
        "\n图例\n",
        "\n已覆盖\n",
        "\n缺口片区\n",
        "\n建议新增点位（按排名）：\n",
        "#1 三愛里：2,081 名老年人",
    ] {
        assert!(svg.contains(words), "{words:?} not in map.svg");
    }
    assert!(!svg.contains("Legend") && !svg.contains("elderly"));
    // Chinese CSV files start with the byte-order mark; English ones do not.
    for name in ["coverage.csv", "summary.csv"] {
        let zh = fs::read(dir.path().join("zh").join(name)).unwrap();
        let en = fs::read(dir.path().join("en").join(name)).unwrap();
        assert_eq!(zh, [BOM, &en[..]].concat(), "{name}");
    }
}

#[test]
fn the_manifest_sets_the_language_and_the_flag_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(taipei()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let manifest = dir.path().join("city.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, format!("lang = \"zh\"\n{text}")).unwrap();
    let chinese = stdout(&manifest, &dir.path().join("a"), &[]);
    assert!(chinese.starts_with("共 56 个街坊"), "{chinese}");
    let english = stdout(&manifest, &dir.path().join("b"), &["--lang", "en"]);
    assert!(
        english.starts_with("56 blocks and 61,024 elderly"),
        "{english}"
    );
    fs::write(&manifest, format!("lang = \"fr\"\n{text}")).unwrap();
    report(&manifest, &dir.path().join("c"), &[])
        .failure()
        .stderr(predicates::str::contains("lang"));
}
