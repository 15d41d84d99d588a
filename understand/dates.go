package understand

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	fullDateRe  = regexp.MustCompile(`(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日`)
	slashDateRe = regexp.MustCompile(`(?:^|[^\d/.:])(?:(\d{4})/)?(\d{1,2})/(\d{1,2})(?:$|[^\d/:])`)
	nextMonthRe = regexp.MustCompile(`来月の?(\d{1,2})日`)
	dayRe       = regexp.MustCompile(`(?:^|[^\d月何])(\d{1,2})日`)
	weekdayRe   = regexp.MustCompile(`(再来週|来週|今週)?の?([月火水木金土日])曜`)
	timeRe      = regexp.MustCompile(`(午前|午後|朝|昼|夕方|夜|pm|am)?\s*(\d{1,2})時(?:(\d{1,2})分|(半))?`)
	clockRe     = regexp.MustCompile(`(午前|午後|pm|am)?\s*(?:^|[^\d])(\d{1,2}):(\d{2})(?:$|[^\d])`)
)

var weekdays = map[string]time.Weekday{"日": time.Sunday, "月": time.Monday, "火": time.Tuesday,
	"水": time.Wednesday, "木": time.Thursday, "金": time.Friday, "土": time.Saturday}

// A relativeDay is a word for a day counted from today.
type relativeDay struct {
	word string
	days int
}

var relativeDays = []relativeDay{{"明後日", 2}, {"あさって", 2}, {"しあさって", 3}, {"明日", 1}, {"あした", 1}, {"あす", 1}, {"今日", 0}, {"本日", 0}, {"きょう", 0}}

// readDates fills r.Dates and r.Weekday from c, which has kanji numerals
// already turned into digits.
func readDates(r *Reading, c string, now time.Time, loc *time.Location) {
	if loc == nil {
		loc = time.Local
	}
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	add := func(t time.Time) {
		d := Date{t.Year(), t.Month(), t.Day()}
		for _, e := range r.Dates {
			if e == d {
				return
			}
		}
		r.Dates = append(r.Dates, d)
	}
	// valid builds a date only if the day exists in that month.
	valid := func(y int, m time.Month, d int) (time.Time, bool) {
		t := time.Date(y, m, d, 0, 0, 0, 0, loc)
		return t, m >= 1 && m <= 12 && d >= 1 && t.Month() == m
	}
	// upcoming resolves a month and day without a year to its next occurrence.
	upcoming := func(m time.Month, d int) (time.Time, bool) {
		t, ok := valid(today.Year(), m, d)
		if ok && t.Before(today) {
			t, ok = valid(today.Year()+1, m, d)
		}
		return t, ok
	}
	taken := make([]bool, len(c)) // bytes already read as part of a date
	take := func(loc []int) {
		for i := loc[0]; i < loc[1]; i++ {
			taken[i] = true
		}
	}
	// 12月11日 and 12/11, with or without the year, read alike.
	for _, re := range []*regexp.Regexp{fullDateRe, slashDateRe} {
		for _, m := range re.FindAllStringSubmatchIndex(c, -1) {
			mo, d := atoi(c, m[4], m[5]), atoi(c, m[6], m[7])
			var t time.Time
			var ok bool
			if m[2] >= 0 {
				t, ok = valid(atoi(c, m[2], m[3]), time.Month(mo), d)
			} else {
				t, ok = upcoming(time.Month(mo), d)
			}
			if ok {
				add(t)
			}
			take(m)
		}
	}
	for _, m := range nextMonthRe.FindAllStringSubmatchIndex(c, -1) {
		first := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, loc)
		if t, ok := valid(first.Year(), first.Month(), atoi(c, m[2], m[3])); ok {
			add(t)
		}
		take(m)
	}
	for _, m := range dayRe.FindAllStringSubmatchIndex(c, -1) {
		if taken[m[2]] {
			continue
		}
		// A day alone is this month's, or next month's once it has passed.
		d := atoi(c, m[2], m[3])
		t, ok := valid(today.Year(), today.Month(), d)
		if !ok || t.Before(today) {
			first := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, loc)
			t, ok = valid(first.Year(), first.Month(), d)
		}
		if ok {
			add(t)
		}
	}
	for _, rd := range relativeDays {
		if i := strings.Index(c, rd.word); i >= 0 && !taken[i] {
			if rd.word == "あす" && strings.Contains(c, "あすと") {
				continue
			}
			add(today.AddDate(0, 0, rd.days))
			take([]int{i, i + len(rd.word)})
		}
	}
	for _, m := range weekdayRe.FindAllStringSubmatchIndex(c, -1) {
		wd := weekdays[c[m[4]:m[5]]]
		if r.Weekday == nil {
			r.Weekday = &wd
		}
		var t time.Time
		if m[2] < 0 {
			// 金曜 alone: the next one, today included.
			t = today.AddDate(0, 0, (int(wd)-int(today.Weekday())+7)%7)
		} else {
			// Weeks start on Monday: 来週の月曜 is the Monday after this week's.
			monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
			weeks := map[string]int{"今週": 0, "来週": 1, "再来週": 2}[c[m[2]:m[3]]]
			t = monday.AddDate(0, 0, 7*weeks+(int(wd)+6)%7)
		}
		add(t)
	}
}

// readTime fills r.Time and r.DayPart.
func readTime(r *Reading, c string) {
	for _, dp := range []struct{ word, part string }{
		{"午前", Morning}, {"朝", Morning}, {"午後", Afternoon}, {"昼", Afternoon},
		{"夕方", Evening}, {"夜", Evening}, {"晩", Evening},
	} {
		if strings.Contains(c, dp.word) {
			r.DayPart = dp.part
			break
		}
	}
	pm := func(mark string, h int) int {
		switch mark {
		case "午後", "pm", "夕方", "夜":
			if h < 12 {
				return h + 12
			}
		case "昼":
			if h < 6 {
				return h + 12
			}
		}
		return h
	}
	if m := timeRe.FindStringSubmatchIndex(c); m != nil {
		mark := ""
		if m[2] >= 0 {
			mark = c[m[2]:m[3]]
		}
		h, min := atoi(c, m[4], m[5]), 0
		if m[6] >= 0 {
			min = atoi(c, m[6], m[7])
		} else if m[8] >= 0 {
			min = 30
		}
		if h = pm(mark, h); h <= 24 && min < 60 {
			r.Time = &Clock{h, min}
			return
		}
	}
	if m := clockRe.FindStringSubmatchIndex(c); m != nil {
		mark := ""
		if m[2] >= 0 {
			mark = c[m[2]:m[3]]
		}
		h, min := pm(mark, atoi(c, m[4], m[5])), atoi(c, m[6], m[7])
		if h <= 24 && min < 60 {
			r.Time = &Clock{h, min}
		}
	}
}

func atoi(s string, from, to int) int {
	n, _ := strconv.Atoi(s[from:to])
	return n
}
