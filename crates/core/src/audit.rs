//! Audit of published annex tables (being written; see issue 3).
