//! Published rankings as people find them (#12): what `egov import` and `egov audit` do when no table is
//! found, the corpus of real rankings through the binary (with an edition, in JSON, in English), and any
//! rendered annex flattened into the forms people paste.

mod corpus;
mod flattened;
mod no_table;
