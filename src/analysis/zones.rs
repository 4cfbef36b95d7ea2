//! Gap zones: where the blocks outside each circle cluster, ranked by uncovered elderly, with
//! the requirements they fail and the nearest existing facility that would serve them.
//!
//! Blocks outside a circle whose centroids lie within the circle's smallest reach of each
//! other (transitively) cluster; a cluster spanning more than the policy's `zone_span_m` is
//! split where its blocks are farthest apart (see [`gap_zones`]), so that every zone is an
//! area a district can act on. Zone outlines are the union of the zone's blocks, buffered by
//! [`ZONE_BUFFER_M`] on a grid of [`ZONE_CELL_M`], and never overlap within a circle.

use crate::algo::linkage::{gap_zones, span_m, ZoneShape};
use crate::analysis::coverage::{CircleCoverage, Coverage};
use crate::analysis::plane::Plane;
use crate::config::{Circle, Policy};
use crate::dataset::{Blocks, Dataset};
use crate::format::{name_and_id, ordinal, thousands};
use crate::lang::Lang;
use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;

/// Zone outlines take in the ground within this of their blocks, so that the streets
/// between the blocks of a zone are filled.
pub const ZONE_BUFFER_M: f64 = 10.0;

/// Zone outlines are drawn with grid cells this wide.
pub const ZONE_CELL_M: f64 = 10.0;

/// Holes in a zone's outline up to this area (1 ha) that no other zone claims are filled: a
/// yard, a square or a single covered block between the zone's blocks is not worth a ring of
/// its own on the map (and in the file).
pub const ZONE_FILL_HOLES_M2: f64 = 10_000.0;

/// Zone outlines are straightened where that moves them inward by less than this, across
/// the ground taken for the buffer only (never into a block): a staircase of grid cells
/// with treads up to four cells long becomes one line (a tread of n cells and a riser of one
/// lie n / √(n² + 1) cells from it), and the file half the size. Just under a cell, so that
/// a long straight edge ending in a one-cell step stays straight.
pub const ZONE_SIMPLIFY_M: f64 = 9.8;

/// The facility a zone is nearest to, for its most failed requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneNearest {
    /// The requirement's facility kind.
    pub kind: String,
    /// Which nearest it is: the requirement's `min_count` (2 for the 2nd nearest).
    pub rank: usize,
    /// The facility's id and its distance from the nearest of the zone's blocks failing the
    /// requirement, in metres (walking when computed); `None` when none was found.
    pub found: Option<(String, f64)>,
    /// The found facility's name, when its layer has names.
    pub name: Option<String>,
    /// How far the walking search looked, when it found none (`None` when the layer has
    /// fewer than `rank` facilities, the only way a straight line finds none).
    pub searched_m: Option<f64>,
}

/// One gap zone of one circle.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedZone {
    /// The circle the zone's blocks are outside of.
    pub circle: String,
    /// 1 for the zone with the most uncovered elderly in its circle.
    pub rank: usize,
    /// The zone's blocks (indices), ascending.
    pub members: Vec<u32>,
    /// Elderly people in the zone.
    pub elderly: f64,
    /// Residents in the zone, when known.
    pub residents: Option<f64>,
    /// Each failing requirement's kind with the number of the zone's blocks failing it, most
    /// failed first.
    pub failing: Vec<(String, usize)>,
    /// The most failed requirement's `min_count`-th nearest facility to the zone's blocks
    /// that fail it.
    pub nearest: Option<ZoneNearest>,
    /// The names of the zone's blocks (see [`places`]), when they have names.
    pub places: Option<String>,
    /// The zone outline in the plane's metres.
    pub outline: MultiPolygon<f64>,
}

