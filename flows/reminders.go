package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

// The seminar reminders: what the confirmation promises and what each
// reminder says, by how long before the seminar it goes out.
const (
	remindPromise   = "%sにリマインドをお送りします。"
	remindDayBefore = "明日のセミナーのご案内です。"
	remindDays      = "%d日後のセミナーのご案内です。"
	remindSoon      = "まもなくセミナーが始まります（%s後）。"
)

// reminders are the configured reminders (nil: store.DefaultReminders).
func (b *Bot) reminders() []store.Reminder {
	if b.Reminders == nil {
		return store.DefaultReminders
	}
	return b.Reminders
}

// reminderPromise tells when the attendee of reg will be reminded, or ""
// when no reminder is ahead at now.
func (b *Bot) reminderPromise(reg store.Registration, now time.Time) string {
	var when []string
	for _, r := range store.RemindersFor(b.reminders(), reg.Seminar, reg.Attendance, now) {
		if r.Before == 24*time.Hour {
			when = append(when, "前日")
		} else {
			when = append(when, beforeText(r.Before)+"前")
		}
	}
	if len(when) == 0 {
		return ""
	}
	return fmt.Sprintf(remindPromise, strings.Join(when, "、"))
}

// Reminder is the message sent before a seminar (before: how long; zero
// for the day-before reminder of older jobs).
func (b *Bot) Reminder(reg store.Registration, before time.Duration) []Reply {
	lead := remindDayBefore
	switch days := int(before / (24 * time.Hour)); {
	case before == 0 || days == 1 && before%(24*time.Hour) == 0:
	case days >= 2:
		lead = fmt.Sprintf(remindDays, days)
	default:
		lead = fmt.Sprintf(remindSoon, beforeText(before))
	}
	return []Reply{{Text: b.attendNote(lead, reg)}}
}

// beforeText says a time before the seminar: 3日, 2時間, 30分.
func beforeText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d日", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d時間", d/time.Hour)
	default:
		return fmt.Sprintf("%d分", d/time.Minute)
	}
}
