package flows

import (
	"fmt"
	"strings"

	"github.com/amamibot/amamibot/calendar"
	"github.com/amamibot/amamibot/store"
)

// 「カレンダーに追加」, under a registration's confirmation: the links that
// put the seminar in the attendee's calendar.
const (
	calLabel  = "カレンダーに追加"
	calText   = "次のリンクから、カレンダーに登録できます。"
	calGoogle = "Googleカレンダー:"
	calICS    = "iPhone・Outlookなど（.icsファイル、セミナー終了まで有効）:"
	calNone   = "カレンダーに登録できるお申し込みはありません。"
	calPrefix = "cal:" // cal:<seminar id>: the user's one active registration there
)

// registeredMenu is the menu under a registration's confirmation text, with
// 「カレンダーに追加」 first when the place is confirmed.
func (t *turn) registeredMenu(text string, reg store.Registration) []Reply {
	replies := t.menu(text)
	if reg.Status == store.Confirmed {
		cal := Choice{Label: calLabel, Data: calPrefix + reg.SeminarID}
		replies[0].Choices = append([]Choice{cal}, replies[0].Choices...)
	}
	return replies
}

// answerCalendar gives the calendar links of the user's registration for
// seminar, or, typed (seminar ""), of every confirmed registration of the
// user.
func answerCalendar(t *turn, seminar string) ([]Reply, error) {
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	var parts []string
	for _, r := range regs {
		if r.Status != store.Confirmed || seminar != "" && r.SeminarID != seminar {
			continue
		}
		part := []string{r.Seminar.Title, t.bot.when(r.Seminar.StartsAt, r.Seminar.EndsAt), calGoogle, calendar.Google(r)}
		if ics := t.bot.Calendar.ICS(r); ics != "" {
			part = append(part, calICS, ics)
		}
		parts = append(parts, strings.Join(part, "\n"))
	}
	if len(parts) == 0 {
		return t.menu(calNone), nil
	}
	return t.menu(calText + "\n\n" + strings.Join(parts, "\n\n")), nil
}
