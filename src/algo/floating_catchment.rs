//! Spatial accessibility of care capacity: the two-step floating catchment area method.
//!
//! Given housing blocks with their elderly population `P_k`, facilities with their capacity
//! `S_j` (beds, day-care places, …) and the block–facility distances `d_kj` within reach,
//! [`two_step`] computes
//!
//! 1. per facility, the supply-to-demand ratio `R_j = S_j / Σ_k P_k w(d_kj)`: capacity per
//!    (distance-weighted) elderly person within its catchment;
//! 2. per block, the accessibility `A_i = Σ_j R_j w(d_ij)`: the ratios of the facilities
//!    within reach, weighted again by distance, i.e. capacity per elderly person as seen
//!    from the block.
//!
//! The weight `w` is set by [`Decay`]: 1 within the catchment for the classic 2SFCA (Luo &
//! Wang 2003), step weights by distance band for the enhanced 2SFCA (Luo & Qi 2009), or a
//! Gaussian curve (Dai 2010). Every weight is 0 beyond the catchment.
//!
//! The module is pure: the caller computes the distances (straight-line or walking) and
//! decides what to report. The pairs are sorted by block and facility first, so every sum is
//! taken in one fixed order (a facility's demand in block order, a block's score in facility
//! order): the result does not depend, bit for bit, on the order in which the pairs were
//! produced, e.g. by parallel searches.
//!
//! References:
//! - Luo, W. & Wang, F. (2003). Measures of spatial accessibility to health care in a GIS
//!   environment. *Environment and Planning B* 30(6), 865–884.
//! - Luo, W. & Qi, Y. (2009). An enhanced two-step floating catchment area (E2SFCA) method
//!   for measuring spatial accessibility to primary care physicians. *Health & Place* 15(4),
//!   1100–1107.
//! - Dai, D. (2010). Black residential segregation, disparities in spatial access to health
//!   care facilities, and late-stage breast cancer diagnosis in metropolitan Detroit.
//!   *Health & Place* 16(5), 1038–1052.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Why [`two_step`] or [`Decay::validate`] rejects its input; each message names the offending
/// index.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatchmentError {
    /// The catchment is not a positive number of metres.
    #[error("catchment must be a positive number of metres, not {0}")]
    Catchment(f64),
    /// A steps decay without bands.
    #[error("steps decay needs at least one band in bands_m")]
    NoBands,
    /// A steps decay with not one weight per band.
    #[error(
        "steps decay has {bands} bands in bands_m but {weights} weights: give one weight per band"
    )]
    WeightCount {
        /// Bands given.
        bands: usize,
        /// Weights given.
        weights: usize,
    },
    /// A band that is not a positive number of metres.
    #[error("steps decay: bands_m[{index}] = {band} must be a positive number of metres")]
    Band {
        /// Its index.
        index: usize,
        /// Its value.
        band: f64,
    },
    /// A band not above the one before it.
    #[error(
        "steps decay: bands_m must be strictly increasing, but bands_m[{index}] = {band} \
         follows {previous}"
    )]
    BandOrder {
        /// Its index.
        index: usize,
        /// Its value.
        band: f64,
        /// The band before it.
        previous: f64,
    },
    /// A weight outside [0, 1].
    #[error("steps decay: weights[{index}] = {weight} must be between 0 and 1")]
    Weight {
        /// Its index.
        index: usize,
        /// Its value.
        weight: f64,
    },
    /// A negative or non-finite population or capacity.
    #[error("{what} of {item} {index} is {amount}: it must be a finite number, not negative")]
    Amount {
        /// `population` or `capacity`.
        what: &'static str,
        /// `block` or `facility`.
        item: &'static str,
        /// Its index.
        index: usize,
        /// Its value.
        amount: f64,
    },
    /// A pair naming a block that does not exist.
    #[error("pair {pair} names block {block} but there are {count} blocks")]
    UnknownBlock {
        /// The pair's index.
        pair: usize,
        /// The block it names.
        block: u32,
        /// How many blocks there are.
        count: usize,
    },
    /// A pair naming a facility that does not exist.
    #[error("pair {pair} names facility {facility} but there are {count} facilities")]
    UnknownFacility {
        /// The pair's index.
        pair: usize,
        /// The facility it names.
        facility: u32,
        /// How many facilities there are.
        count: usize,
    },
    /// A negative or NaN distance.
    #[error(
        "pair {pair} (block {block}, facility {facility}) has distance {distance_m}: \
         it must not be negative or NaN"
    )]
    Distance {
        /// The pair's index.
        pair: usize,
        /// Its block.
        block: u32,
        /// Its facility.
        facility: u32,
        /// Its distance.
        distance_m: f64,
    },
    /// Facilities added to [`TwoStep`] out of turn.
    #[error(
        "facilities {start}..{end} added after facilities 0..{added}: ranges must follow \
         each other"
    )]
    Range {
        /// The range's start.
        start: u32,
        /// Its end.
        end: u32,
        /// The facilities added before it.
        added: u32,
    },
    /// A pair given to [`TwoStep::add`] for a facility outside the range added.
    #[error("a pair names facility {facility}, outside the facilities {start}..{end} added")]
    OutsideRange {
        /// The facility it names.
        facility: u32,
        /// The range's start.
        start: u32,
        /// Its end.
        end: u32,
    },
    /// A block–facility pair listed twice within the catchment.
    #[error("block {block} and facility {facility} are paired twice")]
    Twice {
        /// The block.
        block: u32,
        /// The facility.
        facility: u32,
    },
}

