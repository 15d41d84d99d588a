-- Hand-offs: a LINE user talking to staff, who answer in a Slack thread.
-- At most one hand-off of a user is active (open or claimed): the partial
-- unique index enforces it. Messages both ways wait in handoff_messages
-- until their job delivers them, in order (seq); their texts are personal
-- data, erased with the user and by the retention purge.

CREATE TABLE handoffs (
    id              INTEGER PRIMARY KEY,
    user_id         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'closed')),
    claimed_by      TEXT NOT NULL DEFAULT '',
    ended_by        TEXT NOT NULL DEFAULT '',
    thread_channel  TEXT NOT NULL DEFAULT '',
    thread_ts       TEXT NOT NULL DEFAULT '',
    opened_at       TEXT NOT NULL,
    last_activity   TEXT NOT NULL,
    first_answer_at TEXT,
    closed_at       TEXT
) STRICT;

CREATE UNIQUE INDEX handoffs_one_active ON handoffs (user_id) WHERE state <> 'closed';
CREATE INDEX handoffs_thread ON handoffs (thread_channel, thread_ts);

CREATE TABLE handoff_messages (
    seq        INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
    to_user    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    event_id   TEXT UNIQUE,
    created_at TEXT NOT NULL,
    sent_at    TEXT
) STRICT;

CREATE INDEX handoff_messages_unsent ON handoff_messages (handoff_id, to_user, seq) WHERE sent_at IS NULL;
CREATE INDEX handoff_messages_created_at ON handoff_messages (created_at);
