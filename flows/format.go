package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

var weekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// When shows a time span as 「12月11日(木) 15:00〜16:30」 in loc: one way of writing a date for users and
// staff alike (bot/slack uses it too).
func When(loc *time.Location, start, end time.Time) string {
	s, e := start.In(loc), end.In(loc)
	out := fmt.Sprintf("%d月%d日(%s) %s〜", s.Month(), s.Day(), weekdays[s.Weekday()], s.Format("15:04"))
	if e.YearDay() != s.YearDay() || e.Year() != s.Year() {
		out += fmt.Sprintf("%d月%d日 ", e.Month(), e.Day())
	}
	return out + e.Format("15:04")
}

// when is When in the display zone.
func (b *Bot) when(start, end time.Time) string { return When(b.Loc, start, end) }

// place says how a seminar can be attended: 「会場（残り5席）・オンライン」.
func place(s store.Seminar) string {
	var ways []string
	if s.HasVenue() {
		if left := s.SeatsLeft(); left > 0 {
			ways = append(ways, fmt.Sprintf("会場（残り%d席）", left))
		} else {
			ways = append(ways, "会場（満席・キャンセル待ち可）")
		}
	}
	if s.HasOnline() {
		ways = append(ways, "オンライン")
	}
	return strings.Join(ways, "・")
}

// attendanceText says where a registered attendee goes.
func attendanceText(r store.Registration) string {
	switch {
	case r.Status == store.Waitlisted:
		return "会場（キャンセル待ち）"
	case r.Attendance == store.Venue:
		return "会場（" + r.Seminar.Venue + "）"
	default:
		return "オンライン"
	}
}
