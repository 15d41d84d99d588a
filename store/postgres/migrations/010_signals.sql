-- The owner's name, asked with the company since the intake asks for it.

ALTER TABLE owners ADD COLUMN name text NOT NULL DEFAULT '';

-- What the programme's use teaches the matcher (store.Signal): problems in
-- the owner's words with the field and professional they were about. They
-- go with the user's data and with the retention purge.
CREATE TABLE signals (
    id         bigserial PRIMARY KEY,
    user_id    text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('field', 'more', 'declined', 'booked')),
    problem    text NOT NULL,
    category   text NOT NULL,
    talent_id  text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX signals_user_id ON signals (user_id);
CREATE INDEX signals_created_at ON signals (created_at);
