//! The page's sections: data, segments, comparison.

pub mod compare;
pub mod data;
pub mod segments;
