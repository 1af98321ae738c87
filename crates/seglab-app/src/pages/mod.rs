//! The page's sections: data, segments, comparison.

pub mod compare;
pub mod data;
pub mod impact;
pub mod models;
pub mod segments;
