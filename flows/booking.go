package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the consultation booking flow says, and what staff decisions tell owners.
const (
	bkListText      = "個別相談の空き日時です。" + bkPickHint
	bkTimeText      = "条件に合う個別相談の空き日時です。" + bkPickHint
	bkNoTimeText    = "申し訳ありません。%sには個別相談の空きがありません。ほかの空き日時です。" + bkPickHint
	bkPickHint      = "ご希望の日時の「この日時にする」を押すか、番号を送ってください。"
	bkNoneText      = "申し訳ありません。現在、予約できる個別相談の枠がありません。新しい枠ができましたら、スタッフからご案内します。"
	bkNameText      = "ご予約のため、お名前（フルネーム）を送ってください。"
	bkPickButton    = "この日時にする"
	bkWhichText     = "どの日時にしますか？番号（1〜%d）を送ってください。"
	bkConfirmText   = "次の日時で個別相談を予約します。よろしければ「予約する」を押してください。"
	bkBookLabel     = "予約する"
	bkBookedText    = "個別相談を予約しました。"
	bkOnlineNote    = "オンライン参加のURLは、担当者からお送りします。"
	bkPlaceText     = "会場での個別相談の場所は、ご予約のあと担当者からご連絡します。オンラインの場合は、参加用のURLをお送りします。"
	bkTakenText     = "申し訳ありません。この枠は先ほど埋まりました。ほかの日時をお選びください。"
	bkGoneText      = "この枠は受付を終了しました。ほかの日時をお選びください。"
	bkCancelledText = "個別相談の予約を取り消しました。別の日時で予約する場合は「個別相談」からどうぞ。"
	bkGoneBooking   = "この予約はすでに取り消されています。"
	bkReminderText  = "明日は個別相談の日です。"
	approvedText    = "%sさんへのご紹介が決まりました。\n次は、スタッフとの個別相談で進め方を決めましょう。下のボタンから日時をお選びください。"
	declinedText    = "お待たせしました。申し訳ありませんが、今回は%sさんへのご紹介を見送らせていただくことになりました。\nほかにも力になれる方がいます。よろしければ、別の候補をご覧ください。"
	bookLabel       = "個別相談"
	bookDecidedBtn  = "相談日を予約する"
	otherCandsBtn   = "別の候補を見る"
	slotPrefix      = "slot:"
	bookPrefix      = "book:"  // a booking for an approved introduction, from the decision message
	retryPrefix     = "retry:" // other candidates for a declined introduction
	slotsListed     = 10
)

// BookingStore is what the booking flow reads and commits.
type BookingStore interface {
	AvailableSlots(ctx context.Context, now time.Time, limit int) ([]store.Slot, error)
	Slot(ctx context.Context, id string) (store.Slot, error)
	BookSlot(ctx context.Context, req store.BookRequest) (store.Booking, error)
	CancelBooking(ctx context.Context, userID string, id int64, now time.Time) (store.Booking, error)
	UserBookings(ctx context.Context, userID string, now time.Time) ([]store.Booking, error)
	Introduction(ctx context.Context, id int64) (store.Introduction, error)
}

var bookingSteps = map[string]stepFunc{
	"pick":    pickSlot,
	"consent": takeConsent,
	"name":    takeOwnerName,
	"company": takeOwnerCompany,
	"contact": takeOwnerContact,
	"confirm": confirmBooking,
}

// startBooking lists the free consultation slots: those of the day and
// time the message names (「金曜の午後に」), or all when none fits.
func startBooking(t *turn) ([]Reply, error) {
	slots, err := t.bot.Bookings.AvailableSlots(t.ctx, t.Now, slotsListed)
	if err != nil {
		return nil, fmt.Errorf("available slots: %w", err)
	}
	if len(slots) == 0 {
		return t.menu(bkNoneText), nil
	}
	switch those, asked := t.slotsAt(slots); {
	case asked && len(those) == 0:
		return listSlots(t, slots, fmt.Sprintf(bkNoTimeText, t.askedWhen())), nil
	case asked:
		return listSlots(t, those, bkTimeText), nil
	}
	return listSlots(t, slots, bkListText), nil
}

// slotsAt returns the slots on the day and at the time the text names;
// asked is false when it names none.
func (t *turn) slotsAt(slots []store.Slot) (those []store.Slot, asked bool) {
	return meantOf(t, slots, func(s store.Slot) dated { return dated{data: s.ID, start: s.StartsAt} })
}

