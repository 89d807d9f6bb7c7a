-- Công bố: the annex files of each published version (DOCX, PDF, XLSX, CSV, JSON), kept in the database
-- so that a backup holds them with the snapshot they were made from.
CREATE TABLE publication_files (
    publication_id INTEGER NOT NULL REFERENCES publications (id),
    name           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    bytes          BLOB NOT NULL,
    PRIMARY KEY (publication_id, name)
);

-- A published version is immutable: the store has no function that changes or deletes one, and the
-- database refuses it too (a correction is a new version).
CREATE TRIGGER publications_immutable_update BEFORE UPDATE ON publications
BEGIN SELECT RAISE(ABORT, 'egov: a published version cannot be changed'); END;
CREATE TRIGGER publications_immutable_delete BEFORE DELETE ON publications
BEGIN SELECT RAISE(ABORT, 'egov: a published version cannot be deleted'); END;
CREATE TRIGGER publication_files_immutable_update BEFORE UPDATE ON publication_files
BEGIN SELECT RAISE(ABORT, 'egov: a published file cannot be changed'); END;
CREATE TRIGGER publication_files_immutable_delete BEFORE DELETE ON publication_files
BEGIN SELECT RAISE(ABORT, 'egov: a published file cannot be deleted'); END;