/// How demand and supply are weighted by distance within the catchment.
///
/// In a TOML policy:
///
/// ```toml
/// decay = { method = "binary" }
/// decay = { method = "steps", bands_m = [300, 600, 1000], weights = [1.0, 0.68, 0.22] }
/// decay = { method = "gaussian" }
/// ```
///
/// Unknown fields are rejected, and so are invalid parameters ([`Decay::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", try_from = "DecayFields")]
pub enum Decay {
    /// Classic 2SFCA (Luo & Wang 2003): weight 1 within the catchment.
    Binary,
    /// Enhanced 2SFCA (Luo & Qi 2009): one weight per distance band.
    ///
    /// A distance `d` falls in the first band with `d ≤ bands_m[r]` and gets `weights[r]`;
    /// a distance beyond the last band gets 0, as does one beyond the catchment. Luo & Qi
    /// use bands of 0–10, 10–20 and 20–30 minutes with weights 1, 0.68 and 0.22; for
    /// walking, e.g. `bands_m = [300, 600, 1000]` with the same weights.
    Steps {
        /// Upper bound of each band, in metres: positive and strictly increasing.
        bands_m: Vec<f64>,
        /// Weight of each band, in [0, 1]: as many as bands.
        weights: Vec<f64>,
    },
    /// Gaussian (Dai 2010), with `d0` the catchment:
    /// `w(d) = (exp(-½ (d/d0)²) − exp(-½)) / (1 − exp(-½))` for `d ≤ d0`, 0 beyond. It falls
    /// from 1 at the facility to 0 at the catchment's edge.
    Gaussian,
}

/// `Decay` as written, checked by `TryFrom`. Empty braces on the unit-like methods make
/// serde reject fields they do not take (such as `d0` for `gaussian`).
#[derive(Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
enum DecayFields {
    Binary {},
    Steps {
        bands_m: Vec<f64>,
        weights: Vec<f64>,
    },
    Gaussian {},
}

impl TryFrom<DecayFields> for Decay {
    type Error = CatchmentError;

    fn try_from(fields: DecayFields) -> Result<Self, CatchmentError> {
        let decay = match fields {
            DecayFields::Binary {} => Decay::Binary,
            DecayFields::Steps { bands_m, weights } => Decay::Steps { bands_m, weights },
            DecayFields::Gaussian {} => Decay::Gaussian,
        };
        decay.validate()?;
        Ok(decay)
    }
}

impl Decay {
    /// Checks the parameters: for [`Decay::Steps`], at least one band, bands finite, positive
    /// and strictly increasing, and one weight in [0, 1] per band.
    pub fn validate(&self) -> Result<(), CatchmentError> {
        let Decay::Steps { bands_m, weights } = self else {
            return Ok(());
        };
        if bands_m.is_empty() {
            return Err(CatchmentError::NoBands);
        }
        if weights.len() != bands_m.len() {
            return Err(CatchmentError::WeightCount {
                bands: bands_m.len(),
                weights: weights.len(),
            });
        }
        for (index, &band) in bands_m.iter().enumerate() {
            if !(band.is_finite() && band > 0.0) {
                return Err(CatchmentError::Band { index, band });
            }
            if index > 0 && band <= bands_m[index - 1] {
                return Err(CatchmentError::BandOrder {
                    index,
                    band,
                    previous: bands_m[index - 1],
                });
            }
        }
        match weights.iter().position(|w| !(0.0..=1.0).contains(w)) {
            Some(index) => Err(CatchmentError::Weight {
                index,
                weight: weights[index],
            }),
            None => Ok(()),
        }
    }

    /// The weight of a block–facility pair at `distance_m` for a catchment of `catchment_m`:
    /// 0 beyond the catchment. The parameters are taken as valid ([`Decay::validate`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use carecircle::algo::floating_catchment::Decay;
    ///
    /// let steps = Decay::Steps {
    ///     bands_m: vec![300.0, 600.0, 1000.0],
    ///     weights: vec![1.0, 0.68, 0.22],
    /// };
    /// assert_eq!(steps.weight(450.0, 1000.0), 0.68);
    /// assert_eq!(steps.weight(1200.0, 1500.0), 0.0); // beyond the last band
    /// assert_eq!(Decay::Binary.weight(1200.0, 1000.0), 0.0); // beyond the catchment
    ///
    /// // The Gaussian falls from 1 at the facility to 0 at the catchment's edge.
    /// assert_eq!(Decay::Gaussian.weight(0.0, 1000.0), 1.0);
    /// assert!((Decay::Gaussian.weight(500.0, 1000.0) - 0.701_366_573).abs() < 1e-9);
    /// assert_eq!(Decay::Gaussian.weight(1000.0, 1000.0), 0.0);
    /// ```
    pub fn weight(&self, distance_m: f64, catchment_m: f64) -> f64 {
        if distance_m.is_nan() || distance_m > catchment_m {
            return 0.0;
        }
        match self {
            Decay::Binary => 1.0,
            Decay::Steps { bands_m, weights } => bands_m
                .iter()
                .zip(weights)
                .find(|&(&band, _)| distance_m <= band)
                .map_or(0.0, |(_, &weight)| weight),
            Decay::Gaussian => {
                let edge = (-0.5f64).exp();
                let ratio = distance_m / catchment_m;
                ((-0.5 * ratio * ratio).exp() - edge) / (1.0 - edge)
            }
        }
    }
}

/// A block and a facility within reach of each other, as found by the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Index into the populations.
    pub block: u32,
    /// Index into the capacities.
    pub facility: u32,
    /// Distance, in metres (straight-line or walking): finite and not negative, or
    /// `f64::INFINITY` for "out of reach". Pairs beyond the catchment are ignored.
    pub distance_m: f64,
}

/// The result of [`two_step`].
///
/// For facility `j`, write `D_j = Σ_k P_k w(d_kj)` for the weighted demand within reach and
/// `S_j` for its capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Accessibility {
    /// Per facility, the weighted demand within reach `D_j` (e.g. elderly people).
    pub facility_demand: Vec<f64>,
    /// Per facility, the supply-to-demand ratio `R_j = S_j / D_j` (e.g. beds per elderly
    /// person); `None` when `D_j = 0` (no elderly within reach), in which case the facility
    /// adds nothing to any block.
    pub facility_ratio: Vec<Option<f64>>,
    /// Per facility, the load `D_j / S_j`: weighted elderly within reach per unit of
    /// capacity (`1 / R_j`). `Some(0.0)` when no elderly are within reach; `None` when the
    /// capacity is 0 (no finite load).
    pub facility_load: Vec<Option<f64>>,
    /// Per block, the accessibility `A_i = Σ_j R_j w(d_ij)` over facilities with a ratio:
    /// capacity per elderly person (e.g. beds per elderly person, see [`per_thousand`]);
    /// 0 for a block with no facility within reach.
    pub block_score: Vec<f64>,
}

