-- A freed venue seat is offered to the first waitlisted attendee, who holds
-- it until offer_expires_at (NULL: no offer); the seat counts as booked
-- meanwhile. A lapsed or declined offer stays on the cancelled row.

ALTER TABLE registrations ADD COLUMN offer_expires_at timestamptz;
