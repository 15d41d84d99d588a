-- Seminars, their registrations, and the inbox of user events.
-- Every time is a timestamptz, written and read as UTC.

CREATE TABLE seminars (
    id         text PRIMARY KEY CHECK (id <> ''),
    title      text NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    venue      text NOT NULL,
    online_url text NOT NULL,
    capacity   integer NOT NULL CHECK (capacity >= 0),
    -- Venue seats taken. Only the conditional update in a registration
    -- (booked < capacity) raises it; there is no upper CHECK because an
    -- import may lower capacity below what is already booked.
    booked     integer NOT NULL DEFAULT 0 CHECK (booked >= 0)
);

CREATE INDEX seminars_starts_at_idx ON seminars (starts_at);

CREATE TABLE registrations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seminar_id text NOT NULL REFERENCES seminars (id),
    user_id    text NOT NULL,
    attendance text NOT NULL CHECK (attendance IN ('venue', 'online')),
    name       text NOT NULL,
    company    text NOT NULL,
    status     text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- One active registration per user and seminar, also under concurrency;
-- cancelled ones do not count, so a user can register again.
CREATE UNIQUE INDEX registrations_active_key ON registrations (seminar_id, user_id)
    WHERE status <> 'cancelled';

-- The waitlist in promotion order.
CREATE INDEX registrations_waitlist_idx ON registrations (seminar_id, created_at, id)
    WHERE status = 'waitlisted';

CREATE INDEX registrations_user_id_idx ON registrations (user_id);

CREATE TABLE events (
    id          text PRIMARY KEY, -- the platform's event ID: the dedupe key
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- arrival order
    user_id     text NOT NULL,
    kind        text NOT NULL,
    text        text NOT NULL,
    reply_token text NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    handled_at  timestamptz
);

CREATE INDEX events_unhandled_idx ON events (user_id, occurred_at, seq)
    WHERE handled_at IS NULL;
