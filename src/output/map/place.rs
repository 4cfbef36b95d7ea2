//! Where labels go: each at its anchor or, when that place is taken, just above, below,
//! right or left of it, or a line further up or down; never over a label placed before it
//! or a blocked box, nor out of the frame; a label with no free place is left off. Greedy in
//! the order given, so the most important labels win and the result is reproducible.

use super::scene::{Px, FRAME};

/// A label's box: left, top, right, bottom, in pixels.
pub type Rect = (i32, i32, i32, i32);

/// Pixels kept free around a label.
const PAD: i32 = 3;

/// For each label (anchor, width, height), the box it is drawn in, or `None` when every
/// place overlaps an earlier label or a `blocked` box, or leaves the frame.
pub fn place(labels: &[(Px, i32, i32)], blocked: &[Rect]) -> Vec<Option<Rect>> {
    let mut taken: Vec<Rect> = blocked.to_vec();
    labels
        .iter()
        .map(|&((x, y), w, h)| {
            let centred = (x - w / 2, y - h / 2, x - w / 2 + w, y - h / 2 + h);
            let (dx, dy) = (w / 2 + PAD + 12, h + PAD);
            let offsets = [
                (0, 0),
                (0, -dy),
                (0, dy),
                (dx, 0),
                (-dx, 0),
                (0, -2 * dy),
                (0, 2 * dy),
            ];
            let chosen = offsets
                .into_iter()
                .map(|(dx, dy)| {
                    (
                        centred.0 + dx,
                        centred.1 + dy,
                        centred.2 + dx,
                        centred.3 + dy,
                    )
                })
                .find(|r| inside(*r) && taken.iter().all(|t| !overlap(*r, *t)));
            taken.extend(chosen);
            chosen
        })
        .collect()
}

fn inside(r: Rect) -> bool {
    r.0 >= FRAME.0 + PAD && r.1 >= FRAME.1 + PAD && r.2 <= FRAME.2 - PAD && r.3 <= FRAME.3 - PAD
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 + PAD && b.0 < a.2 + PAD && a.1 < b.3 + PAD && b.1 < a.3 + PAD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_labels_move_or_are_left_off() {
        let at = (700, 600);
        let placed = place(&[(at, 100, 20); 8], &[]);
        let boxes: Vec<Rect> = placed.iter().flatten().copied().collect();
        // Centred, above, below, then (right and left overlap the centred one) two lines
        // above and below; the others have no free place.
        assert_eq!(
            boxes,
            [
                (650, 590, 750, 610),
                (650, 567, 750, 587),
                (650, 613, 750, 633),
                (650, 544, 750, 564),
                (650, 636, 750, 656),
            ]
        );
        assert_eq!(placed[5..], [None, None, None]);
        // A column blocked through the anchor: right of it.
        let right = place(&[(at, 100, 20)], &[(690, 400, 710, 800)]);
        assert_eq!(right, [Some((715, 590, 815, 610))]);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlap(*a, *b), "{a:?} {b:?}");
            }
        }
        // Out of the frame: left off.
        assert_eq!(place(&[((FRAME.0, FRAME.1), 100, 20)], &[]), [None]);
        // Over a blocked box (the scale bar): moved above it.
        let below = place(&[(at, 100, 20)], &[(600, 595, 800, 640)]);
        assert_eq!(below, [Some((650, 567, 750, 587))]);
    }
}