/// The two-step floating catchment area method (Luo & Wang 2003), with the distance decay
/// of the enhanced (Luo & Qi 2009) or Gaussian (Dai 2010) variant.
///
/// `population[k]` is block `k`'s elderly population, `capacity[j]` facility `j`'s
/// capacity, `pairs` the block–facility distances (pairs not listed are out of reach).
/// Each weight is `decay.weight(distance, catchment_m)`; pairs beyond `catchment_m` weigh 0.
///
/// With the same weights in both steps, the capacity is conserved:
/// `Σ_i P_i A_i = Σ_j S_j` over the facilities with elderly within reach.
///
/// Errors: a catchment that is not a positive number, invalid decay parameters
/// ([`Decay::validate`]), a negative or non-finite population or capacity, a pair naming a
/// block or facility that does not exist, a negative or NaN distance, or a block–facility
/// pair listed twice within the catchment. Each message names the offending index.
///
/// # Examples
///
/// Two blocks of 100 and 300 elderly people share a facility of 20 beds within the 1 km
/// catchment; a second facility of 10 beds reaches only the first block:
///
/// ```
/// use carecircle::algo::floating_catchment::{two_step, Decay, Pair};
///
/// let pairs = [
///     Pair { block: 0, facility: 0, distance_m: 200.0 },
///     Pair { block: 1, facility: 0, distance_m: 800.0 },
///     Pair { block: 0, facility: 1, distance_m: 500.0 },
/// ];
/// let access = two_step(&[100.0, 300.0], &[20.0, 10.0], &pairs, 1000.0, &Decay::Binary)?;
/// // 20 beds for 400 elderly, and 10 beds for 100.
/// assert_eq!(access.facility_ratio, [Some(0.05), Some(0.1)]);
/// assert_eq!(access.facility_load, [Some(20.0), Some(10.0)]);
/// // The first block sees both facilities, the second only the first.
/// assert_eq!(access.block_score[1], 0.05);
/// assert!((access.block_score[0] - 0.15).abs() < 1e-12);
/// # Ok::<(), carecircle::algo::floating_catchment::CatchmentError>(())
/// ```
pub fn two_step(
    population: &[f64],
    capacity: &[f64],
    pairs: &[Pair],
    catchment_m: f64,
    decay: &Decay,
) -> Result<Accessibility, CatchmentError> {
    let mut streamed = TwoStep::new(population, capacity, catchment_m, decay)?;
    streamed.add(0..capacity.len() as u32, pairs)?;
    Ok(streamed.finish())
}

/// [`two_step`] taken over consecutive ranges of facilities, so that only one range's pairs
/// need be held at a time: [`TwoStep::add`] each range's pairs in facility order, then
/// [`TwoStep::finish`].
///
/// The result is bit for bit that of [`two_step`] over all the pairs at once, whatever the
/// ranges: a facility's demand and ratio depend only on its own pairs (step 1), and a
/// block's score sums the ratios of the facilities within reach in facility order (step 2),
/// which consecutive ascending ranges keep.
///
/// ```
/// use carecircle::algo::floating_catchment::{two_step, Decay, Pair, TwoStep};
///
/// let pair = |block, facility, distance_m| Pair { block, facility, distance_m };
/// let (population, capacity) = ([100.0, 300.0], [20.0, 10.0]);
/// let mut streamed = TwoStep::new(&population, &capacity, 1000.0, &Decay::Binary)?;
/// streamed.add(0..1, &[pair(0, 0, 200.0), pair(1, 0, 800.0)])?;
/// streamed.add(1..2, &[pair(0, 1, 500.0)])?;
/// let all = [pair(0, 0, 200.0), pair(1, 0, 800.0), pair(0, 1, 500.0)];
/// assert_eq!(streamed.finish(), two_step(&population, &capacity, &all, 1000.0, &Decay::Binary)?);
/// # Ok::<(), carecircle::algo::floating_catchment::CatchmentError>(())
/// ```
#[derive(Debug)]
pub struct TwoStep<'a> {
    population: &'a [f64],
    capacity: &'a [f64],
    catchment_m: f64,
    decay: &'a Decay,
    /// The facilities added so far: `0..added`.
    added: u32,
    facility_demand: Vec<f64>,
    facility_ratio: Vec<Option<f64>>,
    block_score: Vec<f64>,
}

