-- What people ask: a seminar's fee and description, the staff's FAQ, and
-- the questions the bot could not answer (or requests to talk to staff),
-- kept for staff until the retention purge or the user's deletion.

ALTER TABLE seminars
    ADD COLUMN fee         text NOT NULL DEFAULT '',
    ADD COLUMN description text NOT NULL DEFAULT '';

CREATE TABLE faqs (
    id        text PRIMARY KEY CHECK (id <> ''),
    questions text[] NOT NULL,
    answer    text NOT NULL
);

CREATE TABLE questions (
    id       bigserial PRIMARY KEY,
    user_id  text NOT NULL,
    text     text NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('unanswered', 'staff')),
    asked_at timestamptz NOT NULL
);

CREATE INDEX questions_user_id ON questions (user_id);
CREATE INDEX questions_asked_at ON questions (asked_at);
