//! Residents and elderly people per building: estimated from floor area, or known totals
//! spread over the buildings in proportion to their floor area.

use super::mapping::PopulationRules;

/// Known totals that replace the estimates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// Residents of the whole extract.
    pub residents: Option<f64>,
    /// Elderly people of the whole extract.
    pub elderly: Option<f64>,
}

/// People per building, in building order, and how they were obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Residents per building.
    pub residents: Vec<f64>,
    /// Elderly people per building.
    pub elderly: Vec<f64>,
    /// How residents were obtained, for the manifest's comments.
    pub residents_method: String,
    /// How elderly people were obtained, for the manifest's comments.
    pub elderly_method: String,
}

/// Residents and elderly people for buildings with the given floor areas (m²).
pub fn estimate(floor_areas: &[f64], rules: &PopulationRules, totals: Totals) -> Population {
    let (residents, residents_method) = match totals.residents {
        Some(total) => (
            spread(total, floor_areas),
            format!("--residents-total {total} spread in proportion to floor area"),
        ),
        None => (
            floor_areas
                .iter()
                .map(|a| a / rules.floor_area_per_resident_m2)
                .collect(),
            format!(
                "floor area (footprint x storeys) / {} m2 per resident",
                rules.floor_area_per_resident_m2
            ),
        ),
    };
    let (elderly, elderly_method) = match totals.elderly {
        Some(total) => (
            spread(total, floor_areas),
            format!("--elderly-total {total} spread in proportion to floor area"),
        ),
        None => (
            residents.iter().map(|r| r * rules.elderly_share).collect(),
            format!("residents x elderly share {}", rules.elderly_share),
        ),
    };
    Population {
        residents,
        elderly,
        residents_method,
        elderly_method,
    }
}

/// `total` shared in proportion to `weights` (all zero when the weights sum to zero).
fn spread(total: f64, weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum > 0.0 {
        weights.iter().map(|w| total * (w / sum)).collect()
    } else {
        vec![0.0; weights.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PopulationRules {
        PopulationRules {
            floor_area_per_resident_m2: 50.0,
            elderly_share: 0.2,
        }
    }

    #[test]
    fn density_estimate() {
        let p = estimate(&[100.0, 250.0], &rules(), Totals::default());
        assert_eq!(p.residents, [2.0, 5.0]);
        assert_eq!(p.elderly, [0.4, 1.0]);
        assert!(p.residents_method.contains("50 m2"));
    }

    #[test]
    fn totals_are_spread_exactly_by_floor_area() {
        let areas: Vec<f64> = (1..=997).map(|i| f64::from(i) * 13.7).collect();
        let totals = Totals {
            residents: Some(38_350.0),
            elderly: Some(12_345.0),
        };
        let p = estimate(&areas, &rules(), totals);
        let sum = |v: &[f64]| v.iter().sum::<f64>();
        assert!((sum(&p.residents) - 38_350.0).abs() < 1e-6);
        assert!((sum(&p.elderly) - 12_345.0).abs() < 1e-6);
        assert!((p.residents[9] / p.residents[0] - 10.0).abs() < 1e-9);
        let only_elderly = estimate(
            &areas,
            &rules(),
            Totals {
                residents: None,
                elderly: Some(7.0),
            },
        );
        assert!((sum(&only_elderly.elderly) - 7.0).abs() < 1e-9);
        assert_eq!(only_elderly.residents[0], 13.7 / 50.0);
        assert_eq!(spread(5.0, &[0.0, 0.0]), [0.0, 0.0]);
    }
}
