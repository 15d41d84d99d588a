-- The pool of professionals, the owners who ask for introductions, and
-- their introduction requests. Lists (skills, categories, reasons) are JSON
-- arrays of strings, in order.

CREATE TABLE talents (
    id               TEXT PRIMARY KEY CHECK (id <> ''),
    display_name     TEXT NOT NULL,
    headline         TEXT NOT NULL,
    skills           TEXT NOT NULL CHECK (json_type(skills) = 'array'),
    categories       TEXT NOT NULL CHECK (json_type(categories) = 'array'), -- the main category first
    years_experience INTEGER NOT NULL CHECK (years_experience >= 0),
    work_style       TEXT NOT NULL CHECK (work_style IN ('remote', 'hybrid', 'onsite')),
    region           TEXT NOT NULL,
    hours_per_month  INTEGER NOT NULL CHECK (hours_per_month >= 0),
    bio              TEXT NOT NULL
) STRICT;

-- The pool's version: one row, counting the imports, bumped in the import's
-- own transaction.
CREATE TABLE talents_version (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version   INTEGER NOT NULL
) STRICT;

INSERT INTO talents_version (singleton, version) VALUES (1, 0);

CREATE TABLE owners (
    user_id    TEXT PRIMARY KEY CHECK (user_id <> ''),
    company    TEXT NOT NULL,
    contact    TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE introductions (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT NOT NULL CHECK (user_id <> ''),
    talent_id  TEXT NOT NULL REFERENCES talents (id),
    problem    TEXT NOT NULL,
    category   TEXT NOT NULL,
    reasons    TEXT NOT NULL CHECK (json_type(reasons) = 'array'),
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    created_at TEXT NOT NULL
) STRICT;

-- One pending request per owner and professional; decided ones stay as
-- history, so an owner can ask again.
CREATE UNIQUE INDEX introductions_pending ON introductions (user_id, talent_id) WHERE status = 'pending';
CREATE INDEX introductions_created_at ON introductions (created_at, id);
CREATE INDEX introductions_talent_id ON introductions (talent_id);
