package flows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// 「日程を変更したい」: a seminar registration moves to another date of the
// same seminar (store.Moves), keeping the attendance, name and company.
const (
	moveButton    = "日程を変更"
	moveListText  = "変更先の日程をお選びください。「この日程にする」を押すか、番号を送ってください。"
	movePickLabel = "この日程にする"
	moveNoneText  = "このセミナーにはほかの日程がありません。ご都合が悪くなった場合は「申込確認」から取り消せます。"
	moveWhichText = "日程を変更するお申し込みの「日程を変更」を押してください。"
	moveNoRegText = "日程を変更できるセミナーのお申し込みはありません。"
	moveAskText   = "次のとおり日程を変更します。よろしければ「変更する」を押してください。"
	moveFullNote  = "変更先の会場は満席のため、変更後はキャンセル待ちになります。"
	moveConfirm   = "変更する"
	moveDoneText  = "日程を変更しました。"
	moveKeptText  = "承知しました。日程はそのままです。"
	moveFullText  = "申し訳ありません。ちょうど変更先の会場が満席になりました。日程は変更していません。"
	movePrefix    = "move:" // move:<registration id>, on the cards of 申込確認

	// A consultation moves to another free slot: the new one is booked and
	// the old one cancelled in the same turn, so in one transaction.
	bkMoveButton    = "日時を変更"
	bkMoveListText  = "変更先の日時をお選びください。「この日時にする」を押すか、番号を送ってください。"
	bkMoveWhichText = "日時を変更する個別相談の「日時を変更」を押してください。"
	bkMoveNoneText  = "申し訳ありません。ほかに予約できる個別相談の空き日時がありません。今の予約はそのままです。"
	bkNoBookingText = "日時を変更できる個別相談の予約はありません。"
	bkMoveAskText   = "次のとおり個別相談の日時を変更します。よろしければ「変更する」を押してください。"
	bkMovedText     = "個別相談の日時を変更しました。"
	bkMovePrefix    = "bkmove:" // bkmove:<booking id>, on the cards of 申込確認
	moveToPrefix    = "moveto:" // moveto:<seminar id>
)

var moveSteps = map[string]stepFunc{
	"pick":    pickMoveDate,
	"confirm": confirmMove,
}

var bookingMoveSteps = map[string]stepFunc{
	"pick":    pickMoveSlot,
	"confirm": confirmBookingMove,
}

