//! The commands a planner runs, each read → analyse → write: [`report`] and [`site`].

pub mod report;
pub mod site;
