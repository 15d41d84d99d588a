package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/amamibot/amamibot/store"
)

// 「日程を変更したい」: a seminar registration moves to another date of the
// same seminar (store.Moves), keeping the attendance, name and company.
const (
	moveButton      = "日程を変更"
	moveListText    = "変更先の日程をお選びください。「この日程にする」を押すか、番号を送ってください。"
	movePickLabel   = "この日程にする"
	moveNoneText    = "このセミナーにはほかの日程がありません。"
	moveWhichText   = "日程を変更するお申し込みの「日程を変更」を押してください。"
	moveConsultText = "個別相談の日時を変えるには、「申込確認」で今の予約を取り消してから、「個別相談」で新しい日時を予約してください。"
	moveNoRegText   = "日程を変更できるセミナーのお申し込みはありません。"
	moveAskText     = "次のとおり日程を変更します。よろしければ「変更する」を押してください。"
	moveFullNote    = "変更先の会場は満席のため、変更後はキャンセル待ちになります。"
	moveConfirm     = "変更する"
	moveDoneText    = "日程を変更しました。"
	moveFullText    = "申し訳ありません。ちょうど変更先の会場が満席になりました。日程は変更していません。"
	movePrefix      = "move:"   // move:<registration id>, on the cards of 申込確認
	moveToPrefix    = "moveto:" // moveto:<seminar id>
)

var moveSteps = map[string]stepFunc{
	"pick":    pickMoveDate,
	"confirm": confirmMove,
}

// typedMove answers 「日程を変更したい」: the dates of the one registration
// that has others, or the list of registrations to choose from.
func typedMove(t *turn) ([]Reply, error) {
	if namesConsultation(t.Input.Text) {
		return t.menu(moveConsultText), nil
	}
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	switch len(regs) {
	case 0:
		// 「時間を午後にずらせますか」 from someone who booked a consultation
		bookings, err := t.bot.Bookings.UserBookings(t.ctx, t.UserID, t.Now)
		if err != nil {
			return nil, fmt.Errorf("bookings of user: %w", err)
		}
		if len(bookings) > 0 {
			return t.menu(moveConsultText), nil
		}
		return t.menu(moveNoRegText), nil
	case 1:
		return startMove(t, strconv.FormatInt(regs[0].ID, 10))
	}
	replies, err := t.start("myregs", startMyRegs)
	if err == nil && len(replies) > 0 {
		replies[0].Text = moveWhichText
	}
	return replies, err
}

// startMove lists the other upcoming dates of registration idText's seminar.
func startMove(t *turn, idText string) ([]Reply, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return t.menu(myGoneText), nil
	}
	reg, err := t.bot.Seminars.Registration(t.ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (reg.UserID != t.UserID || reg.Status == store.Canceled) {
		return t.menu(myGoneText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("registration to move: %w", err)
	}
	upcoming, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, 0)
	if err != nil {
		return nil, fmt.Errorf("list seminars: %w", err)
	}
	t.next = Session{Flow: "move"}
	t.set("reg", idText)
	t.set("from", t.bot.when(reg.Seminar.StartsAt, reg.Seminar.EndsAt))
	t.set("attendance", string(reg.Attendance))
	r := Reply{Text: moveListText, Choices: []Choice{}}
	var offered []Choice
	for _, s := range upcoming {
		if s.ID == reg.SeminarID || s.SeriesKey() != reg.Seminar.SeriesKey() {
			continue
		}
		n := len(offered) + 1
		data := moveToPrefix + s.ID
		r.Cards = append(r.Cards, Card{
			Title:   fmt.Sprintf("%d. %s", n, s.Title),
			Lines:   []string{t.bot.when(s.StartsAt, s.EndsAt), place(s)},
			Buttons: []Choice{{Label: movePickLabel, Data: data}},
		})
		offered = append(offered, Choice{Label: strconv.Itoa(n), Data: data})
	}
	if len(offered) == 0 {
		return t.menu(moveNoneText), nil
	}
	return t.ask("pick", r, offered...), nil
}

// pickMoveDate asks to confirm the move to the date chosen.
func pickMoveDate(t *turn) ([]Reply, error) {
	data, ok := t.selection()
	if !ok { // 「22日の方」「12月22日」, or the card's button typed when it is the only date
		seminars, err := t.offeredSeminars(moveToPrefix)
		if err != nil {
			return nil, err
		}
		if those, _ := t.seminarsOn(seminars); len(those) == 1 {
			data, ok = moveToPrefix+those[0].ID, true
		} else if len(seminars) == 1 && t.typed(movePickLabel) {
			data, ok = moveToPrefix+seminars[0].ID, true
		}
	}
	to, isDate := strings.CutPrefix(data, moveToPrefix)
	if !ok || !isDate {
		return t.offStep(missText)
	}
	s, err := t.bot.Seminars.Seminar(t.ctx, to)
	if errors.Is(err, store.ErrNotFound) {
		return t.offStep(missText)
	}
	if err != nil {
		return nil, fmt.Errorf("seminar to move to: %w", err)
	}
	t.set("to", to)
	lines := []string{moveAskText, "", s.Title, "変更前: " + t.next.Data["from"], "変更後: " + t.bot.when(s.StartsAt, s.EndsAt)}
	if t.next.Data["attendance"] == string(store.Venue) && s.SeatsLeft() == 0 {
		lines = append(lines, "", moveFullNote)
	}
	return t.ask("confirm", Reply{Text: strings.Join(lines, "\n")}, Choice{Label: moveConfirm, Data: choiceConfirm}), nil
}

// confirmMove moves the registration: to the waitlist only when the
// attendee was told the venue is full.
func confirmMove(t *turn) ([]Reply, error) {
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	d := t.next.Data
	id, _ := strconv.ParseInt(d["reg"], 10, 64)
	waitlist := strings.Contains(t.next.Asked, moveFullNote)
	res, err := t.bot.Seminars.MoveRegistration(t.ctx, store.MoveRequest{UserID: t.UserID, ID: id, To: d["to"], Waitlist: waitlist, Now: t.Now})
	switch {
	case errors.Is(err, store.ErrVenueFull):
		return t.menu(moveFullText), nil
	case errors.Is(err, store.ErrAlreadyRegistered):
		return t.menu(semAlreadyText), nil
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrOtherSeries):
		return t.menu(myGoneText), nil
	case err != nil:
		return nil, fmt.Errorf("move registration %d: %w", id, err)
	}
	text := t.bot.registered(res.Moved, t.Now)
	text = strings.Replace(strings.Replace(text, semDoneText, moveDoneText, 1), semWaitlistedText, moveDoneText+semWaitlistedText, 1)
	return t.registeredMenu(text, res.Moved), nil
}
