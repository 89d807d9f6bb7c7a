-- Công bố: the annex files of each published version (DOCX, PDF, XLSX, CSV, JSON), kept in the database
-- so that a backup holds them with the snapshot they were made from.
CREATE TABLE publication_files (
    publication_id BIGINT NOT NULL REFERENCES publications (id),
    name           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    bytes          BYTEA NOT NULL,
    PRIMARY KEY (publication_id, name)
);

-- A published version is immutable: the store has no function that changes or deletes one, and the
-- database refuses it too (a correction is a new version).
CREATE FUNCTION egov_published_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'egov: a published version (%) cannot be changed or deleted', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER publications_immutable BEFORE UPDATE OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION egov_published_is_immutable();
CREATE TRIGGER publication_files_immutable BEFORE UPDATE OR DELETE ON publication_files
    FOR EACH ROW EXECUTE FUNCTION egov_published_is_immutable();
