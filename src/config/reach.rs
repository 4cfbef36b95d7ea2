//! A requirement's reach as the policy wrote it: metres, or minutes on foot. Every
//! computation uses the reach in metres; the minutes are kept so that what people read says
//! what the policy says (`3 min (96 m)`, not `96 m`).

use crate::format::{metres, round_to};
use serde::Serialize;

/// A reach written in minutes: `within_min` minutes walking at `speed_m_per_min` after a
/// start delay of `delay_min` (turnout time), so reach = (within − delay) × speed metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Minutes {
    /// The time allowed, start delay included, in minutes.
    pub within_min: f64,
    /// The walking speed, in metres per minute.
    pub speed_m_per_min: f64,
    /// The time before walking starts, in minutes.
    pub delay_min: f64,
}

/// Walking minutes are written rounded to this many decimals (0.1 min).
const MINUTE_DECIMALS: i32 = 1;

impl Minutes {
    /// The reach in metres: (`within_min` − `delay_min`) × `speed_m_per_min`.
    pub fn reach_m(&self) -> f64 {
        (self.within_min - self.delay_min) * self.speed_m_per_min
    }

    /// The minutes to walk `walk_m` metres, start delay included, rounded to 0.1 min;
    /// infinite when `walk_m` is (nothing within the search).
    pub fn walk_min(&self, walk_m: f64) -> f64 {
        round_to(
            self.delay_min + walk_m / self.speed_m_per_min,
            MINUTE_DECIMALS,
        )
    }
}

/// How a requirement's reach was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// `within_m` metres.
    Metres(f64),
    /// `within_min` minutes on foot.
    Minutes(Minutes),
}

impl Reach {
    /// The reach of a requirement summarised as its metres and, when it was written in
    /// minutes, those minutes.
    pub fn new(reach_m: f64, minutes: Option<Minutes>) -> Reach {
        minutes.map_or(Reach::Metres(reach_m), Reach::Minutes)
    }

    /// The reach in metres, what every distance is compared with.
    pub fn reach_m(&self) -> f64 {
        match self {
            Reach::Metres(m) => *m,
            Reach::Minutes(minutes) => minutes.reach_m(),
        }
    }

    /// The minutes, when the reach was written in minutes.
    pub fn minutes(&self) -> Option<Minutes> {
        match self {
            Reach::Metres(_) => None,
            Reach::Minutes(minutes) => Some(*minutes),
        }
    }

    /// The reach in words, as every output shows it: `1,000 m`, or `3 min (96 m)` for a
    /// reach in minutes (a label puts `≤ ` before it: `≤ 1,000 m`, `≤ 3 min (96 m)`).
    ///
    /// ```
    /// use carecircle::config::reach::{Minutes, Reach};
    /// assert_eq!(Reach::Metres(1000.0).words(), "1,000 m");
    /// let team = Minutes { within_min: 3.0, speed_m_per_min: 48.0, delay_min: 1.0 };
    /// assert_eq!(Reach::Minutes(team).words(), "3 min (96 m)");
    /// ```
    pub fn words(&self) -> String {
        match self {
            Reach::Metres(m) => metres(*m),
            Reach::Minutes(minutes) => {
                format!("{} min ({})", minutes.within_min, metres(minutes.reach_m()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: Minutes = Minutes {
        within_min: 3.0,
        speed_m_per_min: 48.0,
        delay_min: 1.0,
    };

    #[test]
    fn metres_and_minutes_in_words() {
        assert_eq!(Reach::Metres(100.0).words(), "100 m");
        assert_eq!(format!("≤ {}", Reach::Metres(100.0).words()), "≤ 100 m");
        assert_eq!(Reach::Minutes(TEAM).words(), "3 min (96 m)");
        let fifteen = Minutes {
            within_min: 15.0,
            speed_m_per_min: 48.0,
            delay_min: 0.0,
        };
        assert_eq!(Reach::Minutes(fifteen).words(), "15 min (720 m)");
        let half = Minutes {
            within_min: 2.5,
            speed_m_per_min: 60.0,
            delay_min: 0.5,
        };
        assert_eq!(Reach::Minutes(half).words(), "2.5 min (120 m)");
    }

    #[test]
    fn reach_and_walking_minutes() {
        assert_eq!(Reach::Minutes(TEAM).reach_m(), 96.0);
        assert_eq!(Reach::new(96.0, Some(TEAM)), Reach::Minutes(TEAM));
        assert_eq!(Reach::new(100.0, None), Reach::Metres(100.0));
        assert_eq!(Reach::Metres(100.0).minutes(), None);
        // 1 min delay + 96 m at 48 m/min = 3 min: the reach itself.
        assert_eq!(TEAM.walk_min(96.0), 3.0);
        assert_eq!(TEAM.walk_min(0.0), 1.0);
        // 1 + 100 / 48 = 3.083… → 3.1.
        assert_eq!(TEAM.walk_min(100.0), 3.1);
        assert_eq!(TEAM.walk_min(f64::INFINITY), f64::INFINITY);
    }
}
