-- A freed venue seat is offered to the first waitlisted attendee, who holds
-- it until offer_expires_at (NULL: no offer); the seat counts as booked
-- meanwhile. A lapsed or declined offer stays on the cancelled row.

ALTER TABLE registrations ADD COLUMN offer_expires_at timestamptz;

-- The dates of one seminar share a series (empty: the title): a
-- registration moves between them.
ALTER TABLE seminars ADD COLUMN series text NOT NULL DEFAULT '';