/// A gap zone's figures, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneSummary {
    /// The circle.
    pub circle: String,
    /// Rank within the circle by uncovered elderly.
    pub rank: usize,
    /// Blocks in the zone.
    pub blocks: usize,
    /// The names of its blocks with the most elderly: `建國里, 光復里, 文祥里 and 4 more`.
    pub places: Option<String>,
    /// The larger side of the zone outline's bounding box, in metres.
    pub span_m: f64,
    /// Elderly people in the zone.
    pub elderly_uncovered: f64,
    /// Residents in the zone, when known.
    pub residents_uncovered: Option<f64>,
    /// The failing requirements, most failed first: `care_bed (12 blocks), …`.
    pub failing: String,
    /// The same as kinds with their counts of failing blocks, for other wordings.
    #[serde(skip)]
    pub failing_kinds: Vec<(String, usize)>,
    /// The most failed requirement's kind.
    pub nearest_kind: Option<String>,
    /// Its `nearest_rank`-th nearest facility to the zone's blocks failing it.
    pub nearest_facility_id: Option<String>,
    /// That facility's name, when its layer has names.
    pub nearest_facility_name: Option<String>,
    /// Which nearest that is: the requirement's `min_count` (1: the nearest).
    pub nearest_rank: Option<usize>,
    /// That facility's distance from the nearest of those blocks, in metres.
    pub nearest_m: Option<f64>,
    /// When no such facility was found on foot: how far the search looked, in metres.
    pub nearest_searched_m: Option<f64>,
}

impl RankedZone {
    /// The zone's figures without its outline.
    pub fn summary(&self) -> ZoneSummary {
        let nearest = self.nearest.as_ref();
        ZoneSummary {
            circle: self.circle.clone(),
            rank: self.rank,
            blocks: self.members.len(),
            places: self.places.clone(),
            span_m: span_m([&self.outline]),
            elderly_uncovered: self.elderly,
            residents_uncovered: self.residents,
            failing: self.failing_text(),
            failing_kinds: self.failing.clone(),
            nearest_kind: nearest.map(|n| n.kind.clone()),
            nearest_facility_id: nearest.and_then(|n| Some(n.found.as_ref()?.0.clone())),
            nearest_facility_name: nearest.and_then(|n| n.name.clone()),
            nearest_rank: nearest.map(|n| n.rank),
            nearest_m: nearest.and_then(|n| Some((n.found.as_ref()?.1 * 10.0).round() / 10.0)),
            nearest_searched_m: nearest.and_then(|n| n.searched_m),
        }
    }

    /// `care_bed (12 blocks), responder (3 blocks)`.
    pub fn failing_text(&self) -> String {
        let parts: Vec<String> = self
            .failing
            .iter()
            .map(|(kind, n)| {
                let plural = if *n == 1 { "" } else { "s" };
                format!("{kind} ({} block{plural})", thousands(*n as f64))
            })
            .collect();
        parts.join(", ")
    }
}

impl ZoneSummary {
    /// `nearest care_bed CB1 at 340 m`, or `2nd nearest pharmacy P7 at 1,240 m` when the
    /// requirement asks for two; when none was found `no hospice within 2,000 m on foot`
    /// (`no 2nd hospice …`), or `no hospice in the layer` (`fewer than 2 hospice in the
    /// layer`) when the layer has too few.
    pub fn nearest_words(&self) -> Option<String> {
        self.nearest_words_in(Lang::En)
    }

