package postgres

// All of the store's SQL, in one place. River keeps its own.

const (
	seminarColumns = `id, title, starts_at, ends_at, venue, online_url, capacity, booked`

	upsertSeminar = `
INSERT INTO seminars (id, title, starts_at, ends_at, venue, online_url, capacity)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
    venue = excluded.venue, online_url = excluded.online_url, capacity = excluded.capacity`

	selectSeminar = `SELECT ` + seminarColumns + ` FROM seminars WHERE id = $1`

	selectUpcomingSeminars = `
SELECT ` + seminarColumns + ` FROM seminars
WHERE starts_at > $1
ORDER BY starts_at, id
LIMIT $2`

	// reserveSeat is the capacity check: it updates nothing when the venue is
	// full, and the row lock it takes serialises the seminar's registrations.
	reserveSeat = `
UPDATE seminars SET booked = booked + 1
WHERE id = $1 AND booked < capacity
RETURNING ` + seminarColumns

	releaseSeat = `UPDATE seminars SET booked = booked - 1 WHERE id = $1`

	registrationColumns = `
    r.id, r.seminar_id, r.user_id, r.attendance, r.name, r.company, r.status, r.created_at, r.updated_at,
    s.id, s.title, s.starts_at, s.ends_at, s.venue, s.online_url, s.capacity, s.booked
FROM registrations r JOIN seminars s ON s.id = r.seminar_id`

	selectRegistration = `SELECT ` + registrationColumns + ` WHERE r.id = $1`

	selectActiveRegistration = `SELECT ` + registrationColumns + `
WHERE r.seminar_id = $1 AND r.user_id = $2 AND r.status <> 'cancelled'`

	selectUserRegistrations = `SELECT ` + registrationColumns + `
WHERE r.user_id = $1 AND r.status <> 'cancelled' AND s.ends_at > $2
ORDER BY s.starts_at, r.created_at, r.id`

	selectAllRegistrations = `SELECT ` + registrationColumns + `
ORDER BY s.starts_at, s.id, r.created_at, r.id`

	insertRegistration = `
INSERT INTO registrations (seminar_id, user_id, attendance, name, company, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
RETURNING id`

	// lockActiveRegistration locks the registration being cancelled, so a
	// concurrent second cancellation waits and then finds nothing.
	lockActiveRegistration = `
SELECT seminar_id, attendance, status FROM registrations
WHERE id = $1 AND user_id = $2 AND status <> 'cancelled'
FOR UPDATE`

	setRegistrationStatus = `UPDATE registrations SET status = $2, updated_at = $3 WHERE id = $1`

	// SKIP LOCKED: a waitlisted registration locked by someone else (being
	// cancelled, or promoted by a concurrent cancellation) is passed over.
	lockFirstWaitlisted = `
SELECT id FROM registrations
WHERE seminar_id = $1 AND status = 'waitlisted'
ORDER BY created_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED`

	// insertEvents inserts a batch in order (seq follows it) and returns the
	// events not seen before.
	insertEvents = `
INSERT INTO events (id, user_id, kind, text, reply_token, occurred_at, received_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
ON CONFLICT (id) DO NOTHING
RETURNING id, user_id`

	selectNextEvent = `
SELECT id, user_id, kind, text, reply_token, occurred_at, received_at FROM events
WHERE user_id = $1 AND handled_at IS NULL
ORDER BY occurred_at, seq
LIMIT 1`

	// markHandled keeps the first handled_at.
	markHandled = `UPDATE events SET handled_at = $2 WHERE id = $1 AND handled_at IS NULL`
)