impl<'a> TwoStep<'a> {
    /// Starts the method for `population` per block and `capacity` per facility (see
    /// [`two_step`]), with no facility added. Errors: a catchment that is not a positive
    /// number, invalid decay parameters, a negative or non-finite population or capacity.
    pub fn new(
        population: &'a [f64],
        capacity: &'a [f64],
        catchment_m: f64,
        decay: &'a Decay,
    ) -> Result<TwoStep<'a>, CatchmentError> {
        if !(catchment_m.is_finite() && catchment_m > 0.0) {
            return Err(CatchmentError::Catchment(catchment_m));
        }
        decay.validate()?;
        check_amounts("population", "block", population)?;
        check_amounts("capacity", "facility", capacity)?;
        Ok(TwoStep {
            population,
            capacity,
            catchment_m,
            decay,
            added: 0,
            facility_demand: vec![0.0; capacity.len()],
            facility_ratio: vec![None; capacity.len()],
            block_score: vec![0.0; population.len()],
        })
    }

    /// Adds the facilities `facilities`, the range after the last one added, with `pairs`:
    /// every pair of theirs within reach (in any order). Errors as [`two_step`], and a range
    /// that does not follow the last one or a pair naming a facility outside it.
    pub fn add(&mut self, facilities: Range<u32>, pairs: &[Pair]) -> Result<(), CatchmentError> {
        if facilities.start != self.added || facilities.end as usize > self.capacity.len() {
            return Err(CatchmentError::Range {
                start: facilities.start,
                end: facilities.end,
                added: self.added,
            });
        }
        let (population, capacity) = (self.population, self.capacity);
        let weighted = weighted_pairs(population.len(), capacity.len(), pairs, |d| {
            self.decay.weight(d, self.catchment_m)
        })?;
        if let Some(stray) = pairs.iter().find(|p| !facilities.contains(&p.facility)) {
            return Err(CatchmentError::OutsideRange {
                facility: stray.facility,
                start: facilities.start,
                end: facilities.end,
            });
        }
        // Step 1: weighted demand per facility, in block order.
        for &(block, facility, weight) in &weighted {
            self.facility_demand[facility as usize] += population[block as usize] * weight;
        }
        for f in facilities.clone() {
            let (demand, supply) = (self.facility_demand[f as usize], capacity[f as usize]);
            self.facility_ratio[f as usize] = (demand > 0.0).then(|| supply / demand);
        }
        // Step 2: ratios within reach per block, in facility order.
        for &(block, facility, weight) in &weighted {
            if let Some(ratio) = self.facility_ratio[facility as usize] {
                self.block_score[block as usize] += ratio * weight;
            }
        }
        self.added = facilities.end;
        Ok(())
    }

    /// The result, counting the facilities not added as having no pair within reach.
    pub fn finish(self) -> Accessibility {
        let facility_load = self
            .facility_demand
            .iter()
            .zip(self.capacity)
            .map(|(&d, &s)| load(d, s))
            .collect();
        Accessibility {
            facility_demand: self.facility_demand,
            facility_ratio: self.facility_ratio,
            facility_load,
            block_score: self.block_score,
        }
    }
}

/// `(block, facility, weight)` for every pair with a positive weight, sorted by block and
/// facility: one fixed order for both steps, so each facility's demand is summed in block
/// order (step 1) and each block's score in facility order (step 2), whatever the input
/// order. Checks each pair against the `blocks` and `facilities` there are.
fn weighted_pairs(
    blocks: usize,
    facilities: usize,
    pairs: &[Pair],
    weight: impl Fn(f64) -> f64,
) -> Result<Vec<(u32, u32, f64)>, CatchmentError> {
    let mut weighted = Vec::with_capacity(pairs.len());
    for (n, pair) in pairs.iter().enumerate() {
        check_pair(n, pair, blocks, facilities)?;
        let weight = weight(pair.distance_m);
        if weight > 0.0 {
            weighted.push((pair.block, pair.facility, weight));
        }
    }
    weighted.sort_unstable_by_key(|&(block, facility, _)| (block, facility));
    match weighted
        .windows(2)
        .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
    {
        Some(twice) => Err(CatchmentError::Twice {
            block: twice[0].0,
            facility: twice[0].1,
        }),
        None => Ok(weighted),
    }
}

/// Rejects pair `n` when it names a block or facility that does not exist, or has a negative
/// or NaN distance.
fn check_pair(
    n: usize,
    pair: &Pair,
    blocks: usize,
    facilities: usize,
) -> Result<(), CatchmentError> {
    if pair.block as usize >= blocks {
        return Err(CatchmentError::UnknownBlock {
            pair: n,
            block: pair.block,
            count: blocks,
        });
    }
    if pair.facility as usize >= facilities {
        return Err(CatchmentError::UnknownFacility {
            pair: n,
            facility: pair.facility,
            count: facilities,
        });
    }
    if pair.distance_m.is_nan() || pair.distance_m < 0.0 {
        return Err(CatchmentError::Distance {
            pair: n,
            block: pair.block,
            facility: pair.facility,
            distance_m: pair.distance_m,
        });
    }
    Ok(())
}

/// A facility's load `demand / capacity`: 0 without demand, `None` without capacity.
fn load(demand: f64, capacity: f64) -> Option<f64> {
    if demand == 0.0 {
        Some(0.0)
    } else {
        (capacity > 0.0).then(|| demand / capacity)
    }
}

/// Rejects negative, NaN and infinite amounts, naming the first offending index.
fn check_amounts(
    what: &'static str,
    item: &'static str,
    amounts: &[f64],
) -> Result<(), CatchmentError> {
    match amounts.iter().position(|&a| !(a.is_finite() && a >= 0.0)) {
        Some(index) => Err(CatchmentError::Amount {
            what,
            item,
            index,
            amount: amounts[index],
        }),
        None => Ok(()),
    }
}

