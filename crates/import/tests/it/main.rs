//! Integration tests of egov-import, one binary grouped by topic.

mod corpus;
mod forms;
mod hostile;
mod limits;
mod paragraph_work;
mod planted;
mod robust;
mod roundtrip;
mod seed;
mod severity;
mod write;
