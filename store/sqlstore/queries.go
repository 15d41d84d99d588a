package sqlstore

// All of the store's SQL, in one place, for both backends. River keeps its
// own; the schemas are in each backend's migrations.

const (
	seminarColumns = `s.id, s.title, s.starts_at, s.ends_at, s.venue, s.online_url, s.capacity, s.booked, s.fee, s.description, s.series`

	upsertSeminar = `
INSERT INTO seminars (id, title, starts_at, ends_at, venue, online_url, capacity, fee, description, series)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
    venue = excluded.venue, online_url = excluded.online_url, capacity = excluded.capacity,
    fee = excluded.fee, description = excluded.description, series = excluded.series`

	selectSeminar = `SELECT ` + seminarColumns + ` FROM seminars s WHERE s.id = $1`

	selectUpcomingSeminars = `
SELECT ` + seminarColumns + ` FROM seminars s
WHERE s.starts_at > $1
ORDER BY s.starts_at, s.id
LIMIT $2`

	// takeSeat is the capacity check: it changes nothing when the venue is
	// full, and the row lock it takes serialises the seminar's registrations.
	takeSeat    = `UPDATE seminars SET booked = booked + 1 WHERE id = $1 AND booked < capacity`
	releaseSeat = `UPDATE seminars SET booked = booked - 1 WHERE id = $1 AND booked > 0`

	registrationSelect = `
SELECT r.id, r.seminar_id, r.user_id, r.attendance, r.name, r.company, r.status, r.created_at, r.updated_at,
    r.offer_expires_at, ` + seminarColumns + `
FROM registrations r JOIN seminars s ON s.id = r.seminar_id`

	selectRegistration = registrationSelect + ` WHERE r.id = $1`

	selectActiveRegistration = registrationSelect + `
WHERE r.seminar_id = $1 AND r.user_id = $2 AND r.status <> 'cancelled'`

	selectUserRegistrations = registrationSelect + `
WHERE r.user_id = $1 AND r.status <> 'cancelled' AND s.ends_at > $2
ORDER BY s.starts_at, r.created_at, r.id`

	selectAllRegistrations = registrationSelect + `
ORDER BY s.starts_at, s.id, r.created_at, r.id`

	selectSeminarRegistrations = registrationSelect + `
WHERE r.seminar_id = $1
ORDER BY r.created_at, r.id`

	insertRegistration = `
INSERT INTO registrations (seminar_id, user_id, attendance, name, company, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
RETURNING id`

	// lockActiveRegistration locks the registration being cancelled, so a
	// concurrent second cancellation waits and then finds nothing.
	lockActiveRegistration = `
SELECT seminar_id, attendance, status, offer_expires_at FROM registrations
WHERE id = $1 AND user_id = $2 AND status <> 'cancelled'
FOR UPDATE`

	setRegistrationStatus = `UPDATE registrations SET status = $2, updated_at = $3 WHERE id = $1`

	// SKIP LOCKED: a waitlisted registration locked by someone else (being
	// cancelled, or offered a seat by a concurrent cancellation) is passed
	// over, and so is one already holding an offer.
	lockFirstWaitlisted = `
SELECT id FROM registrations
WHERE seminar_id = $1 AND status = 'waitlisted' AND offer_expires_at IS NULL
ORDER BY created_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED`
)

// The inbox and sessions.
const (
	insertEvent = `
INSERT INTO events (id, user_id, kind, text, reply_token, occurred_at, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO NOTHING`

	selectNextEvents = `
SELECT id, user_id, kind, text, reply_token, occurred_at, received_at FROM events
WHERE user_id = $1 AND handled_at IS NULL
ORDER BY occurred_at, seq
LIMIT $2`

	// markHandled keeps the first handled_at.
	markHandled = `UPDATE events SET handled_at = $2, replies = $3 WHERE id = $1 AND handled_at IS NULL`

	selectSession = `SELECT data FROM sessions WHERE user_id = $1 AND expires_at > $2`

	saveSession = `
INSERT INTO sessions (user_id, data, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`
)

