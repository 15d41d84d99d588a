-- The owner's name, asked with the company since the intake asks for it.

ALTER TABLE owners ADD COLUMN name TEXT NOT NULL DEFAULT '';

-- What the programme's use teaches the matcher (store.Signal): problems in
-- the owner's words with the field and professional they were about. They
-- go with the user's data and with the retention purge.
CREATE TABLE signals (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('field', 'more', 'declined', 'booked')),
    problem    TEXT NOT NULL,
    category   TEXT NOT NULL,
    talent_id  TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX signals_user_id ON signals (user_id);
CREATE INDEX signals_created_at ON signals (created_at);
