package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// Reminder is one reminder of a seminar, Before it starts. An OnlineOnly
// reminder goes to online attendees alone: it carries the URL to join.
type Reminder struct {
	Before     time.Duration
	OnlineOnly bool
}

// DefaultReminders: three days and the day before, and one hour before for
// online attendees.
var DefaultReminders = []Reminder{{Before: 72 * time.Hour}, {Before: 24 * time.Hour}, {Before: time.Hour, OnlineOnly: true}}

// ParseReminders reads a list such as "72h,24h,1h online" (Go durations;
// "online" marks a reminder for online attendees alone); "none" is no
// reminder at all.
func ParseReminders(s string) ([]Reminder, error) {
	if strings.TrimSpace(s) == "none" {
		return []Reminder{}, nil
	}
	var out []Reminder
	for item := range strings.SplitSeq(s, ",") {
		text, online := strings.CutSuffix(strings.TrimSpace(item), " online")
		d, err := time.ParseDuration(strings.TrimSpace(text))
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			return nil, fmt.Errorf("%q is not a time before the seminar between 1m and 720h, such as 24h or 1h online", strings.TrimSpace(item))
		}
		out = append(out, Reminder{Before: d, OnlineOnly: online})
	}
	return out, nil
}

// RemindersFor lists the reminders of list an attendee of s attending by a
// gets when registering (or being promoted) at now: those still ahead, the
// earliest first.
func RemindersFor(list []Reminder, s Seminar, a Attendance, now time.Time) []Reminder {
	var out []Reminder
	for _, r := range list {
		if (!r.OnlineOnly || a == Online) && s.StartsAt.Add(-r.Before).After(now) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Reminder) int { return int(b.Before - a.Before) })
	return out
}

// ReminderArgs reminds an attendee of a seminar Before it starts (zero, in
// jobs queued before reminders were configurable: the day before). A
// cancellation cancels it.
type ReminderArgs struct {
	RegistrationID int64         `json:"registration_id"`
	Before         time.Duration `json:"before,omitempty"`
}

func (ReminderArgs) Kind() string { return "seminar_reminder" }

// ReminderOpts are the insert options of a registration's reminder job:
// scheduled Before the seminar, and unique per registration and time so a
// promotion after a re-registration never sends two.
func ReminderOpts(s Seminar, before time.Duration) *river.InsertOpts {
	return &river.InsertOpts{
		ScheduledAt: s.StartsAt.Add(-before),
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}
}
