//! Problems found in input files, each naming the file, the feature or row, and the field.

use crate::algo::epsg::ToWgs84;
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

/// Consecutive problems of one file that say the same of one field in different features
/// (the same message but for its numbers): "all 456 features lack field `A65UP_CNT`" is one
/// group, not 456 lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlikeProblems<'a> {
    /// The first problem of the group, shown whole.
    pub first: &'a Problem,
    /// The last one.
    pub last: &'a Problem,
    /// How many problems the group holds (1: `first` alone).
    pub count: usize,
}

impl<'a> AlikeProblems<'a> {
    /// `problems` in groups of alike neighbours, in order.
    pub fn group(problems: &'a [Problem]) -> Vec<AlikeProblems<'a>> {
        let mut groups: Vec<AlikeProblems> = Vec::new();
        for problem in problems {
            match groups.last_mut() {
                Some(group) if alike(group.first, problem) => {
                    group.last = problem;
                    group.count += 1;
                }
                _ => groups.push(AlikeProblems {
                    first: problem,
                    last: problem,
                    count: 1,
                }),
            }
        }
        groups
    }
}

/// `message` without its numbers: digits, and the signs, points and exponents beside them.
fn without_numbers(message: &str) -> String {
    let chars: Vec<char> = message.chars().collect();
    let digit_at = |k: Option<usize>| {
        k.and_then(|k| chars.get(k))
            .is_some_and(char::is_ascii_digit)
    };
    (0..chars.len())
        .filter(|&k| {
            let c = chars[k];
            let beside_digit = digit_at(k.checked_sub(1)) || digit_at(Some(k + 1));
            !(c.is_ascii_digit() || (matches!(c, '.' | '-' | '+' | 'e' | 'E') && beside_digit))
        })
        .map(|k| chars[k])
        .collect()
}

/// Whether two problems are of one file, field and kind of location, in different features
/// or rows, and say the same but for the numbers in their messages.
fn alike(a: &Problem, b: &Problem) -> bool {
    let same_kind = matches!(
        (&a.location, &b.location),
        (Location::Feature(_), Location::Feature(_)) | (Location::Row(_), Location::Row(_))
    );
    same_kind
        && a.file == b.file
        && a.field == b.field
        && without_numbers(&a.message) == without_numbers(&b.message)
}

impl fmt::Display for AlikeProblems<'_> {
    /// One problem as [`Problem`] shows it; a group as its file, the span of features (or
    /// rows) and their number, the field, and the first one's message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 1 {
            return self.first.fmt(f);
        }
        let (one, what) = match self.first.location {
            Location::Row(_) => ("row", "rows"),
            _ => ("feature", "features"),
        };
        let (from, to) = (
            self.first.number().unwrap_or(0),
            self.last.number().unwrap_or(0),
        );
        write!(
            f,
            "{}, {} {what} ({what} {from} to {to})",
            self.first.file.display(),
            crate::format::thousands(self.count as f64)
        )?;
        if let Some(field) = &self.first.field {
            write!(f, ", field `{field}`")?;
        }
        write!(
            f,
            ": {} (as in {one} {from}; the others alike)",
            self.first.message
        )
    }
}

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
        "; expected longitude/latitude degrees: if the file is in a projected system, set the layer's `crs` to its EPSG code (e.g. crs = \"EPSG:4549\")"
    };
    Err(FieldProblem::new(
        "coordinates",
        format!("coordinate ({lon}, {lat}) is out of range: longitude must be within ±180 and latitude within ±90{hint}"),
    ))
}

/// Position (`x`, `y`) of a file in `to`'s system as WGS 84 (longitude, latitude): a
/// position in degrees must be in range first ([`check_lon_lat`]); one that does not
/// convert is a problem suggesting the file's system is another.
pub fn to_wgs84(to: &ToWgs84, x: f64, y: f64) -> Result<(f64, f64), FieldProblem> {
    if to.takes_degrees() {
        check_lon_lat(x, y)?;
    }
    to.convert(x, y).ok_or_else(|| {
        FieldProblem::new(
            "coordinates",
            format!(
                "position ({x}, {y}) does not convert from {} to a longitude/latitude; are the file's positions in another system (the layer's `crs`)?",
                to.crs()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alike_neighbours_are_one_group() {
        let path = Path::new("villages.geojson");
        let missing =
            |n: usize| Problem::at(path, Location::Feature(n), Some("A65UP_CNT"), "missing");
        let range = |n: usize, lon: f64| {
            Problem::at(
                path,
                Location::Feature(n),
                Some("coordinates"),
                format!("coordinate ({lon}, 2770526.2) is out of range"),
            )
        };
        let problems = vec![
            missing(1),
            missing(2),
            missing(456),
            range(457, 305229.3),
            range(458, -30.25),
            Problem::file(path, "missing"),
            Problem::at(
                Path::new("other.csv"),
                Location::Row(1),
                Some("A65UP_CNT"),
                "missing",
            ),
        ];
        let groups = AlikeProblems::group(&problems);
        let counts: Vec<usize> = groups.iter().map(|g| g.count).collect();
        assert_eq!(counts, [3, 2, 1, 1]);
        assert_eq!(
            groups[0].to_string(),
            "villages.geojson, 3 features (features 1 to 456), field `A65UP_CNT`: missing (as in feature 1; the others alike)"
        );
        assert!(groups[1]
            .to_string()
            .contains("coordinate (305229.3, 2770526.2)"));
        assert_eq!(groups[2].to_string(), problems[5].to_string());
        assert_eq!(
            without_numbers("at (-1.5e3, 25) is negative"),
            "at (, ) is negative"
        );
    }

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
