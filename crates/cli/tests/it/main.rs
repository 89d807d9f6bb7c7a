//! Integration tests of the `egov` binary and of the whole pipeline, one test binary for the crate.

mod audit;
mod cli;
mod durability;
mod excel_habits;
mod guide;
mod hostile;
mod hostile_edition;
mod hostile_form;
mod hostile_import;
mod hostile_minor;
mod hostile_output;
mod messages;
mod publication;
mod published;
mod reproduce;
mod robustness;
mod serve;
mod store;
