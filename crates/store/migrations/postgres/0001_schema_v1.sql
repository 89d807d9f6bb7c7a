-- Schema v1 of egov's database (PostgreSQL). The SQLite history (../sqlite) has the same tables and
-- columns; only the types differ (BIGINT and BIGSERIAL here: PostgreSQL's INTEGER is 32-bit, SQLite's
-- 64-bit). Times are milliseconds since 1970-01-01 UTC; calendar dates are 'YYYY-MM-DD' text; points are exact decimals as text (never REAL).

-- Đơn vị: the unit registry. A unit keeps its code for life; lineage (mergers) is a parent or a new code.
CREATE TABLE units (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    flags       TEXT NOT NULL DEFAULT '',
    parent_code TEXT REFERENCES units (code),
    active_from TEXT,
    active_to   TEXT,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    -- A PHC string (argon2id); hashing belongs to the web layer.
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE role_grants (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'unit_officer', 'unit_head', 'reviewer', 'council')),
    unit_code  TEXT REFERENCES units (code),
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL
);
CREATE INDEX role_grants_user ON role_grants (user_id);

-- Bộ chỉ số: an edition's TOML exactly as uploaded, and the SHA-256 of that text.
CREATE TABLE editions (
    id           TEXT PRIMARY KEY NOT NULL,
    toml         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);

CREATE TABLE holidays (
    date TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

-- Kỳ đánh giá: one year's evaluation under one edition.
CREATE TABLE cycles (
    id                   BIGSERIAL PRIMARY KEY,
    year                 BIGINT NOT NULL,
    edition_id           TEXT NOT NULL REFERENCES editions (id),
    state                TEXT NOT NULL CHECK (state IN ('open', 'review', 'explanation', 'council', 'closed', 'published')),
    deadline             TEXT NOT NULL,
    explanation_deadline TEXT,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           BIGINT NOT NULL
);

CREATE TABLE deadline_extensions (
    id         BIGSERIAL PRIMARY KEY,
    cycle_id   BIGINT NOT NULL REFERENCES cycles (id),
    unit_code  TEXT NOT NULL REFERENCES units (code),
    deadline   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL
);
CREATE INDEX deadline_extensions_unit ON deadline_extensions (cycle_id, unit_code);

-- One row per unit taking part in a cycle, created when the cycle opens.
CREATE TABLE submissions (
    id           BIGSERIAL PRIMARY KEY,
    cycle_id     BIGINT NOT NULL REFERENCES cycles (id),
    unit_code    TEXT NOT NULL REFERENCES units (code),
    status       TEXT NOT NULL CHECK (status IN ('not_started', 'draft', 'confirmed', 'submitted', 'returned', 'verified')),
    version      BIGINT NOT NULL DEFAULT 1,
    submitted_at BIGINT,
    submitted_by TEXT,
    UNIQUE (cycle_id, unit_code)
);

-- A unit's value of one input (the key is the edition's input or criterion code), as typed.
CREATE TABLE entries (
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    key           TEXT NOT NULL,
    value         TEXT NOT NULL,
    version       BIGINT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (submission_id, key)
);

-- Minh chứng: a stored file (named by content hash in the object store) or a document reference.
CREATE TABLE evidence (
    id            BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    key           TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('file', 'document')),
    content_hash  TEXT,
    file_name     TEXT,
    media_type    TEXT,
    size          BIGINT,
    doc_number    TEXT,
    doc_date      TEXT,
    doc_issuer    TEXT,
    doc_link      TEXT,
    added_by      TEXT NOT NULL,
    added_at      BIGINT NOT NULL,
    removed_at    BIGINT,
    CHECK ((kind = 'file' AND content_hash IS NOT NULL AND size IS NOT NULL) OR (kind = 'document' AND doc_number IS NOT NULL))
);
CREATE INDEX evidence_submission ON evidence (submission_id, key);

-- Thẩm định: a reviewer's decision on one criterion of one unit.
CREATE TABLE verifications (
    cycle_id    BIGINT NOT NULL REFERENCES cycles (id),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    criterion   TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'adjusted')),
    points      TEXT NOT NULL,
    reason      TEXT,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, unit_code, criterion),
    CHECK (decision = 'accepted' OR (reason IS NOT NULL AND reason <> ''))
);

-- Giải trình: a unit's answer to a verified point in the explanation round.
CREATE TABLE explanations (
    id        BIGSERIAL PRIMARY KEY,
    cycle_id  BIGINT NOT NULL REFERENCES cycles (id),
    unit_code TEXT NOT NULL REFERENCES units (code),
    criterion TEXT NOT NULL,
    text      TEXT NOT NULL,
    author    TEXT NOT NULL,
    at        BIGINT NOT NULL
);

-- Hội đồng: approve, or send back with a reason.
CREATE TABLE council_decisions (
    id       BIGSERIAL PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'sent_back')),
    reason   TEXT,
    author   TEXT NOT NULL,
    at       BIGINT NOT NULL
);

-- Công bố: an immutable snapshot; a correction is a new version with a reason.
CREATE TABLE publications (
    id              BIGSERIAL PRIMARY KEY,
    cycle_id        BIGINT NOT NULL REFERENCES cycles (id),
    version         BIGINT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date   TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    snapshot        TEXT NOT NULL,
    reason          TEXT,
    published_by    TEXT NOT NULL,
    published_at    BIGINT NOT NULL,
    UNIQUE (cycle_id, version)
);

-- Only a hash of the session token is kept: a copy of the database does not log anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Kept in the database so that throttling holds across several servers.
CREATE TABLE login_attempts (
    id      BIGSERIAL PRIMARY KEY,
    login   TEXT NOT NULL,
    at      BIGINT NOT NULL,
    success BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts (login, at);

CREATE TABLE notices (
    id        BIGSERIAL PRIMARY KEY,
    user_id   BIGINT REFERENCES users (id),
    unit_code TEXT REFERENCES units (code),
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL,
    at        BIGINT NOT NULL,
    read_at   BIGINT
);

-- Nhật ký: append-only and hash-chained (src/log.rs). seq counts from 1 without gaps; audit_head holds
-- the last entry, so that deleting the newest entries is found too.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    reason      TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