// listSlots shows slots as cards under lead, to pick from.
func listSlots(t *turn, slots []store.Slot, lead string) []Reply {
	r := Reply{Text: lead, Choices: []Choice{}}
	var offered []Choice
	for i, s := range slots {
		data := slotPrefix + s.ID
		r.Cards = append(r.Cards, Card{
			Title:   fmt.Sprintf("%d. %s", i+1, t.bot.when(s.StartsAt, s.EndsAt)),
			Lines:   []string{modeText(s), "担当: " + s.Host},
			Buttons: []Choice{{Label: bkPickButton, Data: data}},
		})
		offered = append(offered, Choice{Label: strconv.Itoa(i + 1), Data: data})
	}
	return t.ask("pick", r, offered...)
}

// startDecidedBooking starts booking from an approved introduction's button.
func startDecidedBooking(t *turn, introID string) ([]Reply, error) {
	t.next = Session{Flow: "booking", Data: map[string]string{"introduction": introID}}
	return startBooking(t)
}

// startTypedBooking starts a booking asked for in words or from the menu:
// for the owner's approved introduction that has no consultation yet, as
// the button under staff's decision does, so that staff see which
// introduction it is for.
func startTypedBooking(t *turn) ([]Reply, error) {
	intros, err := t.bot.Intros.UserIntroductions(t.ctx, t.UserID, introsListed)
	if err != nil {
		return nil, fmt.Errorf("introductions of user: %w", err)
	}
	bookings, err := t.bot.Bookings.UserBookings(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("bookings of user: %w", err)
	}
	for _, in := range intros {
		booked := slices.ContainsFunc(bookings, func(b store.Booking) bool { return b.IntroductionID == in.ID })
		if in.Status == store.Approved && !booked && t.Now.Sub(in.CreatedAt) < introsRecent {
			return startDecidedBooking(t, strconv.FormatInt(in.ID, 10))
		}
	}
	return t.start("booking", startBooking)
}

