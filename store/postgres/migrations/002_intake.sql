-- The pool of professionals, the owners who ask for introductions, and
-- their introduction requests.

CREATE TABLE talents (
    -- "C": ordered byte by byte, as SQLite and Go order strings.
    id               text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    display_name     text NOT NULL,
    headline         text NOT NULL,
    skills           text[] NOT NULL,
    categories       text[] NOT NULL, -- the main category first
    years_experience integer NOT NULL CHECK (years_experience >= 0),
    work_style       text NOT NULL CHECK (work_style IN ('remote', 'hybrid', 'onsite')),
    region           text NOT NULL,
    hours_per_month  integer NOT NULL CHECK (hours_per_month >= 0),
    bio              text NOT NULL
);

-- The pool's version: one row, counting the imports. An import bumps it in
-- its own transaction, so the version moves exactly when a pool committed;
-- the row lock also makes concurrent imports take turns.
CREATE TABLE talents_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint NOT NULL
);

INSERT INTO talents_version (version) VALUES (0);

CREATE TABLE owners (
    user_id    text PRIMARY KEY CHECK (user_id <> ''),
    company    text NOT NULL,
    contact    text NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE introductions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    text NOT NULL CHECK (user_id <> ''),
    talent_id  text COLLATE "C" NOT NULL REFERENCES talents (id),
    problem    text NOT NULL,
    category   text NOT NULL,
    reasons    text[] NOT NULL,
    status     text NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    created_at timestamptz NOT NULL
);

-- One pending request per owner and professional, also under concurrency;
-- decided ones stay as history, so an owner can ask again.
CREATE UNIQUE INDEX introductions_pending_key ON introductions (user_id, talent_id)
    WHERE status = 'pending';

CREATE INDEX introductions_created_at_idx ON introductions (created_at, id);
CREATE INDEX introductions_talent_id_idx ON introductions (talent_id);