// Talents, owners and introductions.
const (
	talentColumns = `id, display_name, headline, skills, categories, years_experience, work_style, region, hours_per_month, bio`

	// bumpTalentsVersion counts an import. It runs first in the import's
	// transaction: the row lock it takes makes concurrent imports take turns.
	bumpTalentsVersion   = `UPDATE talents_version SET version = version + 1`
	selectTalentsVersion = `SELECT version FROM talents_version`

	selectLexiconAdditions = `SELECT lexicon FROM talents_version`
	setLexiconAdditions    = `UPDATE talents_version SET lexicon = $1, version = version + 1`

	upsertTalent = `
INSERT INTO talents (` + talentColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (id) DO UPDATE SET
    display_name = excluded.display_name, headline = excluded.headline, skills = excluded.skills,
    categories = excluded.categories, years_experience = excluded.years_experience,
    work_style = excluded.work_style, region = excluded.region,
    hours_per_month = excluded.hours_per_month, bio = excluded.bio`

	selectTalents = `SELECT ` + talentColumns + ` FROM talents ORDER BY id`
	selectTalent  = `SELECT ` + talentColumns + ` FROM talents WHERE id = $1`

	selectOwner = `SELECT user_id, company, contact, updated_at, name FROM owners WHERE user_id = $1`
	upsertOwner = `
INSERT INTO owners (user_id, company, contact, updated_at, name) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (user_id) DO UPDATE SET
    company = excluded.company, contact = excluded.contact, updated_at = excluded.updated_at, name = excluded.name`

	introductionColumns = `id, user_id, talent_id, problem, category, reasons, status, created_at`

	// talentExists: talents are only ever added or updated, so a talent
	// that exists now still does when the request commits.
	talentExists = `SELECT EXISTS (SELECT 1 FROM talents WHERE id = $1)`

	// insertIntroduction inserts a pending request, or nothing when the
	// owner has one for the professional already (the unique index on
	// pending requests); a concurrent request waits for the first to commit,
	// then finds it.
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
    coalesce(o.user_id, ''), coalesce(o.company, ''), coalesce(o.contact, ''), o.updated_at, coalesce(o.name, '')
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

	slotColumns = `s.id, s.starts_at, s.ends_at, s.host, s.mode`

	upsertSlot = `
INSERT INTO slots (id, starts_at, ends_at, host, mode) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET
    starts_at = excluded.starts_at, ends_at = excluded.ends_at, host = excluded.host, mode = excluded.mode`

	selectSlot = `SELECT ` + slotColumns + ` FROM slots s WHERE s.id = $1`

	selectAvailableSlots = `
SELECT ` + slotColumns + ` FROM slots s
WHERE s.starts_at > $1
  AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = s.id AND b.status = 'booked')
ORDER BY s.starts_at, s.id
LIMIT $2`

	// insertBooking books a slot, or does nothing when it has an active
	// booking (a unique index): a concurrent booking, on any replica, waits
	// for the first to commit, then finds the slot taken.
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
    ` + slotColumns + `,
    coalesce(o.user_id, ''), coalesce(o.company, ''), coalesce(o.contact, ''), o.updated_at, coalesce(o.name, '')
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

// Privacy: consents, deleting a user's data, purging old data.
const (
	selectConsent = `SELECT consented_at FROM consents WHERE user_id = $1`

	// insertConsent keeps the first consent.
	insertConsent = `
INSERT INTO consents (user_id, consented_at) VALUES ($1, $2)
ON CONFLICT (user_id) DO NOTHING`

	deleteConsent   = `DELETE FROM consents WHERE user_id = $1`
	deleteOwner     = `DELETE FROM owners WHERE user_id = $1`
	deleteSession   = `DELETE FROM sessions WHERE user_id = $1`
	deleteQuestions = `DELETE FROM questions WHERE user_id = $1`
	purgeQuestions  = `DELETE FROM questions WHERE asked_at < $1`

	eraseUserRegistrations = `
UPDATE registrations SET name = '', company = ''
WHERE user_id = $1 AND (name <> '' OR company <> '')`

	// The statements below that change several requests or events lock them
	// in one order (by id, by seq) first, so that a user's deletion and a
	// purge running at once, on any replica, never deadlock. $2 is the
	// empty list.

	eraseUserIntroductions = `
UPDATE introductions SET problem = '', reasons = $2
WHERE id IN (
    SELECT id FROM introductions
    WHERE user_id = $1 AND (problem <> '' OR reasons <> $2)
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
UPDATE introductions SET problem = '', reasons = $2
WHERE id IN (
    SELECT id FROM introductions
    WHERE created_at < $1 AND (problem <> '' OR reasons <> $2)
    ORDER BY id
    FOR UPDATE)`

	// purgeEvents drops handled events only, once their replies are sent:
	// an unhandled one still needs its turn, held replies their job.
	purgeEvents = `
DELETE FROM events
WHERE seq IN (
    SELECT seq FROM events
    WHERE received_at < $1 AND handled_at IS NOT NULL AND replies IS NULL
    ORDER BY seq
    FOR UPDATE)`
)

const (
	upsertFAQ = `
INSERT INTO faqs (id, questions, answer) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET questions = excluded.questions, answer = excluded.answer`

	selectFAQs = `SELECT id, questions, answer FROM faqs ORDER BY id`

	insertQuestion = `INSERT INTO questions (user_id, text, kind, asked_at) VALUES ($1, $2, $3, $4)`

	selectQuestions = `SELECT user_id, text, kind, asked_at FROM questions ORDER BY asked_at, id`
)

const (
	insertSignal = `
INSERT INTO signals (user_id, kind, problem, category, talent_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`

	// insertDeclinedSignal records a decline as a signal, in the decision's
	// transaction.
	insertDeclinedSignal = `
INSERT INTO signals (user_id, kind, problem, category, talent_id, created_at)
SELECT user_id, 'declined', problem, category, talent_id, $2 FROM introductions WHERE id = $1`

	selectSignals = `SELECT user_id, kind, problem, category, talent_id, created_at FROM signals ORDER BY created_at, id`

	deleteSignals = `DELETE FROM signals WHERE user_id = $1`
	purgeSignals  = `DELETE FROM signals WHERE created_at < $1`

	// selectDeclinedTalents: a problem erased by a deletion or the purge
	// matches nothing, as no problem is empty.
	selectDeclinedTalents = `
SELECT talent_id FROM introductions
WHERE user_id = $1 AND problem = $2 AND problem <> '' AND status = 'declined'
ORDER BY id`

	selectLastDeclined = `
SELECT id FROM introductions
WHERE user_id = $1 AND problem <> '' AND status = 'declined'
ORDER BY decided_at DESC, id DESC
LIMIT 1`
)
