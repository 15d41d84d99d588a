-- The three-month follow-up of an engagement that started (store.FollowEngagement):
-- its ref is the consultation follow-up answered 始まった.

ALTER TABLE followups DROP CONSTRAINT followups_kind_check;
ALTER TABLE followups ADD CONSTRAINT followups_kind_check CHECK (kind IN ('seminar', 'consultation', 'engagement'));
