package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/amamibot/amamibot/store"
)

// What the 「申込確認」 flow says, and what jobs tell attendees later.
const (
	myNoneText      = "現在お申し込みはありません。"
	myListText      = "お申し込み中のセミナーです。取り消す場合は「取り消す」を押すか、番号を送ってください。"
	myCancelButton  = "取り消す"
	myConfirmText   = "次のお申し込みを取り消します。よろしいですか？"
	myCancelledText = "お申し込みを取り消しました。またのご参加をお待ちしています。"
	myGoneText      = "このお申し込みはすでに取り消されています。"
	reminderText    = "明日のセミナーのご案内です。"
	promotedText    = "キャンセル待ちのセミナーに空きが出たため、会場でのご参加が確定しました。"
	changeText      = "ご都合が悪くなった場合は「申込確認」から取り消しをお願いします。"
	cancelPrefix    = "cancel:"
)

var myRegSteps = map[string]stepFunc{
	"list":   pickRegistration,
	"cancel": confirmCancel,
}

func startMyRegs(t *turn) ([]Reply, error) {
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	if len(regs) == 0 {
		return t.menu(myNoneText), nil
	}
	r := Reply{Text: myListText, Choices: []Choice{}}
	var offered []Choice
	for i, reg := range regs {
		data := cancelPrefix + strconv.FormatInt(reg.ID, 10)
		r.Cards = append(r.Cards, Card{
			Title:   fmt.Sprintf("%d. %s", i+1, reg.Seminar.Title),
			Lines:   []string{t.bot.when(reg.Seminar.StartsAt, reg.Seminar.EndsAt), "参加方法: " + attendanceText(reg)},
			Buttons: []Choice{{Label: myCancelButton, Data: data}},
		})
		offered = append(offered, Choice{Label: strconv.Itoa(i + 1), Data: data})
	}
	return t.ask("list", r, offered...), nil
}

func pickRegistration(t *turn) ([]Reply, error) {
	data, ok := choose(t.next.Offered, t.Input)
	idText, isCancel := strings.CutPrefix(data, cancelPrefix)
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || !isCancel || err != nil {
		return t.reprompt(missText), nil
	}
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	for _, reg := range regs {
		if reg.ID == id {
			t.set("registration", idText)
			text := strings.Join([]string{myConfirmText, "", reg.Seminar.Title, t.bot.when(reg.Seminar.StartsAt, reg.Seminar.EndsAt)}, "\n")
			return t.ask("cancel", Reply{Text: text}, Choice{Label: myCancelButton, Data: choiceConfirm}), nil
		}
	}
	return t.menu(myGoneText), nil
}

func confirmCancel(t *turn) ([]Reply, error) {
	if data, ok := choose(t.next.Offered, t.Input); !ok || data != choiceConfirm {
		return t.reprompt(missText), nil
	}
	id, err := strconv.ParseInt(t.next.Data["registration"], 10, 64)
	if err != nil {
		return t.menu(myGoneText), nil
	}
	_, err = t.bot.Seminars.CancelRegistration(t.ctx, t.UserID, id, t.Now)
	if errors.Is(err, store.ErrNotFound) {
		return t.menu(myGoneText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("cancel registration %d: %w", id, err)
	}
	return t.menu(myCancelledText), nil
}

// Reminder is the message sent the day before a seminar.
func (b *Bot) Reminder(reg store.Registration) []Reply {
	return []Reply{{Text: b.attendNote(reminderText, reg)}}
}

// Promoted tells a waitlisted attendee that a venue seat is now theirs.
func (b *Bot) Promoted(reg store.Registration) []Reply {
	return []Reply{{Text: b.attendNote(promotedText, reg)}}
}

// attendNote says what, when and where, after a lead sentence.
func (b *Bot) attendNote(lead string, reg store.Registration) string {
	s := reg.Seminar
	where := "会場: " + s.Venue
	if reg.Attendance == store.Online {
		where = "参加URL: " + s.OnlineURL
	}
	return strings.Join([]string{lead, "", s.Title, b.when(s.StartsAt, s.EndsAt), where, "", changeText}, "\n")
}
