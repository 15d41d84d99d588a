-- What people ask: a seminar's fee and description, the staff's FAQ, and
-- the questions the bot could not answer (or requests to talk to staff),
-- kept for staff until the retention purge or the user's deletion.

ALTER TABLE seminars ADD COLUMN fee TEXT NOT NULL DEFAULT '';
ALTER TABLE seminars ADD COLUMN description TEXT NOT NULL DEFAULT '';

CREATE TABLE faqs (
    id        TEXT PRIMARY KEY CHECK (id <> ''),
    questions TEXT NOT NULL CHECK (json_type(questions) = 'array'),
    answer    TEXT NOT NULL
) STRICT;

CREATE TABLE questions (
    id       INTEGER PRIMARY KEY,
    user_id  TEXT NOT NULL,
    text     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('unanswered', 'staff')),
    asked_at TEXT NOT NULL
) STRICT;

CREATE INDEX questions_user_id ON questions (user_id);
CREATE INDEX questions_asked_at ON questions (asked_at);