    /// The failing requirements in `lang`: [`Self::failing`], or `care_bed（12 个街坊）、…`.
    pub fn failing_in(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.failing.clone(),
            Lang::Zh => {
                let parts: Vec<String> = self
                    .failing_kinds
                    .iter()
                    .map(|(kind, n)| format!("{kind}（{} 个街坊）", thousands(*n as f64)))
                    .collect();
                parts.join("、")
            }
        }
    }

    /// [`Self::nearest_words`] in `lang`: in Chinese `最近的 care_bed：CB1，340 m`, `第 2
    /// 近的 …`, `步行 2,000 m 内没有 hospice`, `图层中没有 hospice`.
    pub fn nearest_words_in(&self, lang: Lang) -> Option<String> {
        if lang == Lang::Zh {
            return self.nearest_words_zh();
        }
        let kind = self.nearest_kind.as_ref()?;
        let rank = self.nearest_rank.unwrap_or(1);
        let Some((label, m)) = self.nearest_label().zip(self.nearest_m) else {
            let which = match rank {
                1 => String::new(),
                k => format!("{} ", ordinal(k)),
            };
            return Some(match self.nearest_searched_m {
                Some(searched) => {
                    format!("no {which}{kind} within {} m on foot", thousands(searched))
                }
                None if rank == 1 => format!("no {kind} in the layer"),
                None => format!("fewer than {rank} {kind} in the layer"),
            });
        };
        let which = match rank {
            1 => "nearest".to_string(),
            k => format!("{} nearest", ordinal(k)),
        };
        Some(format!("{which} {kind} {label} at {} m", thousands(m)))
    }

    fn nearest_words_zh(&self) -> Option<String> {
        let kind = self.nearest_kind.as_ref()?;
        let rank = self.nearest_rank.unwrap_or(1);
        let which = match rank {
            1 => "最近的".to_string(),
            k => format!("第 {k} 近的"),
        };
        let Some((label, m)) = self.nearest_label().zip(self.nearest_m) else {
            let nth = if rank == 1 {
                String::new()
            } else {
                format!("第 {rank} 个")
            };
            return Some(match self.nearest_searched_m {
                Some(searched) => format!("步行 {} m 内没有{nth} {kind}", thousands(searched)),
                None if rank == 1 => format!("图层中没有 {kind}"),
                None => format!("图层中的 {kind} 少于 {rank} 个"),
            });
        };
        Some(format!("{which} {kind}：{label}，{} m", thousands(m)))
    }

    /// The nearest facility as people name it: `name (id)` when it has a name, else its id.
    pub fn nearest_label(&self) -> Option<String> {
        let id = self.nearest_facility_id.as_ref()?;
        Some(name_and_id(self.nearest_facility_name.as_deref(), id))
    }
}

/// The most block names a zone's [`places`] lists.
pub const PLACES_NAMED: usize = 3;

/// The names of a zone's `members`, each once, the blocks with the most elderly first (ties:
/// the first block): up to [`PLACES_NAMED`], then how many more (`建國里, 光復里, 文祥里 and
/// 4 more`); a name in `shared` (more than one block of the city has it) with the block's
/// id: `建國里 (6300100-011)`. `None` when none of them has a name.
pub fn places(blocks: &Blocks, shared: &HashSet<&str>, members: &[u32]) -> Option<String> {
    blocks.name_field.as_ref()?;
    let mut named: Vec<(f64, u32, &str)> = members
        .iter()
        .filter_map(|&b| Some((blocks.elderly[b as usize], b, blocks.name(b as usize)?)))
        .collect();
    named.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seen = HashSet::new();
    let names: Vec<String> = named
        .into_iter()
        .map(|(_, b, name)| match shared.contains(name) {
            true => format!("{name} ({})", blocks.ids[b as usize]),
            false => name.to_string(),
        })
        .filter(|name| seen.insert(name.clone()))
        .collect();
    let shown = names.len().min(PLACES_NAMED);
    let mut text = names.get(..shown)?.join(", ");
    if names.len() > shown {
        text.push_str(&format!(
            " and {} more",
            thousands((names.len() - shown) as f64)
        ));
    }
    (!text.is_empty()).then_some(text)
}

