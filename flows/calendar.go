package flows

import (
	"errors"
	"fmt"
	"strconv"
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
	calPrefix = "cal:" // cal:<registration id>
)

// registeredMenu is the menu under a registration's confirmation text, with
// 「カレンダーに追加」 first when the place is confirmed.
func (t *turn) registeredMenu(text string, reg store.Registration) []Reply {
	replies := t.menu(text)
	if reg.Status == store.Confirmed {
		cal := Choice{Label: calLabel, Data: calPrefix + strconv.FormatInt(reg.ID, 10)}
		replies[0].Choices = append([]Choice{cal}, replies[0].Choices...)
	}
	return replies
}

// answerCalendar gives the calendar links of the registration idText, or,
// typed, of every confirmed registration of the user.
func answerCalendar(t *turn, idText string) ([]Reply, error) {
	var regs []store.Registration
	if idText == "" {
		mine, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
		if err != nil {
			return nil, fmt.Errorf("registrations of user: %w", err)
		}
		regs = mine
	} else if id, err := strconv.ParseInt(idText, 10, 64); err == nil {
		reg, err := t.bot.Seminars.Registration(t.ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("registration for the calendar: %w", err)
		}
		if err == nil && reg.UserID == t.UserID {
			regs = append(regs, reg)
		}
	}
	var parts []string
	for _, r := range regs {
		if r.Status != store.Confirmed {
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
