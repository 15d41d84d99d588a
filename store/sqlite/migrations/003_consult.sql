-- Staff decisions on introduction requests, consultation slots and their
-- bookings.

-- Who decided a request and when (NULL while pending), and where its Slack
-- alert was posted ('' until it was).
ALTER TABLE introductions ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE introductions ADD COLUMN decided_at TEXT CHECK ((status = 'pending') = (decided_at IS NULL));
ALTER TABLE introductions ADD COLUMN alert_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE introductions ADD COLUMN alert_ts TEXT NOT NULL DEFAULT '' CHECK ((alert_channel = '') = (alert_ts = ''));

-- The requests awaiting a decision, oldest first.
CREATE INDEX introductions_pending_created_at ON introductions (created_at, id) WHERE status = 'pending';

CREATE TABLE slots (
    id        TEXT PRIMARY KEY CHECK (id <> ''),
    starts_at TEXT NOT NULL,
    ends_at   TEXT NOT NULL CHECK (ends_at > starts_at),
    host      TEXT NOT NULL,
    mode      TEXT NOT NULL CHECK (mode IN ('venue', 'online'))
) STRICT;

CREATE INDEX slots_starts_at ON slots (starts_at, id);

CREATE TABLE bookings (
    id              INTEGER PRIMARY KEY,
    slot_id         TEXT NOT NULL REFERENCES slots (id),
    user_id         TEXT NOT NULL CHECK (user_id <> ''),
    introduction_id INTEGER REFERENCES introductions (id), -- NULL: booked from the menu
    status          TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at      TEXT NOT NULL,
    cancelled_at    TEXT,
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
) STRICT;

-- One active booking per slot; cancelled ones stay as history, so a freed
-- slot can be booked again.
CREATE UNIQUE INDEX bookings_active ON bookings (slot_id) WHERE status = 'booked';

CREATE INDEX bookings_slot_id ON bookings (slot_id, created_at, id);
CREATE INDEX bookings_user_id ON bookings (user_id);
CREATE INDEX bookings_introduction_id ON bookings (introduction_id) WHERE introduction_id IS NOT NULL;
