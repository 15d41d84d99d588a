-- The three-month follow-up of an engagement that started (store.FollowEngagement):
-- its ref is the consultation follow-up answered 始まった. SQLite cannot
-- change a CHECK constraint, so the table is rebuilt (nothing references it),
-- and with AUTOINCREMENT: a follow-up's ID is in its queued job and in its
-- buttons, so the ID of one deleted with a user's data is never given to
-- another (Postgres's bigserial does not reuse them either).

CREATE TABLE followups_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (kind IN ('seminar', 'consultation', 'engagement')),
    ref             INTEGER NOT NULL,
    user_id         TEXT NOT NULL,
    introduction_id INTEGER,
    title           TEXT NOT NULL,
    attended        INTEGER NOT NULL CHECK (attended IN (0, 1)),
    sent_at         TEXT NOT NULL,
    answer          TEXT NOT NULL DEFAULT '',
    answered_at     TEXT,
    UNIQUE (kind, ref)
) STRICT;

INSERT INTO followups_new SELECT id, kind, ref, user_id, introduction_id, title, attended, sent_at, answer, answered_at FROM followups;
DROP TABLE followups;
ALTER TABLE followups_new RENAME TO followups;
CREATE INDEX followups_user ON followups (user_id, sent_at);