// typedMove answers 「日程を変更したい」: the dates of the one registration
// that has others, or the list of registrations to choose from.
func typedMove(t *turn) ([]Reply, error) {
	// 日時 is the consultation's word, 日程 the seminar's (the cards' buttons).
	if namesConsultation(t.Input.Text) || strings.Contains(normalize(t.Input.Text), "日時") {
		return typedBookingMove(t)
	}
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	switch len(regs) {
	case 0:
		// 「時間を午後にずらせますか」 from someone who booked a consultation
		return typedBookingMove(t)
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
	replies := t.ask("pick", r, offered...)
	// 「15日は行けなくなったので22日にしたい」: the date named, to confirm.
	if t.Input.Kind == Text && !t.asks() {
		others, err := t.offeredSeminars(moveToPrefix)
		if err != nil {
			return nil, err
		}
		if those, _ := t.seminarsOn(others); len(those) == 1 {
			return pickMoveDate(t)
		}
	}
	return replies, nil
}

// pickMoveDate asks to confirm the move to the date chosen.
func pickMoveDate(t *turn) ([]Reply, error) {
	if t.Input.Kind == Text && t.asksAbout() { // 「22日は何時からですか」
		return t.offStep(missText)
	}
	data, ok := t.selection()
	if !ok { // 「22日の方」「12月22日」, or the card's button typed when it is the only date
		seminars, err := t.offeredSeminars(moveToPrefix)
		if err != nil {
			return nil, err
		}
		if those, _ := t.seminarsOn(seminars); len(those) == 1 {
			data, ok = moveToPrefix+those[0].ID, true
		} else if len(seminars) == 1 && (t.typed(movePickLabel) || t.acceptsTheOne()) { // 「はい」「この日でお願いします」
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
	if t.Input.Kind == Text && (understand.KeepsAsIs(t.Input.Text) || strings.Contains(normalize(t.Input.Text), "のまま")) {
		return t.menu(moveKeptText), nil // 「やっぱり15日のままで」
	}
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

// typedBookingMove answers 「相談の日を変えたい」: the free slots for the
// one booking, or the list of bookings to choose from.
func typedBookingMove(t *turn) ([]Reply, error) {
	bookings, err := t.bot.Bookings.UserBookings(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("bookings of user: %w", err)
	}
	switch len(bookings) {
	case 0:
		if namesConsultation(t.Input.Text) {
			return t.menu(bkNoBookingText), nil
		}
		return t.menu(moveNoRegText), nil
	case 1:
		return startBookingMove(t, strconv.FormatInt(bookings[0].ID, 10))
	}
	replies, err := t.start("myregs", startMyRegs)
	if err == nil && len(replies) > 0 {
		replies[0].Text = bkMoveWhichText
	}
	return replies, err
}

// startBookingMove lists the free slots to move booking idText to.
func startBookingMove(t *turn, idText string) ([]Reply, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return t.menu(bkGoneBooking), nil
	}
	bookings, err := t.bot.Bookings.UserBookings(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("bookings of user: %w", err)
	}
	i := slices.IndexFunc(bookings, func(b store.Booking) bool { return b.ID == id })
	if i < 0 {
		return t.menu(bkGoneBooking), nil
	}
	slots, err := t.bot.Bookings.AvailableSlots(t.ctx, t.Now, slotsListed)
	if err != nil {
		return nil, fmt.Errorf("available slots: %w", err)
	}
	if len(slots) == 0 {
		return t.menu(bkMoveNoneText), nil
	}
	b := bookings[i]
	t.next = Session{Flow: "bkmove"}
	t.set("booking", idText)
	t.set("introduction", strconv.FormatInt(b.IntroductionID, 10))
	t.set("from", t.bot.when(b.Slot.StartsAt, b.Slot.EndsAt)+" "+modeText(b.Slot))
	// 「来週の午後にずらしたい」: the slots that fit, when some do.
	if those, asked := t.slotsAt(slots); asked && len(those) > 0 {
		slots = those
	}
	return listSlots(t, slots, bkMoveListText), nil
}

// pickMoveSlot asks to confirm the move to the slot chosen.
func pickMoveSlot(t *turn) ([]Reply, error) {
	id, replies, err := t.chosenSlot()
	if id == "" {
		return replies, err
	}
	s, err := t.bot.Bookings.Slot(t.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return t.offStep(missText)
	}
	if err != nil {
		return nil, fmt.Errorf("slot to move to: %w", err)
	}
	t.set("slot", id)
	lines := []string{bkMoveAskText, "", "変更前: " + t.next.Data["from"], "変更後: " + t.bot.when(s.StartsAt, s.EndsAt) + " " + modeText(s), "担当: " + s.Host}
	return t.ask("confirm", Reply{Text: strings.Join(lines, "\n")}, Choice{Label: moveConfirm, Data: choiceConfirm}), nil
}

// confirmBookingMove books the new slot, then cancels the old booking: when
// the new slot was taken meanwhile, the old booking stays.
func confirmBookingMove(t *turn) ([]Reply, error) {
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	d := t.next.Data
	old, _ := strconv.ParseInt(d["booking"], 10, 64)
	introID, _ := strconv.ParseInt(d["introduction"], 10, 64)
	b, err := t.bot.Bookings.BookSlot(t.ctx, store.BookRequest{SlotID: d["slot"], UserID: t.UserID, IntroductionID: introID, Now: t.Now})
	switch {
	case errors.Is(err, store.ErrSlotTaken), errors.Is(err, store.ErrNotFound):
		replies, err := startBookingMove(t, d["booking"])
		if err != nil || len(replies) == 0 || t.next.Flow != "bkmove" {
			return replies, err
		}
		replies[0].Text = bkTakenText + "\n" + replies[0].Text
		return replies, nil
	case err != nil:
		return nil, fmt.Errorf("book slot: %w", err)
	}
	if _, err := t.bot.Bookings.CancelBooking(t.ctx, t.UserID, old, t.Now); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("cancel booking %d: %w", old, err)
	}
	return t.menu(t.booked(bkMovedText, b)), nil
}
