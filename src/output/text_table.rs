//! Tables for the terminal: columns aligned by display width (a Chinese character takes two
//! columns of a terminal, a combining mark none) and fitted to a line width by shortening
//! one column's cells with `…`.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The widest line a terminal table is fitted to by default: 100 columns.
pub const TERMINAL_COLUMNS: usize = 100;

/// The narrowest the shortened column becomes, whatever the line width.
const NARROWEST_COLUMN: usize = 12;

/// How a table's columns are laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The first this many columns (names) are left-aligned, the rest (figures) right-aligned.
    pub left_aligned: usize,
    /// The column whose cells are shortened when a line would be wider than `max_width`.
    pub shrinkable: usize,
    /// The widest line, in terminal columns.
    pub max_width: usize,
}

/// Columns two spaces apart, each as wide as its widest cell, trailing spaces trimmed.
pub fn render(rows: &[Vec<String>], layout: Layout) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let total = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
    if let Some(width) = widths.get_mut(layout.shrinkable) {
        let excess = total.saturating_sub(layout.max_width);
        *width = (*width)
            .saturating_sub(excess)
            .max(NARROWEST_COLUMN.min(*width));
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let cell = shortened(cell, widths[i]);
            let pad = " ".repeat(widths[i] - cell.width());
            if i < layout.left_aligned {
                line.push_str(&cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(&cell);
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `text` broken into lines of at most `width` display columns at spaces (a word wider than
/// a line stays whole on its own line), each line ending in a newline.
pub fn wrapped(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `text` cut to `width` display columns, ending in `…` when it was cut.
pub fn shortened(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(max_width: usize) -> Layout {
        Layout {
            left_aligned: 1,
            shrinkable: 0,
            max_width,
        }
    }

    fn table(rows: &[[&str; 2]], max_width: usize) -> String {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        render(&rows, layout(max_width))
    }

    #[test]
    fn chinese_names_align_by_display_width() {
        let text = table(&[["建國里", "12"], ["B1", "3,456"]], 100);
        let lines: Vec<&str> = text.lines().collect();
        // 建國里 is six terminal columns wide, as wide as the padded `B1`.
        assert_eq!(lines, ["建國里     12", "B1      3,456"]);
        assert_eq!(lines[0].width(), lines[1].width());
    }

    #[test]
    fn a_wide_table_is_fitted_by_shortening_one_column() {
        let long = "hospital (tier = tertiary, beds ≥ 500) ≤ 500 m";
        let text = table(&[[long, "1,234 (5.0 %)"], ["all", "9 (0.1 %)"]], 40);
        for line in text.lines() {
            assert!(line.width() <= 40, "{line:?} is {} wide", line.width());
        }
        assert!(
            text.starts_with("hospital (tier = tertiar…  1,234 (5.0 %)\n"),
            "{text}"
        );
        assert!(text.contains("all  "));
    }

    #[test]
    fn captions_wrap_at_spaces_by_display_width() {
        let text = wrapped("老年人 elderly met on foot; straight line", 14);
        assert_eq!(text, "老年人 elderly\nmet on foot;\nstraight line\n");
        assert_eq!(wrapped("a-very-long-word b", 4), "a-very-long-word\nb\n");
    }

    #[test]
    fn shortening_counts_wide_characters_twice_and_never_splits_one() {
        assert_eq!(shortened("老年人日間照顧中心", 7), "老年人…");
        assert_eq!(shortened("老年人", 6), "老年人");
        assert_eq!(shortened("老年人", 5), "老年…");
    }

    #[test]
    fn the_shortened_column_keeps_a_readable_width() {
        let text = table(&[["a requirement with a long label", "1"]], 10);
        assert!(text.starts_with("a requireme…  1"), "{text}");
    }
}
