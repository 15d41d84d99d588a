-- Announcements: what each user wants to hear about, and the messages
-- staff send to them in batches (LINE multicast, at most 500 users each).
-- A batch's members are fixed when the announcement is created, and a batch
-- is marked sent in the transaction that completes its job, so a crash
-- never sends anyone the same announcement twice.

CREATE TABLE announce_users (
    user_id    TEXT PRIMARY KEY,
    asked_at   TEXT,
    blocked_at TEXT
) STRICT;

CREATE TABLE announce_topics (
    user_id       TEXT NOT NULL,
    topic         TEXT NOT NULL CHECK (topic <> ''),
    subscribed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
) STRICT;

CREATE INDEX announce_topics_topic ON announce_topics (topic);

CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL,
    text         TEXT NOT NULL,
    button_label TEXT NOT NULL DEFAULT '',
    button_data  TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    send_at      TEXT NOT NULL,
    recipients   INTEGER NOT NULL,
    batches      INTEGER NOT NULL,
    -- the staff's Slack thread, where progress is posted; empty: none
    slack_channel TEXT NOT NULL DEFAULT '',
    slack_ts      TEXT NOT NULL DEFAULT '',
    -- who let it go out: its author, or a second staff member; empty: it
    -- waits for a second staff member's 「送信」, its batches unscheduled
    approved_by   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE announcement_batches (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id),
    batch           INTEGER NOT NULL,
    size            INTEGER NOT NULL,
    scheduled_at    TEXT NOT NULL,
    sent_at         TEXT,
    PRIMARY KEY (announcement_id, batch)
) STRICT;

CREATE INDEX announcement_batches_unsent ON announcement_batches (scheduled_at) WHERE sent_at IS NULL;

CREATE TABLE announcement_recipients (
    announcement_id INTEGER NOT NULL,
    batch           INTEGER NOT NULL,
    user_id         TEXT NOT NULL,
    PRIMARY KEY (announcement_id, user_id)
) STRICT;

CREATE INDEX announcement_recipients_batch ON announcement_recipients (announcement_id, batch);
CREATE INDEX announcement_recipients_user ON announcement_recipients (user_id);

-- Follow-ups: the day after a seminar (thanks and a rating, or the next
-- dates to a no-show) and a week after a consultation (has the work
-- started?), each created once, with the user's answer.

CREATE TABLE attendance (
    registration_id INTEGER PRIMARY KEY,
    attended        INTEGER NOT NULL CHECK (attended IN (0, 1)),
    marked_by       TEXT NOT NULL,
    marked_at       TEXT NOT NULL
) STRICT;

CREATE TABLE followups (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('seminar', 'consultation')),
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

CREATE INDEX followups_user ON followups (user_id, sent_at);
