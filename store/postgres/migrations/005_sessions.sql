-- Sessions move from Redis into the database, so that a turn's effects, its
-- jobs and the user's next session commit in one transaction.

CREATE TABLE sessions (
    user_id    text PRIMARY KEY,
    data       bytea NOT NULL,
    expires_at timestamptz NOT NULL
);
