//! The marker of each facility kind — a colour and a shape chosen by the kind's place among
//! the city's layers — shared by the overview map and the QGIS style of the `facilities`
//! layer, so a kind looks the same in both.

/// An opaque colour.
pub type Rgb = (u8, u8, u8);

/// Marker colours per facility layer (none green, orange or red, the colours of blocks and
/// gap zones).
const PALETTE: [Rgb; 8] = [
    (31, 119, 180),
    (148, 103, 189),
    (23, 190, 207),
    (140, 86, 75),
    (227, 119, 194),
    (60, 60, 60),
    (188, 189, 34),
    (0, 0, 128),
];

/// Suggested new sites, on the map and in `sites.qml`: a yellow no facility layer, block or
/// gap zone uses.
pub const SITE: Rgb = (255, 210, 0);

/// A marker's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerShape {
    /// A disc.
    Circle,
    /// An axis-aligned square.
    Square,
    /// A triangle pointing up.
    Triangle,
    /// A square standing on a corner.
    Diamond,
}

impl MarkerShape {
    /// The name of the QGIS simple marker shape.
    pub fn qgis_name(self) -> &'static str {
        match self {
            MarkerShape::Circle => "circle",
            MarkerShape::Square => "square",
            MarkerShape::Triangle => "triangle",
            MarkerShape::Diamond => "diamond",
        }
    }
}

/// The colour and shape of facility layer `k`'s markers; the first 32 layers all differ.
pub fn kind_marker(k: usize) -> (Rgb, MarkerShape) {
    let shape = match (k / PALETTE.len() + k) % 4 {
        0 => MarkerShape::Circle,
        1 => MarkerShape::Square,
        2 => MarkerShape::Triangle,
        _ => MarkerShape::Diamond,
    };
    (PALETTE[k % PALETTE.len()], shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_32_kinds_have_distinct_markers() {
        let mut markers: Vec<(Rgb, &str)> = (0..32)
            .map(|k| {
                let (colour, shape) = kind_marker(k);
                (colour, shape.qgis_name())
            })
            .collect();
        markers.sort_unstable();
        markers.dedup();
        assert_eq!(markers.len(), 32);
    }

    #[test]
    fn suggested_sites_have_a_colour_of_their_own() {
        assert!(!PALETTE.contains(&SITE));
    }
}
