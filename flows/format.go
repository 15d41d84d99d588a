package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

var weekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// when shows a time span as 「12月11日(木) 15:00〜16:30」 in the display zone.
func (b *Bot) when(start, end time.Time) string {
	s, e := start.In(b.Loc), end.In(b.Loc)
	out := fmt.Sprintf("%d月%d日(%s) %s〜", s.Month(), s.Day(), weekdays[s.Weekday()], s.Format("15:04"))
	if e.YearDay() != s.YearDay() || e.Year() != s.Year() {
		out += fmt.Sprintf("%d月%d日 ", e.Month(), e.Day())
	}
	return out + e.Format("15:04")
}

// shortDate is 「12/11」, for labels that must stay short.
func (b *Bot) shortDate(t time.Time) string {
	t = t.In(b.Loc)
	return fmt.Sprintf("%d/%d", t.Month(), t.Day())
}

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
