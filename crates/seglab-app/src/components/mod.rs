//! Presentational components: they receive plain values and callbacks.

pub mod column_table;
pub mod definition_input;
pub mod drop_zone;
pub mod error_bars;
pub mod histogram;
pub mod join_summary;
pub mod notices;
pub mod progress;
pub mod segment_builder;
pub mod share_bar;
pub mod table;
pub mod upset;
