//! Number formatting for people: `1,480 m`, `24.7 %`; rounding of written values.

/// `x` rounded to `decimals` decimal places.
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// 2⁵³: every whole `f64` below it converts to `u64` exactly.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// A whole number with thousands separators: `1480.4` → `1,480`.
pub fn thousands(x: f64) -> String {
    let rounded = x.round();
    if !rounded.is_finite() {
        return rounded.to_string();
    }
    // Every digit of any finite value: no cast that saturates. Below 2⁵³ every whole number
    // is exact as an integer, whose formatting is many times faster than a float's.
    let magnitude = rounded.abs();
    let digits = if magnitude < EXACT_INTEGERS {
        (magnitude as u64).to_string()
    } else {
        format!("{magnitude:.0}")
    };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if rounded < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// A size in bytes as megabytes (10⁶ bytes), one decimal under 100 MB: `16.8 MB`,
/// `1,099,512 MB`.
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 100.0 {
        format!("{mb:.1} MB")
    } else {
        format!("{} MB", thousands(mb))
    }
}

/// `text` as quoted in a message: whole up to [`EXCERPT_CHARS`] characters, else its start
/// and how long it is (`"aaaa…" (20,000,000 characters)`), so that one bad value cannot flood
/// the terminal or a report.
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = text.char_indices();
    match chars.nth(EXCERPT_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!(
            "{}… ({} characters)",
            &text[..end],
            thousands(text.chars().count() as f64)
        )),
    }
}

/// `text` safe to open in a spreadsheet: a cell beginning with `=`, `+`, `-`, `@`, a tab or
/// a carriage return is a formula to Excel and LibreOffice (an id such as `=HYPERLINK(…)`
/// would run), so such text, unless it is a number, gets a leading apostrophe, which
/// spreadsheets show as text and hide.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A control character other than a line break or a tab: from data, it is never text (an
/// escape sequence, a NUL).
pub fn hostile(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `text` safe to print to a terminal: control characters from the data (an escape
/// sequence that recolours or clears the screen, a NUL) written as `\u{1b}`; line breaks and
/// tabs kept.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(hostile) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match hostile(c) {
                true => c.escape_unicode().to_string(),
                false => c.to_string(),
            })
            .collect(),
    )
}

/// The most characters of a value [`excerpt`] quotes whole.
pub const EXCERPT_CHARS: usize = 80;

/// A feature as people name it: `name (id)` when it has a name, else its id.
pub fn name_and_id(name: Option<&str>, id: &str) -> String {
    match name {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    }
}

/// The plural ending for `n` things: `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A change with its sign, in whole units: `+1,234`, `-56`, `0`.
pub fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", thousands(x))
    } else {
        thousands(x)
    }
}

/// A distance in whole metres: `1,480 m`.
pub fn metres(x: f64) -> String {
    format!("{} m", thousands(x))
}

/// A share as a percentage with one decimal: `24.7 %`; `-` when the total is zero.
pub fn percent(part: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{:.1} %", 100.0 * part / total)
    } else {
        "-".to_string()
    }
}

/// An English ordinal: `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, `112th`.
///
/// ```
/// use carecircle::format::ordinal;
/// let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112].map(ordinal).into();
/// assert_eq!(words, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "112th"]);
/// ```
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1480.4), "1,480");
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(-1000.0), "-1,000");
        assert_eq!(megabytes(16_777_216), "16.8 MB");
        assert_eq!(megabytes(1 << 40), "1,099,512 MB");
        assert_eq!(metres(620.2), "620 m");
        assert_eq!(
            (signed(1234.0), signed(-56.0), signed(0.0)),
            ("+1,234".to_string(), "-56".to_string(), "0".to_string())
        );
        assert_eq!(percent(1.0, 8.0), "12.5 %");
        assert_eq!(percent(1.0, 0.0), "-");
    }

    #[test]
    fn excerpts_keep_short_values_and_cut_long_ones() {
        assert_eq!(excerpt("many"), "many");
        let long = "é".repeat(20_000);
        let cut = excerpt(&long);
        assert_eq!(
            cut,
            format!("{}… (20,000 characters)", "é".repeat(EXCERPT_CHARS))
        );
    }

    #[test]
    fn formulas_are_defused_and_numbers_left_alone() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-2.5"), "-2.5");
        assert_eq!(spreadsheet_safe("+86 10"), "'+86 10");
        assert_eq!(spreadsheet_safe("B0001"), "B0001");
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(printable("B1\u{1b}[2J\0"), "B1\\u{1b}[2J\\u{0}");
        assert_eq!(printable("two\nlines\tok"), "two\nlines\tok");
    }

    #[test]
    fn large_and_odd_numbers_never_saturate() {
        // Past u64::MAX (1.8e19) every digit is still printed.
        assert_eq!(thousands(2e19), "20,000,000,000,000,000,000");
        assert_eq!(thousands(-3e20), "-300,000,000,000,000,000,000");
        assert_eq!(thousands(f64::INFINITY), "inf");
        assert_eq!(thousands(f64::NAN), "NaN");
    }

    #[test]
    fn integer_formatting_agrees_with_float_formatting_around_two_to_the_53() {
        let two53 = EXACT_INTEGERS;
        for x in [
            0.5,
            1.5,
            2.5,
            7e9 + 0.49,
            two53 - 2.0,
            two53 - 1.0,
            two53,
            two53 + 2.0,
            1e17,
        ] {
            for x in [x, -x] {
                let expected = format!("{:.0}", x.round());
                assert_eq!(thousands(x).replace(',', ""), expected, "{x}");
            }
        }
    }
}
