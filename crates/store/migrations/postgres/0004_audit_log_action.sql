-- The log's entries of one kind of action, found without reading the whole log: the review queue asks
-- which submissions of a cycle were ever returned ('submission.return'), a handful among every value
-- saved. An index changes no row, so the hash chain is untouched.
CREATE INDEX audit_log_action ON audit_log (action);