/// The requirements of `circle` a zone's `members` fail (kind, blocks failing), most failed
/// first (ties: policy order), and the most failed requirement's `min_count`-th nearest
/// facility to the members that fail it (ties: the lower facility index).
fn failing_and_nearest(
    (circle, cc): (&Circle, &CircleCoverage),
    dataset: &Dataset,
    members: &[u32],
    search_m: Option<f64>,
) -> (Vec<(String, usize)>, Option<ZoneNearest>) {
    let mut failing: Vec<(usize, usize)> = cc
        .requirements
        .iter()
        .enumerate()
        .map(|(i, rc)| {
            let met = &rc.decisive().met;
            (i, members.iter().filter(|&&b| !met[b as usize]).count())
        })
        .filter(|&(_, n)| n > 0)
        .collect();
    failing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let nearest = failing.first().and_then(|&(i, _)| {
        let requirement = &circle.requires[i];
        let distances = cc.requirements[i].decisive();
        let layer = dataset.layer(&requirement.kind)?;
        let k = requirement.min_count;
        let found = members
            .iter()
            .filter(|&&b| !distances.met[b as usize])
            .filter_map(|&b| distances.kth(b as usize, k))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        Some(ZoneNearest {
            kind: requirement.kind.clone(),
            rank: k,
            name: found.and_then(|(f, _)| layer.name(f as usize).map(str::to_string)),
            searched_m: search_m.filter(|_| found.is_none() && cc.requirements[i].facilities >= k),
            found: found.map(|(f, d)| (layer.ids[f as usize].clone(), d)),
        })
    });
    let failing = failing
        .into_iter()
        .map(|(i, n)| (circle.requires[i].kind.clone(), n))
        .collect();
    (failing, nearest)
}

/// The gap zones of every circle (see the module), ranked by uncovered elderly within their
/// circle (ties: first block), circles in policy order. `search_m`: how far walking
/// searches looked, when distances are walked (a zone whose facility was not found says so).
pub fn ranked_gap_zones(
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    coverage: &Coverage,
    search_m: Option<f64>,
) -> Vec<RankedZone> {
    let blocks = &dataset.blocks;
    let shared_names = blocks.shared_names();
    // Circles in parallel too: each begins with a serial clustering.
    let by_circle: Vec<Vec<RankedZone>> = policy
        .circles
        .par_iter()
        .zip(&coverage.circles)
        .map(|(circle, cc)| {
            let outside: Vec<u32> = (0..blocks.len() as u32)
                .filter(|&b| !cc.met[b as usize])
                .collect();
            let shape = ZoneShape {
                link_m: circle
                    .requires
                    .iter()
                    .map(|r| r.reach_m)
                    .fold(f64::INFINITY, f64::min),
                span_m: policy.zone_span_m,
                cell_m: ZONE_CELL_M,
                buffer_m: ZONE_BUFFER_M,
                fill_holes_m2: ZONE_FILL_HOLES_M2,
                simplify_m: ZONE_SIMPLIFY_M,
            };
            let clusters = gap_zones(
                &plane.block_centroids,
                &plane.block_outlines,
                &outside,
                &shape,
            );
            let mut circle_zones: Vec<(f64, u32, RankedZone)> = clusters
                .into_par_iter()
                .map(|cluster| {
                    let members = cluster.blocks;
                    let elderly: f64 = members.iter().map(|&b| blocks.elderly[b as usize]).sum();
                    let residents = blocks
                        .residents
                        .as_ref()
                        .map(|r| members.iter().map(|&b| r[b as usize]).sum());
                    let (failing, nearest) =
                        failing_and_nearest((circle, cc), dataset, &members, search_m);
                    let first = members[0];
                    let zone = RankedZone {
                        circle: circle.name.clone(),
                        rank: 0,
                        places: places(blocks, &shared_names, &members),
                        members,
                        elderly,
                        residents,
                        failing,
                        nearest,
                        outline: cluster.outline,
                    };
                    (elderly, first, zone)
                })
                .collect();
            circle_zones.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            circle_zones
                .into_iter()
                .enumerate()
                .map(|(rank, (_, _, zone))| RankedZone {
                    rank: rank + 1,
                    ..zone
                })
                .collect()
        })
        .collect();
    by_circle.into_iter().flatten().collect()
}