// startRetry shows other candidates for a declined introduction's problem:
// not those declined for it, and counted in the funnel with the problem,
// not as a new one.
func startRetry(t *turn, introID string) ([]Reply, error) {
	id, err := strconv.ParseInt(introID, 10, 64)
	if err != nil {
		return t.menu(menuText), nil
	}
	intro, err := t.bot.Bookings.Introduction(t.ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && intro.UserID != t.UserID {
		return t.menu(menuText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("introduction %d: %w", id, err)
	}
	declined, err := t.bot.Intros.DeclinedTalents(t.ctx, t.UserID, intro.Problem)
	if err != nil {
		return nil, fmt.Errorf("declined talents: %w", err)
	}
	t.next = Session{Flow: "intake", Data: map[string]string{
		"problem": intro.Problem, "declined": strings.Join(declined, "\n"), "shown": "1",
	}}
	return suggestAgain(t)
}

// typedRetry is 「別の候補を見る」 typed, or said (「ほかの人はいませんか」): the
// retry of the request declined last, as the button under its notice does,
// or a new request when none was declined.
func typedRetry(t *turn) ([]Reply, error) {
	id, err := t.bot.Intros.LastDeclined(t.ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return t.start("intake", startIntake)
	}
	if err != nil {
		return nil, err
	}
	return startRetry(t, strconv.FormatInt(id, 10))
}

// anyWords leave the choice of slot to the bot.
var anyWords = []string{"どれでもいい", "どれでも大丈夫", "いつでもいい", "いつでも大丈夫", "いつでもよか", "どっちでもいい", "どちらでもいい"}

// namesHost reports whether text names the slot's host by family name
// (「田中さんのところで」): the last word of Host, with さん, or alone when
// it is two letters or more.
func namesHost(text, host string) bool {
	f := strings.Fields(host)
	if len(f) == 0 {
		return false
	}
	name := f[len(f)-1]
	return strings.Contains(text, name+"さん") || utf8.RuneCountInString(name) >= 2 && strings.Contains(text, name)
}

// slotModes are the ways of consulting a message may say.
var slotModes = map[string]store.ConsultMode{understand.Venue: store.ConsultVenue, understand.Online: store.ConsultOnline}

func modeText(s store.Slot) string {
	if s.Mode == store.ConsultOnline {
		return "オンライン"
	}
	return "会場" // as staff read it in Slack, and as seminars say it
}

// pickSlot takes the slot chosen from the list for a booking.
func pickSlot(t *turn) ([]Reply, error) {
	id, replies, err := t.chosenSlot()
	if id == "" {
		return replies, err
	}
	t.set("slot", id)
	return askOwner(t)
}

// changeSlot answers, at the booking's confirmation, a wish for another
// slot (「やっぱり別の日にしたい」「4日にしてください」「オンラインに変えたい」):
// the slot it names, or the free slots to choose from, keeping the owner's
// details. ok is false for anything else.
func (t *turn) changeSlot() (replies []Reply, ok bool, err error) {
	r := t.read
	when := len(r.Dates) > 0 || r.Weekday != nil || r.DayPart != "" || r.Time != nil || r.Ordinal != 0
	names := when || r.Attendance != ""
	if t.Input.Kind != Text || t.asks() || !names && !t.says(understand.Reschedule) {
		return nil, false, nil
	}
	if !when && r.Attendance != "" { // 「はい、会場に行きます」 at a slot at the venue changes nothing
		s, err := t.bot.Bookings.Slot(t.ctx, t.next.Data["slot"])
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, true, fmt.Errorf("slot: %w", err)
		}
		if s.Mode == slotModes[r.Attendance] {
			return nil, false, nil
		}
	}
	slots, err := t.bot.Bookings.AvailableSlots(t.ctx, t.Now, slotsListed)
	if err != nil {
		return nil, true, fmt.Errorf("available slots: %w", err)
	}
	if len(slots) == 0 {
		return t.menu(bkNoneText), true, nil
	}
	listed := listSlots(t, slots, bkListText)
	if !names {
		return listed, true, nil
	}
	replies, err = pickSlot(t)
	return replies, true, err
}

// chosenSlot reads the slot chosen from the list: by button, number,
// position or time (「3日の午後の方」). When none is chosen, replies answer
// instead: the slots that fit what was said, or the step asked again.
func (t *turn) chosenSlot() (id string, replies []Reply, err error) {
	data, ok := t.selection()
	if !ok {
		slots, err := t.bot.Bookings.AvailableSlots(t.ctx, t.Now, slotsListed)
		if err != nil {
			return "", nil, fmt.Errorf("available slots: %w", err)
		}
		slots = slices.DeleteFunc(slots, func(s store.Slot) bool {
			return !slices.ContainsFunc(t.next.Offered, func(c Choice) bool { return c.Data == slotPrefix+s.ID })
		})
		those, asked := t.slotsAt(slots)
		when := t.askedWhen()
		text := normalize(t.Input.Text)
		if host := slices.DeleteFunc(slices.Clone(slots), func(s store.Slot) bool { return !namesHost(text, s.Host) }); len(host) > 0 {
			those, asked, when = host, true, "" // 「田中さんのところで」
		}
		if len(slots) > 0 && containsAny(text, anyWords...) {
			those, asked = slots[:1], true // 「どれでもいい」「いつでもいいです」: the soonest, confirmed next
		}
		if t.typed(bkPickButton) && len(slots) > 1 { // the cards' button typed: which one?
			return "", t.reprompt(fmt.Sprintf(bkWhichText, len(slots))), nil
		}
		if mode, said := slotModes[t.read.Attendance]; said { // 「会場で相談したい」「オンラインの方」
			if !asked {
				those = slots
			}
			those = slices.DeleteFunc(slices.Clone(those), func(s store.Slot) bool { return s.Mode != mode })
			asked, when = true, strings.TrimPrefix(when+"の"+modeText(store.Slot{Mode: mode}), "の")
		}
		switch {
		case len(those) == 1:
			data, ok = slotPrefix+those[0].ID, true
		case len(those) > 1:
			return "", listSlots(t, those, bkTimeText), nil
		case asked: // 「来週の火曜は空いてますか」 with nothing then
			return "", listSlots(t, slots, fmt.Sprintf(bkNoTimeText, when)), nil
		}
	}
	id, isSlot := strings.CutPrefix(data, slotPrefix)
	if !ok || !isSlot {
		replies, err := t.offStep(missText)
		return "", replies, err
	}
	return id, nil, nil
}

func askBookingConfirm(t *turn) ([]Reply, error) {
	s, err := t.bot.Bookings.Slot(t.ctx, t.next.Data["slot"])
	if errors.Is(err, store.ErrNotFound) {
		return t.menu(bkGoneText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("slot: %w", err)
	}
	lines := []string{
		bkConfirmText, "",
		"日時: " + t.bot.when(s.StartsAt, s.EndsAt),
		"方法: " + modeText(s),
		"担当: " + s.Host,
		"お名前: " + t.next.Data["name"],
		"ご連絡先: " + t.next.Data["contact"],
	}
	return t.ask("confirm", Reply{Text: strings.Join(lines, "\n")}, Choice{Label: bkBookLabel, Data: choiceConfirm}), nil
}

func confirmBooking(t *turn) ([]Reply, error) {
	if replies, ok, err := t.corrected(); ok || err != nil {
		return replies, err
	}
	if replies, ok, err := t.changeSlot(); ok || err != nil {
		return replies, err
	}
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	introID, _ := strconv.ParseInt(t.next.Data["introduction"], 10, 64)
	b, err := t.bot.Bookings.BookSlot(t.ctx, store.BookRequest{
		SlotID: t.next.Data["slot"], UserID: t.UserID, IntroductionID: introID, Now: t.Now,
	})
	switch {
	case errors.Is(err, store.ErrSlotTaken):
		replies, err := startBooking(t)
		if err != nil || len(replies) == 0 {
			return replies, err
		}
		replies[0].Text = bkTakenText + "\n" + replies[0].Text
		return replies, nil
	case errors.Is(err, store.ErrNotFound):
		return t.menu(bkGoneText), nil
	case err != nil:
		return nil, fmt.Errorf("book slot: %w", err)
	}
	if err := saveOwner(t); err != nil {
		return nil, err
	}
	if err := learnBooked(t, introID); err != nil {
		return nil, err
	}
	t.record("consultation_booked")
	return t.menu(t.booked(bkBookedText, b)), nil
}

// booked says that booking b is made (lead): when, how, with whom, and
// what comes next.
func (t *turn) booked(lead string, b store.Booking) string {
	lines := []string{lead, "", t.bot.when(b.Slot.StartsAt, b.Slot.EndsAt), "方法: " + modeText(b.Slot), "担当: " + b.Slot.Host}
	if b.Slot.Mode == store.ConsultOnline {
		lines = append(lines, bkOnlineNote)
	}
	lines = append(lines, "")
	if store.BookingReminderAt(b.Slot).After(t.Now) {
		lines = append(lines, semReminderPromise)
	}
	return strings.Join(append(lines, semSeeMine), "\n")
}

// learnBooked records a booking after an approved introduction as a signal
// that the professional suited the problem.
func learnBooked(t *turn, introID int64) error {
	if introID == 0 {
		return nil
	}
	intro, err := t.bot.Bookings.Introduction(t.ctx, introID)
	if errors.Is(err, store.ErrNotFound) || err == nil && intro.UserID != t.UserID {
		return nil // not this owner's: nothing to learn
	}
	if err != nil {
		return fmt.Errorf("introduction %d: %w", introID, err)
	}
	return t.learn(store.Signal{Kind: store.SignalBooked, Problem: intro.Problem, Category: intro.Category, TalentID: intro.TalentID})
}

// Decision tells the owner what staff decided about an introduction.
func (b *Bot) Decision(intro store.Introduction, talentName string) []Reply {
	id := strconv.FormatInt(intro.ID, 10)
	if intro.Status == store.Approved {
		return []Reply{{Text: fmt.Sprintf(approvedText, talentName), Choices: []Choice{{Label: bookDecidedBtn, Data: bookPrefix + id}}}}
	}
	return []Reply{{Text: fmt.Sprintf(declinedText, talentName), Choices: []Choice{{Label: otherCandsBtn, Data: retryPrefix + id}}}}
}

// BookingReminder is the message sent the day before a consultation.
func (b *Bot) BookingReminder(bk store.Booking) []Reply {
	lines := []string{bkReminderText, "", b.when(bk.Slot.StartsAt, bk.Slot.EndsAt), "方法: " + modeText(bk.Slot), "担当: " + bk.Slot.Host, "", changeText}
	return []Reply{{Text: strings.Join(lines, "\n")}}
}