// Talents, owners and introductions.
const (
	talentColumns = `id, display_name, headline, skills, categories, years_experience, work_style, region, hours_per_month, bio`

	// bumpTalentsVersion counts an import. It runs first in the import's
	// transaction: the row lock it takes makes concurrent imports take turns.
	bumpTalentsVersion   = `UPDATE talents_version SET version = version + 1`
	selectTalentsVersion = `SELECT version FROM talents_version`

	// An import is copied into talents_import, then upserted from it in one
	// statement. Rows that did not change are not rewritten.
	createTalentsImport = `CREATE TEMPORARY TABLE talents_import (LIKE talents) ON COMMIT DROP`
	upsertTalentsImport = `
INSERT INTO talents (` + talentColumns + `)
SELECT ` + talentColumns + ` FROM talents_import
ON CONFLICT (id) DO UPDATE SET
    display_name = excluded.display_name, headline = excluded.headline, skills = excluded.skills,
    categories = excluded.categories, years_experience = excluded.years_experience,
    work_style = excluded.work_style, region = excluded.region,
    hours_per_month = excluded.hours_per_month, bio = excluded.bio
WHERE (talents.display_name, talents.headline, talents.skills, talents.categories, talents.years_experience,
       talents.work_style, talents.region, talents.hours_per_month, talents.bio)
    IS DISTINCT FROM
      (excluded.display_name, excluded.headline, excluded.skills, excluded.categories, excluded.years_experience,
       excluded.work_style, excluded.region, excluded.hours_per_month, excluded.bio)`

	selectTalents = `SELECT ` + talentColumns + ` FROM talents ORDER BY id`

	selectOwner = `SELECT user_id, company, contact, updated_at FROM owners WHERE user_id = $1`
	upsertOwner = `
INSERT INTO owners (user_id, company, contact, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id) DO UPDATE SET
    company = excluded.company, contact = excluded.contact, updated_at = excluded.updated_at`

	introductionColumns = `id, user_id, talent_id, problem, category, reasons, status, created_at`

	// talentExists: talents are only ever added or updated, so a talent
	// that exists now still does when the request commits (and the foreign
	// key would refuse the request otherwise).
	talentExists = `SELECT EXISTS (SELECT 1 FROM talents WHERE id = $1)`

	// insertIntroduction inserts a pending request, or nothing when the
	// owner has one for the professional already (introductions_pending_key);
	// a concurrent request waits for the first to commit, then finds it.
	insertIntroduction = `
INSERT INTO introductions (user_id, talent_id, problem, category, reasons, status, created_at)
VALUES ($1, $2, $3, $4, $5, 'pending', $6)
ON CONFLICT (user_id, talent_id) WHERE status = 'pending' DO NOTHING
RETURNING ` + introductionColumns

	selectPendingIntroduction = `SELECT ` + introductionColumns + ` FROM introductions
WHERE user_id = $1 AND talent_id = $2 AND status = 'pending'`
)

// Staff decisions, consultation slots and bookings.
const (
	// introductionDetail is a request with its decision, its alert and its
	// owner, when known.
	introductionDetail = `
SELECT i.id, i.user_id, i.talent_id, i.problem, i.category, i.reasons, i.status, i.created_at,
    i.decided_by, i.decided_at, i.alert_channel, i.alert_ts,
    coalesce(o.user_id, ''), coalesce(o.company, ''), coalesce(o.contact, ''), o.updated_at
FROM introductions i LEFT JOIN owners o ON o.user_id = i.user_id`

	selectIntroduction = introductionDetail + ` WHERE i.id = $1`

	selectAllIntroductions = introductionDetail + ` ORDER BY i.created_at, i.id`

	selectPendingIntroductions = introductionDetail + `
WHERE i.status = 'pending'
ORDER BY i.created_at, i.id`

	// decideIntroduction is the first decision winning: a concurrent one
	// waits for the row lock, then finds the request no longer pending.
	decideIntroduction = `
UPDATE introductions SET status = $2, decided_by = $3, decided_at = $4
WHERE id = $1 AND status = 'pending'`

	setAlert = `UPDATE introductions SET alert_channel = $2, alert_ts = $3 WHERE id = $1`

	selectTalent = `SELECT ` + talentColumns + ` FROM talents WHERE id = $1`

	selectSeminarRegistrations = `SELECT ` + registrationColumns + `
WHERE r.seminar_id = $1
ORDER BY r.created_at, r.id`

	slotColumns = `id, starts_at, ends_at, host, mode`

	upsertSlot = `
INSERT INTO slots (id, starts_at, ends_at, host, mode) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET
    starts_at = excluded.starts_at, ends_at = excluded.ends_at, host = excluded.host, mode = excluded.mode`

	selectSlot = `SELECT ` + slotColumns + ` FROM slots WHERE id = $1`

	selectAvailableSlots = `
SELECT ` + slotColumns + ` FROM slots s
WHERE s.starts_at > $1
  AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = s.id AND b.status = 'booked')
ORDER BY s.starts_at, s.id
LIMIT $2`

	// insertBooking books a slot, or does nothing when it has an active
	// booking (bookings_active_key): a concurrent booking, on any replica,
	// waits for the first to commit, then finds the slot taken.
	insertBooking = `
INSERT INTO bookings (slot_id, user_id, introduction_id, status, created_at)
VALUES ($1, $2, $3, 'booked', $4)
ON CONFLICT (slot_id) WHERE status = 'booked' DO NOTHING
RETURNING id`

	// cancelBooking cancels the user's active booking; a concurrent second
	// cancellation waits for the row lock, then finds nothing to cancel.
	cancelBooking = `
UPDATE bookings SET status = 'cancelled', cancelled_at = $3
WHERE id = $1 AND user_id = $2 AND status = 'booked'`

	// bookingDetail is a booking with its slot and its owner, when known.
	bookingDetail = `
SELECT b.id, b.slot_id, b.user_id, coalesce(b.introduction_id, 0), b.status, b.created_at,
    s.id, s.starts_at, s.ends_at, s.host, s.mode,
    coalesce(o.user_id, ''), coalesce(o.company, ''), coalesce(o.contact, ''), o.updated_at
FROM bookings b
JOIN slots s ON s.id = b.slot_id
LEFT JOIN owners o ON o.user_id = b.user_id`

	selectBooking = bookingDetail + ` WHERE b.id = $1`

	selectUserBookings = bookingDetail + `
WHERE b.user_id = $1 AND b.status = 'booked' AND s.ends_at > $2
ORDER BY s.starts_at, s.id, b.id`

	selectUpcomingBookings = bookingDetail + `
WHERE b.status = 'booked' AND s.ends_at > $1
ORDER BY s.starts_at, s.id, b.id`

	selectAllBookings = bookingDetail + `
ORDER BY s.starts_at, s.id, b.created_at, b.id`
)