/// Converts a per-person score (e.g. [`Accessibility::block_score`] in beds per elderly
/// person) to a score per 1,000 elderly people.
///
/// The usual yardstick for institutional care is beds per 1,000 elderly: the Chinese
/// standard for elderly-care facilities in urban planning, GB 50437, asks for at least 40
/// institutional beds per 1,000 elderly people city-wide. The threshold a report flags is a
/// policy value, not fixed here.
pub fn per_thousand(score: f64) -> f64 {
    score * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps() -> Decay {
        Decay::Steps {
            bands_m: vec![300.0, 600.0, 1000.0],
            weights: vec![1.0, 0.68, 0.22],
        }
    }

    fn pair(block: u32, facility: u32, distance_m: f64) -> Pair {
        Pair {
            block,
            facility,
            distance_m,
        }
    }

    fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
        assert!(
            (got - want).abs() <= tol,
            "{what}: got {got:.17}, want {want:.17}"
        );
    }

    // The hand-worked example. Catchment 1000 m.
    //
    //   blocks:      P = [100, 200, 300] elderly
    //   facilities:  S = [10, 20, 5] beds
    //   pairs:       b0–f0  200 m     b1–f0  500 m     b1–f1  800 m
    //                b2–f1  400 m     b2–f0 1200 m (beyond the catchment: weight 0)
    //                b0–f2 1500 m (beyond: f2 has no elderly within reach)
    fn hand_example(decay: &Decay) -> Accessibility {
        let pairs = [
            pair(0, 0, 200.0),
            pair(1, 0, 500.0),
            pair(1, 1, 800.0),
            pair(2, 1, 400.0),
            pair(2, 0, 1200.0),
            pair(0, 2, 1500.0),
        ];
        two_step(
            &[100.0, 200.0, 300.0],
            &[10.0, 20.0, 5.0],
            &pairs,
            1000.0,
            decay,
        )
        .unwrap()
    }

    /// Checks the parts that do not depend on the decay: f2 has no elderly within reach.
    fn assert_hand_f2(got: &Accessibility) {
        assert_eq!(got.facility_ratio[2], None);
        assert_eq!(got.facility_load[2], Some(0.0));
        assert_eq!(got.facility_ratio.len(), 3);
        assert_eq!(got.block_score.len(), 3);
    }

    #[test]
    fn hand_worked_binary() {
        // All four pairs within 1000 m weigh 1.
        //   D0 = 100 + 200 = 300      R0 = 10/300 = 1/30      load0 = 300/10 = 30
        //   D1 = 200 + 300 = 500      R1 = 20/500 = 1/25      load1 = 500/20 = 25
        //   D2 = 0                    R2 = None               load2 = 0
        //   A0 = R0        = 1/30                = 0.0333…
        //   A1 = R0 + R1   = 1/30 + 1/25 = 11/150 = 0.07333…
        //   A2 = R1        = 1/25                = 0.04
        //   check: 100/30 + 200·11/150 + 300/25 = 10/3 + 44/3 + 12 = 30 = 10 + 20
        let got = hand_example(&Decay::Binary);
        assert_hand_f2(&got);
        assert_close(got.facility_ratio[0].unwrap(), 1.0 / 30.0, 1e-12, "R0");
        assert_close(got.facility_ratio[1].unwrap(), 1.0 / 25.0, 1e-12, "R1");
        assert_close(got.facility_load[0].unwrap(), 30.0, 1e-12, "load0");
        assert_close(got.facility_load[1].unwrap(), 25.0, 1e-12, "load1");
        assert_close(got.block_score[0], 1.0 / 30.0, 1e-12, "A0");
        assert_close(got.block_score[1], 11.0 / 150.0, 1e-12, "A1");
        assert_close(got.block_score[2], 1.0 / 25.0, 1e-12, "A2");
        assert_close(per_thousand(got.block_score[1]), 220.0 / 3.0, 1e-9, "A1 ‰");
    }

    #[test]
    fn hand_worked_steps() {
        // Bands ≤300 → 1, ≤600 → 0.68, ≤1000 → 0.22:
        //   w(200) = 1, w(500) = 0.68, w(800) = 0.22, w(400) = 0.68
        //   D0 = 100·1 + 200·0.68    = 100 + 136 = 236   R0 = 10/236 = 5/118   load0 = 23.6
        //   D1 = 200·0.22 + 300·0.68 = 44 + 204  = 248   R1 = 20/248 = 5/62    load1 = 12.4
        //   A0 = 1·R0                   = 5/118                     = 0.0423728813559322
        //   A1 = 0.68·R0 + 0.22·R1      = 3.4/118 + 1.1/62
        //      = 0.0288135593220339 + 0.0177419354838710            = 0.0465554948059049
        //   A2 = 0.68·R1                = 3.4/62                    = 0.0548387096774194
        let got = hand_example(&steps());
        assert_hand_f2(&got);
        assert_close(got.facility_ratio[0].unwrap(), 5.0 / 118.0, 1e-12, "R0");
        assert_close(got.facility_ratio[1].unwrap(), 5.0 / 62.0, 1e-12, "R1");
        assert_close(got.facility_load[0].unwrap(), 23.6, 1e-12, "load0");
        assert_close(got.facility_load[1].unwrap(), 12.4, 1e-12, "load1");
        assert_close(got.block_score[0], 0.0423728813559322, 1e-12, "A0");
        assert_close(got.block_score[1], 0.0465554948059049, 1e-12, "A1");
        assert_close(got.block_score[2], 0.0548387096774194, 1e-12, "A2");
    }

    #[test]
    fn hand_worked_gaussian() {
        // d0 = 1000, e = exp(-½) = 0.6065306597126334, 1 − e = 0.3934693402873666:
        //   w(200) = (exp(-0.02) − e)/(1 − e) = (0.9801986733067553 − e)/(1 − e) = 0.9496750453827405
        //   w(500) = (exp(-0.125) − e)/(1 − e) = (0.8824969025845955 − e)/(1 − e) = 0.7013665732390044
        //   w(800) = (exp(-0.32) − e)/(1 − e) = (0.7261490370736908 − e)/(1 − e) = 0.3040093982257811
        //   w(400) = (exp(-0.08) − e)/(1 − e) = (0.9231163463866358 − e)/(1 − e) = 0.8046006492978258
        //   D0 = 100·0.94967504538 + 200·0.70136657324 = 94.9675045383 + 140.2733146478
        //      = 235.2408191860749    R0 = 10/D0 = 0.0425096292157103
        //   D1 = 200·0.30400939823 + 300·0.80460064930 = 60.8018796452 + 241.3801947893
        //      = 302.1820744345040    R1 = 20/D1 = 0.0661852627672489
        //   A0 = 0.94967504538·R0                 = 0.0403703340546332
        //   A1 = 0.70136657324·R0 + 0.30400939823·R1
        //      = 0.0298148329726834 + 0.0201209419052865 = 0.0499357748779699
        //   A2 = 0.80460064930·R1                 = 0.05325270539647565
        let got = hand_example(&Decay::Gaussian);
        assert_hand_f2(&got);
        assert_close(
            got.facility_ratio[0].unwrap(),
            0.0425096292157103,
            1e-12,
            "R0",
        );
        assert_close(
            got.facility_ratio[1].unwrap(),
            0.0661852627672489,
            1e-12,
            "R1",
        );
        assert_close(
            got.facility_load[0].unwrap(),
            23.52408191860749,
            1e-12,
            "load0",
        );
        assert_close(
            got.facility_load[1].unwrap(),
            15.1091037217252,
            1e-12,
            "load1",
        );
        assert_close(got.block_score[0], 0.0403703340546332, 1e-12, "A0");
        assert_close(got.block_score[1], 0.0499357748779699, 1e-12, "A1");
        assert_close(got.block_score[2], 0.05325270539647565, 1e-12, "A2");
    }

    #[test]
    fn weights_at_band_edges_and_catchment() {
        let d = steps();
        assert_eq!(d.weight(300.0, 1000.0), 1.0);
        assert_eq!(d.weight(300.5, 1000.0), 0.68);
        assert_eq!(d.weight(1000.0, 1000.0), 0.22);
        assert_eq!(d.weight(1000.5, 1000.0), 0.0);
        // Within the catchment but beyond the last band.
        assert_eq!(d.weight(900.0, 1200.0), 0.22);
        assert_eq!(d.weight(1100.0, 1200.0), 0.0);
        assert_eq!(Decay::Binary.weight(1000.0, 1000.0), 1.0);
        assert_eq!(Decay::Binary.weight(f64::INFINITY, 1000.0), 0.0);
        assert_eq!(Decay::Gaussian.weight(0.0, 1000.0), 1.0);
        assert_eq!(Decay::Gaussian.weight(1000.0, 1000.0), 0.0);
        assert_eq!(Decay::Gaussian.weight(1001.0, 1000.0), 0.0);
    }

    use crate::rng::SplitMix64;

    /// Random test data: 50 blocks, 10 facilities, a distance matrix (∞ = no pair) and the
    /// pairs in shuffled order. Some distances lie beyond the catchment of 1000 m, a few
    /// populations and one capacity are 0, and facility 9 has nothing within reach.
    struct City {
        population: Vec<f64>,
        capacity: Vec<f64>,
        distance: Vec<Vec<f64>>,
        pairs: Vec<Pair>,
    }

    const CATCHMENT: f64 = 1000.0;

    fn random_city(seed: u64) -> City {
        let mut rng = SplitMix64::new(seed);
        let (blocks, facilities) = (50, 10);
        let population = (0..blocks)
            .map(|_| {
                if rng.unit() < 0.1 {
                    0.0
                } else {
                    (rng.unit() * 800.0).round()
                }
            })
            .collect();
        let capacity = (0..facilities)
            .map(|j| {
                if j == 3 {
                    0.0
                } else {
                    5.0 + (rng.unit() * 95.0).round()
                }
            })
            .collect();
        let mut distance = vec![vec![f64::INFINITY; facilities]; blocks];
        let mut pairs = Vec::new();
        for (i, row) in distance.iter_mut().enumerate() {
            for (j, d) in row.iter_mut().enumerate() {
                // Facility 9 is listed only beyond the catchment.
                let (listed, far) = if j == 9 { (0.3, 1.0) } else { (0.6, 0.2) };
                if rng.unit() < listed {
                    *d = if rng.unit() < far {
                        CATCHMENT * (1.0 + rng.unit())
                    } else {
                        CATCHMENT * rng.unit()
                    };
                    pairs.push(pair(i as u32, j as u32, *d));
                }
            }
        }
        // Fisher–Yates, so that two_step cannot rely on the pairs' order.
        for n in (1..pairs.len()).rev() {
            let m = (rng.next_u64() % (n as u64 + 1)) as usize;
            pairs.swap(n, m);
        }
        City {
            population,
            capacity,
            distance,
            pairs,
        }
    }

    /// [`two_step`] over all of `city`'s pairs.
    fn on_city(city: &City, decay: &Decay) -> Accessibility {
        two_step(
            &city.population,
            &city.capacity,
            &city.pairs,
            CATCHMENT,
            decay,
        )
        .unwrap()
    }

    /// The weight written out independently of `Decay::weight`.
    fn brute_weight(decay: &Decay, d: f64) -> f64 {
        if d > CATCHMENT {
            return 0.0;
        }
        match decay {
            Decay::Binary => 1.0,
            Decay::Steps { .. } => {
                if d <= 300.0 {
                    1.0
                } else if d <= 600.0 {
                    0.68
                } else if d <= 1000.0 {
                    0.22
                } else {
                    0.0
                }
            }
            Decay::Gaussian => {
                let g = |x: f64| (-0.5 * (x / CATCHMENT).powi(2)).exp();
                (g(d) - g(CATCHMENT)) / (1.0 - g(CATCHMENT))
            }
        }
    }

    /// Straightforward 2SFCA over the full block × facility matrix.
    fn brute_force(city: &City, decay: &Decay) -> (Vec<Option<f64>>, Vec<f64>) {
        let (blocks, facilities) = (city.population.len(), city.capacity.len());
        let mut ratio = vec![None; facilities];
        for (j, r) in ratio.iter_mut().enumerate() {
            let mut demand = 0.0;
            for k in 0..blocks {
                demand += city.population[k] * brute_weight(decay, city.distance[k][j]);
            }
            if demand > 0.0 {
                *r = Some(city.capacity[j] / demand);
            }
        }
        let mut score = vec![0.0; blocks];
        for (i, a) in score.iter_mut().enumerate() {
            for (j, r) in ratio.iter().enumerate() {
                if let Some(r) = r {
                    *a += r * brute_weight(decay, city.distance[i][j]);
                }
            }
        }
        (ratio, score)
    }

    fn assert_rel(got: f64, want: f64, what: &str) {
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1e-300),
            "{what}: got {got}, want {want}"
        );
    }

    #[test]
    fn matches_brute_force_on_random_data() {
        for seed in [1, 2, 3] {
            let city = random_city(seed);
            for decay in [Decay::Binary, steps(), Decay::Gaussian] {
                let got = on_city(&city, &decay);
                let (ratio, score) = brute_force(&city, &decay);
                for (j, (got_r, want_r)) in got.facility_ratio.iter().zip(&ratio).enumerate() {
                    let what = format!("seed {seed}, {decay:?}, R{j}");
                    match (got_r, want_r) {
                        (Some(g), Some(w)) => assert_rel(*g, *w, &what),
                        _ => assert_eq!(got_r, want_r, "{what}"),
                    }
                    let load = got.facility_load[j];
                    match want_r {
                        None => assert_eq!(load, Some(0.0), "{what}: load"),
                        Some(_) if city.capacity[j] == 0.0 => assert_eq!(load, None, "{what}"),
                        Some(w) => assert_rel(load.unwrap(), 1.0 / w, &what),
                    }
                }
                for (i, (g, w)) in got.block_score.iter().zip(&score).enumerate() {
                    assert_rel(*g, *w, &format!("seed {seed}, {decay:?}, A{i}"));
                }
                // The data exercise what they should: a facility with nothing within
                // reach, one with no capacity, and blocks with and without access.
                assert_eq!(got.facility_ratio[9], None);
                assert_eq!(got.facility_ratio[3], Some(0.0));
                assert!(got.block_score.iter().filter(|&&a| a > 0.0).count() > 40);
            }
        }
    }

    #[test]
    fn capacity_is_conserved() {
        // Σ_i P_i A_i = Σ_i P_i Σ_j R_j w_ij = Σ_j R_j D_j = Σ_j S_j over j with D_j > 0.
        // Stated for binary 2SFCA; it holds for any decay used in both steps.
        for seed in [4, 5] {
            let city = random_city(seed);
            for decay in [Decay::Binary, steps(), Decay::Gaussian] {
                let got = on_city(&city, &decay);
                let served: f64 = city
                    .population
                    .iter()
                    .zip(&got.block_score)
                    .map(|(p, a)| p * a)
                    .sum();
                let supplied: f64 = city
                    .capacity
                    .iter()
                    .zip(&got.facility_ratio)
                    .filter(|(_, r)| r.is_some())
                    .map(|(s, _)| s)
                    .sum();
                let all: f64 = city.capacity.iter().sum();
                assert!(supplied < all, "facility 9's capacity is left out");
                assert_rel(served, supplied, &format!("seed {seed}, {decay:?}"));
            }
        }
    }

    #[test]
    fn pair_order_does_not_change_the_result() {
        let city = random_city(6);
        let mut reversed = city.pairs.clone();
        reversed.reverse();
        for decay in [Decay::Binary, steps(), Decay::Gaussian] {
            let a = two_step(
                &city.population,
                &city.capacity,
                &city.pairs,
                CATCHMENT,
                &decay,
            );
            let b = two_step(
                &city.population,
                &city.capacity,
                &reversed,
                CATCHMENT,
                &decay,
            );
            // Bit for bit: the sums are taken in one order whatever the input order.
            assert_eq!(a, b);
        }
    }

    #[test]
    fn taken_in_ranges_of_facilities_equals_all_at_once() {
        let city = random_city(7);
        for decay in [Decay::Binary, steps(), Decay::Gaussian] {
            let all = on_city(&city, &decay);
            // Ranges of one, several and no facility; facility 9 is never added (it has no
            // pair within reach either way).
            let mut streamed =
                TwoStep::new(&city.population, &city.capacity, CATCHMENT, &decay).unwrap();
            for range in [0..1, 1..4, 4..4, 4..9] {
                let pairs: Vec<Pair> = city
                    .pairs
                    .iter()
                    .filter(|p| range.contains(&p.facility))
                    .copied()
                    .collect();
                streamed.add(range, &pairs).unwrap();
            }
            // Bit for bit.
            assert_eq!(streamed.finish(), all, "{decay:?}");
        }
    }

    #[test]
    fn ranges_out_of_turn_are_errors() {
        let (p, s) = ([100.0, 50.0], [10.0, 20.0]);
        let mut streamed = TwoStep::new(&p, &s, 500.0, &Decay::Binary).unwrap();
        let message = streamed.add(1..2, &[]).unwrap_err().to_string();
        assert!(message.contains("facilities 1..2 added after facilities 0..0"));
        let message = streamed.add(0..3, &[]).unwrap_err().to_string();
        assert!(message.contains("facilities 0..3"), "{message}");
        let message = streamed
            .add(0..1, &[pair(0, 0, 5.0), pair(1, 1, 5.0)])
            .unwrap_err()
            .to_string();
        assert!(message.contains("names facility 1, outside the facilities 0..1"));
        streamed.add(0..1, &[pair(0, 0, 5.0)]).unwrap();
        let message = streamed.add(0..1, &[]).unwrap_err().to_string();
        assert!(message.contains("added after facilities 0..1"), "{message}");
    }

    #[test]
    fn zero_capacity_and_empty_inputs() {
        let got = two_step(&[100.0], &[0.0], &[pair(0, 0, 10.0)], 500.0, &Decay::Binary).unwrap();
        assert_eq!(got.facility_ratio, [Some(0.0)]);
        assert_eq!(got.facility_load, [None]);
        assert_eq!(got.block_score, [0.0]);

        let got = two_step(&[0.0], &[10.0], &[pair(0, 0, 10.0)], 500.0, &Decay::Binary).unwrap();
        assert_eq!(got.facility_ratio, [None]);
        assert_eq!(got.facility_load, [Some(0.0)]);
        assert_eq!(got.block_score, [0.0]);

        let got = two_step(&[], &[], &[], 500.0, &Decay::Gaussian).unwrap();
        assert!(got.facility_ratio.is_empty() && got.block_score.is_empty());
    }

    fn error(
        population: &[f64],
        capacity: &[f64],
        pairs: &[Pair],
        catchment_m: f64,
        decay: &Decay,
    ) -> String {
        two_step(population, capacity, pairs, catchment_m, decay)
            .unwrap_err()
            .to_string()
    }

    fn steps_with(bands_m: &[f64], weights: &[f64]) -> Decay {
        Decay::Steps {
            bands_m: bands_m.to_vec(),
            weights: weights.to_vec(),
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        let (p, s, pairs) = ([100.0, 50.0], [10.0], [pair(0, 0, 100.0)]);
        let b = Decay::Binary;
        let cases: Vec<(String, &str)> = vec![
            (
                error(&p, &s, &pairs, 0.0, &b),
                "catchment must be a positive",
            ),
            (error(&p, &s, &pairs, -5.0, &b), "not -5"),
            (error(&p, &s, &pairs, f64::NAN, &b), "not NaN"),
            (error(&p, &s, &pairs, f64::INFINITY, &b), "not inf"),
            (
                error(&p, &s, &pairs, 1000.0, &steps_with(&[], &[])),
                "at least one band",
            ),
            (
                error(&p, &s, &pairs, 1000.0, &steps_with(&[300.0, 600.0], &[1.0])),
                "2 bands in bands_m but 1 weights",
            ),
            (
                error(
                    &p,
                    &s,
                    &pairs,
                    1000.0,
                    &steps_with(&[0.0, 600.0], &[1.0, 0.5]),
                ),
                "bands_m[0] = 0 must be a positive",
            ),
            (
                error(
                    &p,
                    &s,
                    &pairs,
                    1000.0,
                    &steps_with(&[300.0, f64::NAN], &[1.0, 0.5]),
                ),
                "bands_m[1] = NaN",
            ),
            (
                error(
                    &p,
                    &s,
                    &pairs,
                    1000.0,
                    &steps_with(&[600.0, 300.0], &[1.0, 0.5]),
                ),
                "strictly increasing, but bands_m[1] = 300 follows 600",
            ),
            (
                error(
                    &p,
                    &s,
                    &pairs,
                    1000.0,
                    &steps_with(&[300.0, 300.0], &[1.0, 0.5]),
                ),
                "strictly increasing",
            ),
            (
                error(
                    &p,
                    &s,
                    &pairs,
                    1000.0,
                    &steps_with(&[300.0, 600.0], &[1.0, 1.5]),
                ),
                "weights[1] = 1.5 must be between 0 and 1",
            ),
            (
                error(&p, &s, &pairs, 1000.0, &steps_with(&[300.0], &[-0.1])),
                "weights[0] = -0.1",
            ),
            (
                error(&p, &s, &pairs, 1000.0, &steps_with(&[300.0], &[f64::NAN])),
                "weights[0] = NaN",
            ),
            (
                error(&[100.0, -1.0], &s, &pairs, 1000.0, &b),
                "population of block 1 is -1",
            ),
            (
                error(&[f64::NAN], &s, &pairs, 1000.0, &b),
                "population of block 0 is NaN",
            ),
            (
                error(&p, &[f64::INFINITY], &pairs, 1000.0, &b),
                "capacity of facility 0 is inf",
            ),
            (
                error(&p, &[-3.0], &pairs, 1000.0, &b),
                "capacity of facility 0 is -3",
            ),
            (
                error(&p, &s, &[pair(0, 0, 1.0), pair(2, 0, 1.0)], 1000.0, &b),
                "pair 1 names block 2 but there are 2 blocks",
            ),
            (
                error(&p, &s, &[pair(0, 1, 1.0)], 1000.0, &b),
                "pair 0 names facility 1 but there are 1 facilities",
            ),
            (
                error(&p, &s, &[pair(1, 0, -2.0)], 1000.0, &b),
                "pair 0 (block 1, facility 0) has distance -2",
            ),
            (
                error(&p, &s, &[pair(1, 0, f64::NAN)], 1000.0, &b),
                "has distance NaN",
            ),
            (
                error(
                    &p,
                    &s,
                    &[pair(1, 0, 5.0), pair(0, 0, 9.0), pair(1, 0, 7.0)],
                    1000.0,
                    &b,
                ),
                "block 1 and facility 0 are paired twice",
            ),
        ];
        for (message, want) in cases {
            assert!(
                message.contains(want),
                "{message:?} should contain {want:?}"
            );
        }
    }

    #[derive(Deserialize)]
    struct Policy {
        decay: Decay,
    }

    fn parse(text: &str) -> Result<Decay, toml::de::Error> {
        toml::from_str::<Policy>(text).map(|p| p.decay)
    }

    #[test]
    fn decay_from_toml() {
        assert_eq!(
            parse(r#"decay = { method = "steps", bands_m = [300, 600, 1000], weights = [1.0, 0.68, 0.22] }"#)
                .unwrap(),
            steps()
        );
        assert_eq!(
            parse(r#"decay = { method = "gaussian" }"#).unwrap(),
            Decay::Gaussian
        );
        assert_eq!(
            parse(r#"decay = { method = "binary" }"#).unwrap(),
            Decay::Binary
        );
        assert_eq!(
            parse("[decay]\nmethod = \"steps\"\nbands_m = [500.5]\nweights = [1]\n").unwrap(),
            steps_with(&[500.5], &[1.0])
        );
        // Serializes back to the same form.
        let text = toml::to_string(&steps()).unwrap();
        assert_eq!(toml::from_str::<Decay>(&text).unwrap(), steps());

        for (bad, want) in [
            (r#"decay = { method = "cubic" }"#, "unknown variant `cubic`"),
            (r#"decay = { bands_m = [300] }"#, "missing field `method`"),
            (
                r#"decay = { method = "steps", bands_m = [300] }"#,
                "missing field `weights`",
            ),
            (
                r#"decay = { method = "steps", bands_m = [300], weights = [1], weight = [1] }"#,
                "unknown field `weight`",
            ),
            (
                r#"decay = { method = "gaussian", d0 = 500 }"#,
                "unknown field `d0`",
            ),
            (
                r#"decay = { method = "binary", bands_m = [300] }"#,
                "unknown field `bands_m`",
            ),
            (
                r#"decay = { method = "steps", bands_m = [600, 300], weights = [1, 0.5] }"#,
                "bands_m must be strictly increasing",
            ),
        ] {
            let message = parse(bad).unwrap_err().to_string();
            assert!(message.contains(want), "{bad}: {message}");
        }
    }
}
