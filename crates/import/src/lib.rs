//! egov-import