// Migrations.
const (
	// migrationLock is the advisory lock key under which replicas starting
	// at once migrate one after the other ("amami" in ASCII).
	migrationLock = 0x616d616d69

	lockMigrations   = `SELECT pg_advisory_lock($1)`
	unlockMigrations = `SELECT pg_advisory_unlock($1)`

	createSchemaMigrations = `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)`
	selectSchemaMigrations = `SELECT version FROM schema_migrations`
	insertSchemaMigration  = `INSERT INTO schema_migrations (version) VALUES ($1)`
)

// Privacy: consents, deleting a user's data, purging old data.
const (
	selectConsent = `SELECT consented_at FROM consents WHERE user_id = $1`

	// insertConsent keeps the first consent.
	insertConsent = `
INSERT INTO consents (user_id, consented_at) VALUES ($1, $2)
ON CONFLICT (user_id) DO NOTHING`

	deleteConsent = `DELETE FROM consents WHERE user_id = $1`
	deleteOwner   = `DELETE FROM owners WHERE user_id = $1`

	eraseUserRegistrations = `
UPDATE registrations SET name = '', company = ''
WHERE user_id = $1 AND (name <> '' OR company <> '')`

	// The statements below that change several requests or events lock them
	// in one order (by id, by seq) first, so that a user's deletion and a
	// purge running at once, on any replica, never deadlock.

	eraseUserIntroductions = `
UPDATE introductions SET problem = '', reasons = '{}'
WHERE id IN (
    SELECT id FROM introductions
    WHERE user_id = $1 AND (problem <> '' OR reasons <> '{}')
    ORDER BY id
    FOR UPDATE)`

	eraseUserEvents = `
UPDATE events SET text = '', reply_token = ''
WHERE seq IN (
    SELECT seq FROM events
    WHERE user_id = $1 AND (text <> '' OR reply_token <> '')
    ORDER BY seq
    FOR UPDATE)`

	purgeIntroductions = `
UPDATE introductions SET problem = '', reasons = '{}'
WHERE id IN (
    SELECT id FROM introductions
    WHERE created_at < $1 AND (problem <> '' OR reasons <> '{}')
    ORDER BY id
    FOR UPDATE)`

	// purgeEvents drops handled events only: an unhandled one still needs
	// its turn.
	purgeEvents = `
DELETE FROM events
WHERE seq IN (
    SELECT seq FROM events
    WHERE received_at < $1 AND handled_at IS NOT NULL
    ORDER BY seq
    FOR UPDATE)`
)
