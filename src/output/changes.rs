//! The `changes` layer of `carecircle compare`: the blocks whose coverage changed between
//! two reports, each with how, overall and per circle.

use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape, Value};
use crate::analysis::comparison::{BlockChange, Change, Comparison};
use geo_types::MultiPolygon;

/// `change` of a block changed in several circles, some newly covered and some lost.
pub const MIXED: &str = "mixed";

/// The changed blocks with their outlines (WGS 84): `id`, `elderly`, `change` (`newly
/// covered`, `lost` or [`MIXED`]) and per circle `<circle>_change` (null where it is the same).
pub struct ChangesLayer<'a> {
    changes: &'a [BlockChange],
    outlines: Vec<MultiPolygon<f64>>,
    schema: Schema,
}

impl<'a> ChangesLayer<'a> {
    /// The layer of `comparison`'s changed blocks, `outlines` one per changed block, in order.
    pub fn new(comparison: &'a Comparison, outlines: Vec<MultiPolygon<f64>>) -> ChangesLayer<'a> {
        use FieldType::{Real, Text};
        let mut fields = Field::list(&[("id", Text), ("elderly", Real), ("change", Text)]);
        fields.extend(
            comparison
                .circles
                .iter()
                .map(|c| Field::new(format!("{c}_change"), Text)),
        );
        ChangesLayer {
            changes: &comparison.changes,
            outlines,
            schema: Schema {
                name: "changes",
                geometry_type: GeometryType::MultiPolygon,
                fields,
            },
        }
    }
}

/// How a block changed over all circles: `newly covered`, `lost`, or [`MIXED`].
pub fn overall(change: &BlockChange) -> &'static str {
    let mut seen = change.circles.iter().flatten();
    let first = seen.next().copied().unwrap_or(Change::NewlyCovered);
    if seen.all(|&c| c == first) {
        first.words()
    } else {
        MIXED
    }
}

impl Layer for ChangesLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.changes.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        Shape::MultiPolygon(&self.outlines[k])
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let change = &self.changes[k];
        row.extend([
            Value::Str(&change.id),
            Value::Num(change.elderly),
            Value::Str(overall(change)),
        ]);
        row.extend(
            change
                .circles
                .iter()
                .map(|c| c.map_or(Value::Null, |c| Value::Str(c.words()))),
        );
    }
}
