-- Staff decisions on introduction requests, consultation slots and their
-- bookings.

-- Who decided a request and when (NULL while pending), and where its Slack
-- alert was posted ('' until it was).
ALTER TABLE introductions
    ADD COLUMN decided_by    text NOT NULL DEFAULT '',
    ADD COLUMN decided_at    timestamptz,
    ADD COLUMN alert_channel text NOT NULL DEFAULT '',
    ADD COLUMN alert_ts      text NOT NULL DEFAULT '',
    ADD CONSTRAINT introductions_decided_check CHECK ((status = 'pending') = (decided_at IS NULL)),
    ADD CONSTRAINT introductions_alert_check CHECK ((alert_channel = '') = (alert_ts = ''));

-- The requests awaiting a decision, oldest first.
CREATE INDEX introductions_pending_idx ON introductions (created_at, id) WHERE status = 'pending';

CREATE TABLE slots (
    -- "C": ordered byte by byte, as SQLite and Go order strings.
    id        text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    starts_at timestamptz NOT NULL,
    ends_at   timestamptz NOT NULL CHECK (ends_at > starts_at),
    host      text NOT NULL,
    mode      text NOT NULL CHECK (mode IN ('venue', 'online'))
);

CREATE INDEX slots_starts_at_idx ON slots (starts_at, id);

CREATE TABLE bookings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slot_id         text COLLATE "C" NOT NULL REFERENCES slots (id),
    user_id         text NOT NULL CHECK (user_id <> ''),
    introduction_id bigint REFERENCES introductions (id), -- NULL: booked from the menu
    status          text NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at      timestamptz NOT NULL,
    cancelled_at    timestamptz,
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);

-- One active booking per slot, also under concurrency and across replicas;
-- cancelled ones stay as history, so a freed slot can be booked again.
CREATE UNIQUE INDEX bookings_active_key ON bookings (slot_id) WHERE status = 'booked';

CREATE INDEX bookings_slot_id_idx ON bookings (slot_id, created_at, id);
CREATE INDEX bookings_user_id_idx ON bookings (user_id);
CREATE INDEX bookings_introduction_id_idx ON bookings (introduction_id) WHERE introduction_id IS NOT NULL;
