-- Announcements: what each user wants to hear about, and the messages
-- staff send to them in batches (LINE multicast, at most 500 users each).
-- A batch's members are fixed when the announcement is created, and a batch
-- is marked sent in the transaction that completes its job, so a crash
-- never sends anyone the same announcement twice.

CREATE TABLE announce_users (
    user_id    text PRIMARY KEY,
    asked_at   timestamptz,
    blocked_at timestamptz
);

CREATE TABLE announce_topics (
    user_id       text NOT NULL,
    topic         text NOT NULL CHECK (topic <> ''),
    subscribed_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, topic)
);

CREATE INDEX announce_topics_topic ON announce_topics (topic);

CREATE TABLE announcements (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    text         text NOT NULL,
    button_label text NOT NULL DEFAULT '',
    button_data  text NOT NULL DEFAULT '',
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    send_at      timestamptz NOT NULL,
    recipients   integer NOT NULL,
    batches      integer NOT NULL,
    -- the staff's Slack thread, where progress is posted; empty: none
    slack_channel text NOT NULL DEFAULT '',
    slack_ts      text NOT NULL DEFAULT '',
    -- who let it go out: its author, or a second staff member; empty: it
    -- waits for a second staff member's 「送信」, its batches unscheduled
    approved_by   text NOT NULL DEFAULT ''
);

CREATE TABLE announcement_batches (
    announcement_id bigint NOT NULL REFERENCES announcements (id),
    batch           integer NOT NULL,
    size            integer NOT NULL,
    scheduled_at    timestamptz NOT NULL,
    sent_at         timestamptz,
    PRIMARY KEY (announcement_id, batch)
);

CREATE INDEX announcement_batches_unsent ON announcement_batches (scheduled_at) WHERE sent_at IS NULL;

CREATE TABLE announcement_recipients (
    announcement_id bigint NOT NULL,
    batch           integer NOT NULL,
    user_id         text NOT NULL,
    PRIMARY KEY (announcement_id, user_id)
);

CREATE INDEX announcement_recipients_batch ON announcement_recipients (announcement_id, batch);
CREATE INDEX announcement_recipients_user ON announcement_recipients (user_id);

-- Follow-ups: the day after a seminar (thanks and a rating, or the next
-- dates to a no-show) and a week after a consultation (has the work
-- started?), each created once, with the user's answer.

CREATE TABLE attendance (
    registration_id bigint PRIMARY KEY,
    attended        boolean NOT NULL,
    marked_by       text NOT NULL,
    marked_at       timestamptz NOT NULL
);

CREATE TABLE followups (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('seminar', 'consultation')),
    ref             bigint NOT NULL,
    user_id         text NOT NULL,
    introduction_id bigint,
    title           text NOT NULL,
    attended        boolean NOT NULL,
    sent_at         timestamptz NOT NULL,
    answer          text NOT NULL DEFAULT '',
    answered_at     timestamptz,
    UNIQUE (kind, ref)
);

CREATE INDEX followups_user ON followups (user_id, sent_at);
