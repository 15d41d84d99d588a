-- A turn's replies wait on their event until they are sent (store.Outbox),
-- instead of in a job inserted and cancelled with every turn.
ALTER TABLE events ADD COLUMN replies bytea;

CREATE INDEX events_held_idx ON events (seq) WHERE replies IS NOT NULL;
