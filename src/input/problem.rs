//! Problems found in input files, each naming the file, the feature or row, and the field.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (missing, unreadable, malformed).
    File,
    /// A GeoJSON feature, numbered from 1 in file order.
    Feature(usize),
    /// A CSV data row, numbered from 1 (the header is row 0).
    Row(usize),
}

/// `feature 3`, `row 3`, or `the file`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => f.write_str("the file"),
            Location::Feature(n) => write!(f, "feature {n}"),
            Location::Row(n) => write!(f, "row {n}"),
        }
    }
}

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The input file.
    pub file: PathBuf,
    /// The feature or row.
    pub location: Location,
    /// The property, column or member at fault, when there is one.
    pub field: Option<String>,
    /// What is wrong, and a hint where one helps.
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole.
    pub fn file(file: &Path, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_path_buf(),
            location: Location::File,
            field: None,
            message: message.into(),
        }
    }

    /// A problem with one feature or row, optionally in one field.
    pub fn at(
        file: &Path,
        location: Location,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.to_path_buf(),
            location,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    /// The feature or row number, when the problem is in one.
    pub fn number(&self) -> Option<usize> {
        match self.location {
            Location::File => None,
            Location::Feature(n) | Location::Row(n) => Some(n),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.location != Location::File {
            write!(f, ", {}", self.location)?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Problem {}

/// A problem in one field of one feature, before the file is known; readers attach the file
/// and location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The property, member or column.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl FieldProblem {
    /// A problem in a named field.
    pub fn new(field: &str, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// Attaches the file and location.
    pub fn locate(self, file: &Path, location: Location) -> Problem {
        Problem {
            file: file.to_path_buf(),
            location,
            field: self.field,
            message: self.message,
        }
    }
}

/// Checks a WGS 84-style longitude/latitude pair, with a hint when the two look swapped.
pub fn check_lon_lat(lon: f64, lat: f64) -> Result<(), FieldProblem> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err(FieldProblem::new(
            "coordinates",
            format!("coordinate is not a finite number ({lon}, {lat})"),
        ));
    }
    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
        return Ok(());
    }
    let hint = if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
        "; latitude and longitude look swapped (GeoJSON and carecircle expect longitude first)"
    } else {
        "; expected WGS 84 degrees (is the file in a projected CRS?)"
    };
    Err(FieldProblem::new(
        "coordinates",
        format!("coordinate ({lon}, {lat}) is out of range: longitude must be within ±180 and latitude within ±90{hint}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_feature_and_field() {
        let p = Problem::at(
            Path::new("b.geojson"),
            Location::Feature(3),
            Some("elderly"),
            "not a number",
        );
        assert_eq!(
            p.to_string(),
            "b.geojson, feature 3, field `elderly`: not a number"
        );
        let p = Problem::file(Path::new("b.csv"), "missing");
        assert_eq!(p.to_string(), "b.csv: missing");
    }

    #[test]
    fn swapped_coordinates_get_a_hint() {
        assert!(check_lon_lat(121.5, 25.0).is_ok());
        let e = check_lon_lat(25.0, 121.5).unwrap_err();
        assert!(e.message.contains("swapped"), "{}", e.message);
        let e = check_lon_lat(500000.0, 3000000.0).unwrap_err();
        assert!(e.message.contains("projected"), "{}", e.message);
        assert!(check_lon_lat(f64::NAN, 1.0).is_err());
    }
}
