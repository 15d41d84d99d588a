-- Times are UTC text in one fixed-width layout (2006-01-02T15:04:05.000000Z),
-- so that comparing and ordering them as text is comparing them as times.

CREATE TABLE seminars (
    id         TEXT PRIMARY KEY CHECK (id <> ''),
    title      TEXT NOT NULL,
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    venue      TEXT NOT NULL,
    online_url TEXT NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity >= 0),
    -- Venue seats taken, changed only by conditional updates.
    booked     INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0)
) STRICT;

CREATE INDEX seminars_starts_at ON seminars (starts_at);

CREATE TABLE registrations (
    id         INTEGER PRIMARY KEY,
    seminar_id TEXT NOT NULL REFERENCES seminars (id),
    user_id    TEXT NOT NULL,
    attendance TEXT NOT NULL CHECK (attendance IN ('venue', 'online')),
    name       TEXT NOT NULL,
    company    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- One active registration per user and seminar; cancelled ones stay as history.
CREATE UNIQUE INDEX registrations_active ON registrations (seminar_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_user_id ON registrations (user_id);
CREATE INDEX registrations_waitlist ON registrations (seminar_id, created_at, id) WHERE status = 'waitlisted';

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY, -- arrival order
    id          TEXT NOT NULL UNIQUE, -- the platform's event ID: the dedupe key
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    reply_token TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at  TEXT
) STRICT;

CREATE INDEX events_unhandled ON events (user_id, occurred_at, seq) WHERE handled_at IS NULL;

CREATE TABLE sessions (
    user_id    TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
