//! The map's fonts: the embedded DejaVu Sans for every text it can draw, and a system font
//! with CJK glyphs (found once, see [`CJK_FONT_PATHS`] and [`FONT_VARIABLE`]) for the texts
//! it cannot, such as Chinese place names. Plotters knows one font per family name, so each
//! text picks its family: [`SANS`], or [`FALLBACK`] when DejaVu lacks one of its characters.

use super::MapError;
use ab_glyph::{Font, FontRef};
use plotters::style::FontStyle;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// DejaVu Sans (see `assets/README.md`), embedded so Latin text needs no system fonts and
/// the output is the same on every machine.
static DEJAVU: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

/// The family of texts DejaVu draws.
pub const SANS: &str = "sans-serif";

/// The family of texts DejaVu cannot draw: a CSS font list, so that an SVG viewer picks a
/// CJK font of its own; in the PNG it is the font found on this machine.
pub const FALLBACK: &str =
    "Noto Sans CJK TC, Noto Sans CJK SC, WenQuanYi Micro Hei, Droid Sans Fallback, sans-serif";

/// The environment variable naming a font file (TrueType, OpenType or a `.ttc` collection,
/// its first face) to draw CJK text with, before [`CJK_FONT_PATHS`] are searched.
pub const FONT_VARIABLE: &str = "CARECIRCLE_MAP_FONT";

/// Where CJK fonts are looked for, in order (Debian's `fonts-noto-cjk`,
/// `fonts-wqy-microhei`, `fonts-wqy-zenhei`, `fonts-droid-fallback`; Fedora; macOS; Windows).
pub const CJK_FONT_PATHS: [&str; 9] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:\\Windows\\Fonts\\msyh.ttc",
];

/// A character every CJK font has: a candidate without it is not one.
const CJK_PROBE: char = '里';

/// Which family the texts DejaVu cannot draw use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fonts {
    /// Whether they use [`FALLBACK`] (always in an SVG; in a PNG when a CJK font was
    /// found), else [`SANS`] (drawn as DejaVu's empty boxes).
    pub fallback: bool,
}

impl Fonts {
    /// The family for `text`.
    pub fn family(self, text: &str) -> &'static str {
        if self.fallback && needs_fallback(text) {
            FALLBACK
        } else {
            SANS
        }
    }
}

/// The embedded DejaVu, parsed once.
fn dejavu() -> Result<&'static FontRef<'static>, MapError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(DEJAVU).ok())
        .as_ref()
        .ok_or(MapError::Font)
}

/// Registers DejaVu as [`SANS`] and, when one is found, a CJK font as [`FALLBACK`], once;
/// returns whether the CJK font was found (the fonts a PNG can use).
pub fn register_fonts() -> Result<Fonts, MapError> {
    static REGISTERED: OnceLock<Option<Fonts>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(SANS, FontStyle::Normal, DEJAVU).ok()?;
            let chosen = std::env::var_os(FONT_VARIABLE).map(PathBuf::from);
            let fallback = find_cjk_font(chosen).is_some_and(|bytes| {
                plotters::style::register_font(FALLBACK, FontStyle::Normal, bytes).is_ok()
            });
            Some(Fonts { fallback })
        })
        .ok_or(MapError::Font)
}

/// The bytes of the first usable CJK font: `chosen` (the variable's file), else the first
/// of [`CJK_FONT_PATHS`] that loads and has CJK glyphs. Kept for the whole run.
fn find_cjk_font(chosen: Option<PathBuf>) -> Option<&'static [u8]> {
    let candidates = chosen
        .into_iter()
        .chain(CJK_FONT_PATHS.iter().map(PathBuf::from));
    candidates
        .filter_map(|path| load_cjk_font(&path))
        .next()
        .map(|bytes| &*Box::leak(bytes.into_boxed_slice()))
}

/// The bytes of the font at `path` when it parses and has CJK glyphs.
pub fn load_cjk_font(path: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    let has_cjk = FontRef::try_from_slice(&bytes).is_ok_and(|font| font.glyph_id(CJK_PROBE).0 != 0);
    has_cjk.then_some(bytes)
}

/// Whether the embedded DejaVu lacks a glyph for one of `text`'s characters.
pub fn needs_fallback(text: &str) -> bool {
    dejavu().is_ok_and(|font| {
        text.chars()
            .any(|c| !c.is_whitespace() && font.glyph_id(c).0 == 0)
    })
}

/// About how many pixels wide `text` is at `size` (plotters' size: the line height): DejaVu's
/// advances, and a full em for a character DejaVu lacks (CJK characters are square). The
/// same on every machine, whichever CJK font it has.
pub fn text_width(text: &str, size: f64) -> f64 {
    let Ok(font) = dejavu() else {
        return text.chars().count() as f64 * size * 0.6;
    };
    let scaled = ab_glyph::Font::as_scaled(font, size as f32);
    text.chars()
        .map(|c| match font.glyph_id(c) {
            id if id.0 == 0 => size / 1.24,
            id => f64::from(ab_glyph::ScaleFont::h_advance(&scaled, id)),
        })
        .sum()
}
