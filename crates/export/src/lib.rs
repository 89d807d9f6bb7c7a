//! egov-export
