//! The language people read a report in: English (the default) or Chinese (`--lang zh`, or
//! `lang = "zh"` in the city manifest). Field names, file names and data values stay as
//! they are; what a person reads — the terminal's tables and lines, `report.html` — follows
//! the language, and Chinese CSV files start with a byte-order mark.

use serde::Deserialize;

/// A report's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The text in this language: `en` or `zh`.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The language's code, as in `<html lang="…">`: `en`, `zh-CN`.
    pub fn code(self) -> &'static str {
        self.pick("en", "zh-CN")
    }

    /// Whether CSV files start with the UTF-8 byte-order mark whatever `--csv-bom` says: in
    /// Chinese, since a spreadsheet in a Chinese locale reads a CSV without one as GBK.
    pub fn csv_bom(self) -> bool {
        self == Lang::Zh
    }

    /// How distances were measured, in words: `on foot`, `in a straight line`.
    pub fn measured(self, walking: bool) -> &'static str {
        match (self, walking) {
            (Lang::En, true) => "on foot",
            (Lang::En, false) => "in a straight line",
            (Lang::Zh, true) => "步行",
            (Lang::Zh, false) => "直线距离",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_and_pick() {
        #[derive(Deserialize)]
        struct Doc {
            lang: Lang,
        }
        let zh: Doc = toml::from_str("lang = \"zh\"").unwrap();
        assert_eq!(zh.lang, Lang::Zh);
        assert!(toml::from_str::<Doc>("lang = \"fr\"").is_err());
        assert_eq!(Lang::default().pick("elderly", "老年人"), "elderly");
        assert_eq!(Lang::Zh.pick("elderly", "老年人"), "老年人");
        assert_eq!((Lang::Zh.code(), Lang::En.code()), ("zh-CN", "en"));
        assert!(Lang::Zh.csv_bom() && !Lang::En.csv_bom());
    }
}
