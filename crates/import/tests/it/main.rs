//! Integration tests of egov-import, one binary grouped by topic.

mod seed;
