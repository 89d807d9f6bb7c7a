//! egov-core: the engine of egov, with no IO, no async, no database and no HTTP.
//!
//! # Layout
//! - [`num`]: exact decimals, parsing `27,0` / `27.0`, rounding modes, decimal-comma formatting.
//! - [`text`]: NFC at the boundary, blank cells, Vietnamese collation.
//! - [`table`]: the published-table model shared by the annex builder, importers, audit and exporters.
//! - [`edition`]: criteria editions as data (TOML), validated with every problem located in the file.
//! - [`dataset`]: units and their values (CSV/JSON text), validated against an edition.
//! - [`engine`]: scoring with not-applicable policies and cohort rules, explanation traces.
//! - [`rank`]: dense and competition ranking.
//! - [`annex`]: the annex tables of an edition built from scores.
//! - [`spreadsheet`]: the spreadsheet-safe rule of every CSV egov writes, and its inverse.
//!
//! Everything parses from `&str`; callers do the reading and writing.

#![forbid(unsafe_code)]

pub mod annex;
pub mod audit;
pub mod calendar;
pub mod dataset;
pub mod edition;
pub mod engine;
pub mod fixed;
pub mod lang;
pub mod names;
pub mod num;
pub mod rank;
pub mod robustness;
pub mod spreadsheet;
pub mod table;
pub mod text;

pub use lang::Lang;
