-- Hand-offs: a LINE user talking to staff, who answer in a Slack thread.
-- At most one hand-off of a user is active (open or claimed): the partial
-- unique index enforces it, across replicas. Messages both ways wait in
-- handoff_messages until their job delivers them, in order (seq); their
-- texts are personal data, erased with the user and by the retention purge.

CREATE TABLE handoffs (
    id              bigserial PRIMARY KEY,
    user_id         text NOT NULL,
    state           text NOT NULL CHECK (state IN ('open', 'claimed', 'closed')),
    claimed_by      text NOT NULL DEFAULT '',
    ended_by        text NOT NULL DEFAULT '',
    thread_channel  text NOT NULL DEFAULT '',
    thread_ts       text NOT NULL DEFAULT '',
    opened_at       timestamptz NOT NULL,
    last_activity   timestamptz NOT NULL,
    first_answer_at timestamptz,
    closed_at       timestamptz
);

CREATE UNIQUE INDEX handoffs_one_active ON handoffs (user_id) WHERE state <> 'closed';
CREATE INDEX handoffs_thread ON handoffs (thread_channel, thread_ts);

CREATE TABLE handoff_messages (
    seq        bigserial PRIMARY KEY,
    handoff_id bigint NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
    to_user    boolean NOT NULL,
    kind       text NOT NULL,
    text       text NOT NULL,
    author     text NOT NULL DEFAULT '',
    event_id   text UNIQUE, -- the event that brought it: a redelivery adds nothing
    created_at timestamptz NOT NULL,
    sent_at    timestamptz
);

CREATE INDEX handoff_messages_unsent ON handoff_messages (handoff_id, to_user, seq) WHERE sent_at IS NULL;
CREATE INDEX handoff_messages_created_at ON handoff_messages (created_at);
