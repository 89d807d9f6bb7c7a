//! Integration tests of egov-import, one binary grouped by topic.

mod roundtrip;
mod seed;
mod write;