/// Per circle of `policy`, per block: the rank of the circle's gap zone holding the block,
/// `None` for a block in none (it is inside the circle).
pub fn zone_rank_by_block(
    policy: &Policy,
    zones: &[RankedZone],
    blocks: usize,
) -> Vec<Vec<Option<u32>>> {
    policy
        .circles
        .iter()
        .map(|circle| {
            let mut rank = vec![None; blocks];
            for zone in zones.iter().filter(|z| z.circle == circle.name) {
                for &b in &zone.members {
                    rank[b as usize] = Some(zone.rank as u32);
                }
            }
            rank
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(found: Option<(&str, f64)>, rank: usize, searched_m: Option<f64>) -> ZoneSummary {
        let nearest = ZoneNearest {
            kind: "hospice".into(),
            rank,
            found: found.map(|(id, m)| (id.to_string(), m)),
            name: None,
            searched_m,
        };
        RankedZone {
            circle: "extended".into(),
            rank: 1,
            members: vec![0],
            elderly: 10.0,
            residents: None,
            failing: vec![("hospice".into(), 1)],
            nearest: Some(nearest),
            places: None,
            outline: MultiPolygon::new(Vec::new()),
        }
        .summary()
    }

    /// Blocks `B0`, `B1`… named `names` (`None`: no name) with `elderly` people each.
    fn named_blocks(names: &[Option<&str>], elderly: &[f64]) -> Blocks {
        let values = names
            .iter()
            .map(|n| n.map_or(serde_json::Value::Null, |n| n.into()))
            .collect();
        Blocks {
            ids: (0..names.len()).map(|b| format!("B{b}")).collect(),
            elderly: elderly.to_vec(),
            kept: vec![crate::dataset::KeptColumn::new("名称".into(), values)],
            name_field: Some("名称".into()),
            ..Blocks::default()
        }
    }

    #[test]
    fn places_name_the_blocks_with_most_elderly_each_name_once() {
        let names = [
            Some("甲"),
            Some("乙"),
            Some("甲"),
            None,
            Some("丙"),
            Some("丁"),
        ];
        let blocks = named_blocks(&names, &[5.0, 9.0, 20.0, 99.0, 1.0, 1.0]);
        let shared = blocks.shared_names();
        assert_eq!(shared, HashSet::from(["甲"]));
        let places = |members: &[u32]| places(&blocks, &shared, members);
        // A name two blocks of the city share comes with each block's id.
        assert_eq!(
            places(&[0, 1, 2, 3, 4, 5]).unwrap(),
            "甲 (B2), 乙, 甲 (B0) and 2 more"
        );
        assert_eq!(places(&[1, 4, 5]).unwrap(), "乙, 丙, 丁");
        assert_eq!(places(&[3]), None);
        let unnamed = Blocks {
            name_field: None,
            ..named_blocks(&names, &[1.0; 6])
        };
        assert_eq!(super::places(&unnamed, &shared, &[0, 1]), None);
    }

    #[test]
    fn the_nearest_facility_is_worded_found_or_not() {
        let words = |z: ZoneSummary| z.nearest_words().unwrap();
        assert_eq!(
            words(zone(Some(("E1", 1240.04)), 1, None)),
            "nearest hospice E1 at 1,240 m"
        );
        assert_eq!(
            words(zone(Some(("E7", 1240.0)), 2, None)),
            "2nd nearest hospice E7 at 1,240 m"
        );
        let lost = zone(None, 1, Some(2000.0));
        assert_eq!(lost.nearest_searched_m, Some(2000.0));
        assert_eq!(lost.nearest_m, None);
        assert_eq!(words(lost), "no hospice within 2,000 m on foot");
        assert_eq!(
            words(zone(None, 2, Some(2000.0))),
            "no 2nd hospice within 2,000 m on foot"
        );
        assert_eq!(
            words(zone(None, 3, None)),
            "fewer than 3 hospice in the layer"
        );
        assert_eq!(words(zone(None, 1, None)), "no hospice in the layer");
        let named = ZoneSummary {
            nearest_facility_name: Some("Hope Hospice".into()),
            ..zone(Some(("E1", 1240.0)), 1, None)
        };
        assert_eq!(words(named), "nearest hospice Hope Hospice (E1) at 1,240 m");
    }
}
