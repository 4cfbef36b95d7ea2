//! The commands a planner runs, each read → analyse → write: [`report`], [`site`] and
//! [`check`] (the report's validation alone), sharing [`load`].

pub mod check;
pub mod compare;
pub mod load;
pub mod report;
pub mod site;
