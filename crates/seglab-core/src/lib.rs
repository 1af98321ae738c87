//! Seglab's engine: bytes in; typed columns, segments, selections and statistics out.
//!
//! Nothing here reads files, talks to a network or knows about the browser: the app, the worker and the
//! CLI hand it bytes and show what it returns.

pub mod bitset;
pub mod compare;
pub mod dataset;
pub mod event_counts;
mod hash;
pub mod impact;
pub mod ingest;
pub mod join;
pub mod models;
pub mod report;
pub mod segment;
pub mod share;
pub mod sorting;
pub mod stats;
pub mod table;
mod tagged;

pub use bitset::Bitset;
pub use dataset::{Dataset, EventLog, Linked};
pub use table::{Column, ColumnData, ColumnType, Dictionary, StringColumn, Table, Value};
