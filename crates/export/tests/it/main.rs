//! Integration tests of egov-export: every format rendered from a hand-built annex, pinned by snapshots
//! and read back where the format has a reader.

mod chart;
mod docx;
mod fixture;
mod layout;
mod pages;
mod pdf;
mod plain;
mod robustness;
mod safety;
mod template;
mod tools;
mod xlsx;
