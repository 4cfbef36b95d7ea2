//! The facilities: `facilities.csv`, the load on every facility counted by a capacity
//! requirement, and the `facilities` layer, every facility with its kind and loads.

use super::atomic::ProtectedInputs;
use super::csv_file::{write_csv, CsvTarget};
use super::format::round_to;
use super::layer::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::analysis::capacity::{Capacity, CapacityResult};
use crate::analysis::requirements::Requirements;
use crate::dataset::Dataset;
use crate::format::spreadsheet_safe;
use std::io;
use std::ops::Range;

/// Writes one row per (capacity requirement, facility): circle, kind, facility id and name
/// (empty where it has none), capacity,
/// weighted elderly within reach and load (elderly per unit of capacity; empty for capacity 0).
pub fn write_facilities_csv(
    csv: CsvTarget,
    protected: &ProtectedInputs,
    requirements: &Requirements,
    capacity: &Capacity,
) -> io::Result<()> {
    write_csv(csv, protected, |w| {
        w.write_record([
            "circle",
            "kind",
            "facility_id",
            "facility_name",
            "capacity",
            "elderly_within_reach",
            "load",
        ])?;
        for result in capacity.iter() {
            let resolved = &requirements[result.requirement];
            let (circle, kind) = (resolved.circle, &resolved.requirement.kind);
            let layer = resolved.layer;
            for (i, &f) in result.facilities.iter().enumerate() {
                w.write_record([
                    circle.name.as_str(),
                    kind,
                    &spreadsheet_safe(&layer.ids[f as usize]),
                    &spreadsheet_safe(layer.name(f as usize).unwrap_or_default()),
                    &result.capacity[i].to_string(),
                    &format!("{:.1}", result.demand[i]),
                    &result.load[i]
                        .map(|l| format!("{l:.3}"))
                        .unwrap_or_default(),
                ])?;
            }
        }
        Ok(())
    })
}

/// Every facility of every layer, in layer order: a Point feature (a MultiPoint for every
/// facility when any has several access points) with its `kind`, `id`, `name` (when the data
/// has names) and, per capacity requirement, `<circle>_<kind>_capacity`,
/// `<circle>_<kind>_elderly_within_reach` and `<circle>_<kind>_load` (null for facilities the
/// requirement does not count).
pub struct FacilitiesLayer<'a> {
    dataset: &'a Dataset,
    /// Every facility as (layer, facility within the layer).
    facilities: Vec<(usize, usize)>,
    /// Per facility, its access locations within its layer's `locations`.
    locations: Vec<Range<usize>>,
    /// Per facility, its name (see [`crate::dataset::FacilityLayer::name`]), when any
    /// facility has one.
    names: Option<Vec<Option<&'a str>>>,
    /// Per capacity result: its layer, and per facility of that layer its place in the result.
    counted: Vec<(&'a CapacityResult, usize, Vec<Option<usize>>)>,
    schema: Schema,
}

impl<'a> FacilitiesLayer<'a> {
    /// The layer of `dataset`'s facilities with the loads of the `capacity` results.
    pub fn new(
        requirements: &Requirements,
        dataset: &'a Dataset,
        capacity: &'a Capacity,
    ) -> FacilitiesLayer<'a> {
        let mut facilities = Vec::new();
        let mut locations = Vec::new();
        for (l, layer) in dataset.layers.iter().enumerate() {
            debug_assert!(layer.location_facility.is_sorted());
            for f in 0..layer.len() {
                let start = layer
                    .location_facility
                    .partition_point(|&g| (g as usize) < f);
                let end = layer
                    .location_facility
                    .partition_point(|&g| (g as usize) <= f);
                facilities.push((l, f));
                locations.push(start..end);
            }
        }
        let names: Vec<Option<&str>> = facilities
            .iter()
            .map(|&(l, f)| dataset.layers[l].name(f))
            .collect();
        let names = names.iter().any(Option::is_some).then_some(names);
        let mut fields = Field::list(&[("kind", FieldType::Text), ("id", FieldType::Text)]);
        if names.is_some() {
            fields.push(Field::new("name", FieldType::Text));
        }
        let mut counted = Vec::new();
        for result in capacity.iter() {
            let resolved = &requirements[result.requirement];
            let (circle, kind, l) = (
                resolved.circle,
                &resolved.requirement.kind,
                resolved.layer_index,
            );
            let mut place = vec![None; dataset.layers[l].len()];
            for (i, &f) in result.facilities.iter().enumerate() {
                place[f as usize] = Some(i);
            }
            for suffix in ["capacity", "elderly_within_reach", "load"] {
                let name = format!("{}_{kind}_{suffix}", circle.name);
                fields.push(Field::new(name, FieldType::Real));
            }
            counted.push((result, l, place));
        }
        let geometry_type = if locations.iter().all(|r| r.len() == 1) {
            GeometryType::Point
        } else {
            GeometryType::MultiPoint
        };
        FacilitiesLayer {
            dataset,
            facilities,
            locations,
            names,
            counted,
            schema: Schema {
                name: "facilities",
                geometry_type,
                fields,
            },
        }
    }
}

impl Layer for FacilitiesLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.facilities.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        let locations = &self.dataset.layers[self.facilities[k].0].locations;
        let mine = &locations[self.locations[k].clone()];
        match (self.schema.geometry_type, mine) {
            (GeometryType::Point, [only]) => Shape::Point(*only),
            _ => Shape::MultiPoint(mine),
        }
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let (l, f) = self.facilities[k];
        let layer = &self.dataset.layers[l];
        row.extend([Value::Str(&layer.kind), Value::Str(&layer.ids[f])]);
        if let Some(names) = &self.names {
            row.push(names[k].map_or(Value::Null, Value::Str));
        }
        for (result, result_layer, place) in &self.counted {
            match place
                .get(f)
                .copied()
                .flatten()
                .filter(|_| *result_layer == l)
            {
                Some(i) => row.extend([
                    Value::Num(result.capacity[i]),
                    Value::Num(round_to(result.demand[i], 1)),
                    result.load[i].map_or(Value::Null, |x| Value::Num(round_to(x, 3))),
                ]),
                None => row.extend([Value::Null; 3]),
            }
        }
    }
}
