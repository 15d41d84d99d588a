package sqlite

// The store's SQL, all of it; the schema is in migrations/.

const (
	sqlUpsertSeminar = `
INSERT INTO seminars (id, title, starts_at, ends_at, venue, online_url, capacity)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title,
    starts_at = excluded.starts_at,
    ends_at = excluded.ends_at,
    venue = excluded.venue,
    online_url = excluded.online_url,
    capacity = excluded.capacity`

	seminarColumns = `s.id, s.title, s.starts_at, s.ends_at, s.venue, s.online_url, s.capacity, s.booked`

	sqlSeminar = `SELECT ` + seminarColumns + ` FROM seminars s WHERE s.id = ?`

	sqlUpcomingSeminars = `
SELECT ` + seminarColumns + ` FROM seminars s
WHERE s.starts_at > ?
ORDER BY s.starts_at, s.id
LIMIT ?`

	// sqlTakeSeat is how a venue seat is taken: only while one is left.
	sqlTakeSeat = `UPDATE seminars SET booked = booked + 1 WHERE id = ? AND booked < capacity`
	sqlFreeSeat = `UPDATE seminars SET booked = booked - 1 WHERE id = ? AND booked > 0`

	registrationSelect = `
SELECT r.id, r.seminar_id, r.user_id, r.attendance, r.name, r.company, r.status, r.created_at, r.updated_at,
       ` + seminarColumns + `
FROM registrations r JOIN seminars s ON s.id = r.seminar_id`

	sqlRegistration = registrationSelect + ` WHERE r.id = ?`

	sqlActiveRegistration = registrationSelect + `
WHERE r.seminar_id = ? AND r.user_id = ? AND r.status <> 'cancelled'`

	sqlUserActiveRegistration = registrationSelect + `
WHERE r.id = ? AND r.user_id = ? AND r.status <> 'cancelled'`

	sqlFirstWaitlisted = registrationSelect + `
WHERE r.seminar_id = ? AND r.status = 'waitlisted'
ORDER BY r.created_at, r.id
LIMIT 1`

	sqlUserRegistrations = registrationSelect + `
WHERE r.user_id = ? AND r.status IN ('confirmed', 'waitlisted') AND s.ends_at > ?
ORDER BY s.starts_at, r.created_at, r.id`

	sqlAllRegistrations = registrationSelect + `
ORDER BY s.starts_at, s.id, r.created_at, r.id`

	sqlInsertRegistration = `
INSERT INTO registrations (seminar_id, user_id, attendance, name, company, status, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id`

	sqlSetRegistrationStatus = `UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?`

	sqlInsertEvent = `
INSERT INTO events (id, user_id, kind, text, reply_token, occurred_at, received_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING`

	sqlNextEvent = `
SELECT id, user_id, kind, text, reply_token, occurred_at, received_at
FROM events
WHERE user_id = ? AND handled_at IS NULL
ORDER BY occurred_at, seq
LIMIT 1`

	sqlMarkHandled = `UPDATE events SET handled_at = ? WHERE id = ? AND handled_at IS NULL`

	sqlSession = `SELECT data FROM sessions WHERE user_id = ? AND expires_at > ?`

	sqlSaveSession = `
INSERT INTO sessions (user_id, data, expires_at) VALUES (?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`

	talentColumns = `id, display_name, headline, skills, categories, years_experience, work_style, region, hours_per_month, bio`

	sqlUpsertTalent = `
INSERT INTO talents (` + talentColumns + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    display_name = excluded.display_name,
    headline = excluded.headline,
    skills = excluded.skills,
    categories = excluded.categories,
    years_experience = excluded.years_experience,
    work_style = excluded.work_style,
    region = excluded.region,
    hours_per_month = excluded.hours_per_month,
    bio = excluded.bio`

	sqlTalents = `SELECT ` + talentColumns + ` FROM talents ORDER BY id`

	// sqlBumpTalentsVersion counts an import, in the import's transaction.
	sqlBumpTalentsVersion = `UPDATE talents_version SET version = version + 1`
	sqlTalentsVersion     = `SELECT version FROM talents_version`

	sqlOwner     = `SELECT user_id, company, contact, updated_at FROM owners WHERE user_id = ?`
	sqlSaveOwner = `
INSERT INTO owners (user_id, company, contact, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET
    company = excluded.company,
    contact = excluded.contact,
    updated_at = excluded.updated_at`

	sqlTalentExists = `SELECT EXISTS (SELECT 1 FROM talents WHERE id = ?)`

	introductionColumns = `id, user_id, talent_id, problem, category, reasons, status, created_at`

	// sqlInsertIntroduction inserts a pending request, or nothing when the
	// owner has one for the professional already (introductions_pending).
	sqlInsertIntroduction = `
INSERT INTO introductions (user_id, talent_id, problem, category, reasons, status, created_at)
VALUES (?, ?, ?, ?, ?, 'pending', ?)
ON CONFLICT (user_id, talent_id) WHERE status = 'pending' DO NOTHING
RETURNING ` + introductionColumns

	sqlPendingIntroduction = `SELECT ` + introductionColumns + ` FROM introductions
WHERE user_id = ? AND talent_id = ? AND status = 'pending'`
)

// Staff decisions, consultation slots and bookings.
const (
	// introductionDetailSelect is a request with its decision, its alert and
	// its owner, when known.
	introductionDetailSelect = `
SELECT i.id, i.user_id, i.talent_id, i.problem, i.category, i.reasons, i.status, i.created_at,
       i.decided_by, i.decided_at, i.alert_channel, i.alert_ts,
       coalesce(o.user_id, ''), coalesce(o.company, ''), coalesce(o.contact, ''), o.updated_at
FROM introductions i LEFT JOIN owners o ON o.user_id = i.user_id`

	sqlIntroduction = introductionDetailSelect + ` WHERE i.id = ?`

	sqlAllIntroductions = introductionDetailSelect + ` ORDER BY i.created_at, i.id`

	sqlPendingIntroductions = introductionDetailSelect + `
WHERE i.status = 'pending'
ORDER BY i.created_at, i.id`

	// sqlDecideIntroduction: the first decision wins.
	sqlDecideIntroduction = `
UPDATE introductions SET status = ?, decided_by = ?, decided_at = ?
WHERE id = ? AND status = 'pending'`

	sqlSetAlert = `UPDATE introductions SET alert_channel = ?, alert_ts = ? WHERE id = ?`

	sqlTalent = `SELECT ` + talentColumns + ` FROM talents WHERE id = ?`

	sqlSeminarRegistrations = registrationSelect + `
WHERE r.seminar_id = ?
ORDER BY r.created_at, r.id`

	slotColumns = `s.id, s.starts_at, s.ends_at, s.host, s.mode`

	sqlUpsertSlot = `
INSERT INTO slots (id, starts_at, ends_at, host, mode) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    starts_at = excluded.starts_at,
    ends_at = excluded.ends_at,
    host = excluded.host,
    mode = excluded.mode`

	sqlSlot = `SELECT ` + slotColumns + ` FROM slots s WHERE s.id = ?`

	sqlAvailableSlots = `
SELECT ` + slotColumns + ` FROM slots s
WHERE s.starts_at > ?
  AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = s.id AND b.status = 'booked')
ORDER BY s.starts_at, s.id
LIMIT ?`

	// sqlInsertBooking books a slot, or does nothing when it has an active
	// booking (bookings_active).
	sqlInsertBooking = `
INSERT INTO bookings (slot_id, user_id, introduction_id, status, created_at)
VALUES (?, ?, ?, 'booked', ?)
ON CONFLICT (slot_id) WHERE status = 'booked' DO NOTHING
RETURNING id`

	sqlCancelBooking = `
UPDATE bookings SET status = 'cancelled', cancelled_at = ?
WHERE id = ? AND user_id = ? AND status = 'booked'`

	// bookingSelect is a booking with its slot and its owner, when known.
	bookingSelect = `
SELECT b.id, b.slot_id, b.user_id, coalesce(b.introduction_id, 0), b.status, b.created_at,
       ` + slotColumns + `,
       coalesce(o.user_id, ''), coalesce(o.company, ''), coalesce(o.contact, ''), o.updated_at
FROM bookings b
JOIN slots s ON s.id = b.slot_id
LEFT JOIN owners o ON o.user_id = b.user_id`

	sqlBooking = bookingSelect + ` WHERE b.id = ?`

	sqlUserBookings = bookingSelect + `
WHERE b.user_id = ? AND b.status = 'booked' AND s.ends_at > ?
ORDER BY s.starts_at, s.id, b.id`

	sqlUpcomingBookings = bookingSelect + `
WHERE b.status = 'booked' AND s.ends_at > ?
ORDER BY s.starts_at, s.id, b.id`

	sqlAllBookings = bookingSelect + `
ORDER BY s.starts_at, s.id, b.created_at, b.id`
)

// Privacy: consents, deleting a user's data, purging old data.
const (
	sqlConsent = `SELECT consented_at FROM consents WHERE user_id = ?`

	// sqlRecordConsent keeps the first consent.
	sqlRecordConsent = `
INSERT INTO consents (user_id, consented_at) VALUES (?, ?)
ON CONFLICT (user_id) DO NOTHING`

	sqlDeleteConsent = `DELETE FROM consents WHERE user_id = ?`
	sqlDeleteOwner   = `DELETE FROM owners WHERE user_id = ?`
	sqlDeleteSession = `DELETE FROM sessions WHERE user_id = ?`

	sqlEraseUserRegistrations = `
UPDATE registrations SET name = '', company = ''
WHERE user_id = ? AND (name <> '' OR company <> '')`

	sqlEraseUserIntroductions = `
UPDATE introductions SET problem = '', reasons = '[]'
WHERE user_id = ? AND (problem <> '' OR json_array_length(reasons) > 0)`

	sqlEraseUserEvents = `
UPDATE events SET text = '', reply_token = ''
WHERE user_id = ? AND (text <> '' OR reply_token <> '')`

	sqlPurgeIntroductions = `
UPDATE introductions SET problem = '', reasons = '[]'
WHERE created_at < ? AND (problem <> '' OR json_array_length(reasons) > 0)`

	// sqlPurgeEvents drops handled events only: an unhandled one still
	// needs its turn.
	sqlPurgeEvents = `DELETE FROM events WHERE received_at < ? AND handled_at IS NOT NULL`
)
