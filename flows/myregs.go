package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the 「申込確認」 flow says, and what jobs tell attendees later.
const (
	myNoneText      = "現在お申し込みはありません。"
	myListText      = "お申し込み中のセミナーと個別相談です。取り消す場合は「取り消す」を押すか、番号を送ってください。"
	myIntrosHead    = "ご紹介の依頼:"
	myIntroLine     = "・「%s」のご相談: %s"
	myCancelButton  = "取り消す"
	myConfirmText   = "次のお申し込みを取り消します。よろしいですか？"
	myCancelledText = "お申し込みを取り消しました。またのご参加をお待ちしています。"
	myGoneText      = "このお申し込みはすでに取り消されています。"
	promotedText    = "キャンセル待ちのセミナーに空きが出たため、会場でのご参加が確定しました。"
	changeText      = "ご都合が悪くなった場合は「申込確認」から取り消しをお願いします。"
	myKeptText      = "承知しました。お申し込みはそのままです。"
	cancelHowText   = "セミナーのお申し込みと個別相談の予約は、「申込確認」からいつでも取り消せます。日時の変更もそこからできます。"
	cancelPrefix    = "cancel:"
	unbookPrefix    = "unbook:"
	startKey        = "start:" // the start of a listed item, by its data
	introsListed    = 3
	maxPickRunes    = 10 // 「12月11日のやつ」: a date that picks, not a sentence about it
	introsRecent    = 90 * 24 * time.Hour
)

// introStatusText says where an introduction request stands.
var introStatusText = map[store.IntroStatus]string{
	store.Pending:  "スタッフが確認しています。",
	store.Approved: "ご紹介が決まりました。",
	store.Declined: "今回は見送りとなりました。",
}

var myRegSteps = map[string]stepFunc{
	"list":   pickRegistration,
	"cancel": confirmCancel,
}

func startMyRegs(t *turn) ([]Reply, error) {
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	bookings, err := t.bot.Bookings.UserBookings(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("bookings of user: %w", err)
	}
	intros, err := t.recentIntroductions()
	if err != nil {
		return nil, err
	}
	if len(regs)+len(bookings) == 0 {
		if intros != "" { // 「紹介の件はどうなりましたか」
			return t.menu(intros), nil
		}
		return t.menu(myNoneText), nil
	}
	dates, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, 0)
	if err != nil {
		return nil, fmt.Errorf("list seminars: %w", err)
	}
	series := map[string]int{} // upcoming dates of each series
	for _, s := range dates {
		series[s.SeriesKey()]++
	}
	r := Reply{Text: strings.TrimSpace(myListText + "\n\n" + intros), Choices: []Choice{}}
	var offered []Choice
	add := func(title string, lines []string, data string, start time.Time, more ...Choice) {
		n := len(offered) + 1
		r.Cards = append(r.Cards, Card{
			Title:   fmt.Sprintf("%d. %s", n, title),
			Lines:   lines,
			Buttons: append([]Choice{{Label: myCancelButton, Data: data}}, more...),
		})
		offered = append(offered, Choice{Label: strconv.Itoa(n), Data: data})
		t.set(data, title+"\n"+lines[0]) // what to cancel, for the confirmation
		t.set(startKey+data, start.Format(time.RFC3339))
	}
	for _, reg := range regs {
		how := attendanceText(reg)
		var more []Choice
		if reg.HoldsOffer() {
			// The status asks to answer 「参加する」: the button is here too.
			how = t.bot.offerStatus(reg)
			more = append(more, Choice{Label: claimLabel, Data: offerPrefix + "claim:" + strconv.FormatInt(reg.ID, 10)})
		}
		if series[reg.Seminar.SeriesKey()] > 1 { // the seminar has another date
			more = append(more, Choice{Label: moveButton, Data: movePrefix + strconv.FormatInt(reg.ID, 10)})
		}
		add(reg.Seminar.Title,
			[]string{t.bot.when(reg.Seminar.StartsAt, reg.Seminar.EndsAt), "参加方法: " + how},
			cancelPrefix+strconv.FormatInt(reg.ID, 10), reg.Seminar.StartsAt, more...)
	}
	for _, b := range bookings {
		add(bookLabel,
			[]string{t.bot.when(b.Slot.StartsAt, b.Slot.EndsAt), "方法: " + modeText(b.Slot), "担当: " + b.Slot.Host},
			unbookPrefix+strconv.FormatInt(b.ID, 10), b.Slot.StartsAt,
			Choice{Label: bkMoveButton, Data: bkMovePrefix + strconv.FormatInt(b.ID, 10)})
	}
	replies := t.ask("list", r, offered...)
	// 「15日のセミナーに行けなくなりました」: straight to the confirmation;
	// 「キャンセルできますか」 is shown the list, which says how.
	if t.read.Intent == understand.CancelRegistration && !t.asks() {
		if data, ok := t.listedOn(); ok {
			return askCancel(t, data), nil
		}
		// 「個別相談を取り消したい」 with one booking: that one.
		if namesConsultation(t.Input.Text) && len(bookings) == 1 {
			return askCancel(t, unbookPrefix+strconv.FormatInt(bookings[0].ID, 10)), nil
		}
	}
	return replies, nil
}

// namesConsultation reports whether text is about the consultation rather
// than a seminar (「個別相談を取り消したい」「相談の日を変えたい」).
func namesConsultation(text string) bool {
	s := normalize(text)
	return strings.Contains(s, "相談") || strings.Contains(s, "面談")
}

// recentIntroductions says where the user's recent introduction requests
// stand, or "" when there are none.
func (t *turn) recentIntroductions() (string, error) {
	intros, err := t.bot.Intros.UserIntroductions(t.ctx, t.UserID, introsListed)
	if err != nil {
		return "", fmt.Errorf("introductions of user: %w", err)
	}
	var lines []string
	for _, in := range intros {
		if t.Now.Sub(in.CreatedAt) < introsRecent && in.Problem != "" { // erased with the user's data
			lines = append(lines, fmt.Sprintf(myIntroLine, quoteProblem(in.Problem), introStatusText[in.Status]))
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	return myIntrosHead + "\n" + strings.Join(lines, "\n"), nil
}

// pickRegistration asks to confirm cancelling the chosen registration or
// booking: by button, number, position or day.
func pickRegistration(t *turn) ([]Reply, error) {
	if t.says(understand.Reschedule) { // a card's 「日程を変更」「日時を変更」 typed
		return typedMove(t)
	}
	data, ok := t.selection()
	// A date picks the item to cancel in a few words (「11日の方」) or in a
	// cancellation; 「11日の会場はどこですか」 is a question about it.
	if !ok && !t.asks() && (t.says(understand.CancelRegistration) || utf8.RuneCountInString(normalize(t.Input.Text)) <= maxPickRunes) {
		data, ok = t.listedOn()
	}
	if !ok && len(t.next.Offered) == 1 && t.says(understand.CancelRegistration) {
		data, ok = t.next.Offered[0].Data, true // 「取り消す」 under the one card
	}
	if !ok || t.next.Data[data] == "" {
		return t.offStep(missText)
	}
	return askCancel(t, data), nil
}

// listedOn returns the listed registration or booking on the day the text
// names, when there is exactly one.
func (t *turn) listedOn() (string, bool) {
	var items []dated
	for _, c := range t.next.Offered {
		if start, err := time.Parse(time.RFC3339, t.next.Data[startKey+c.Data]); err == nil {
			items = append(items, dated{data: c.Data, start: start})
		}
	}
	ids, _ := t.meant(items)
	if len(ids) != 1 {
		return "", false
	}
	return ids[0], true
}

// askCancel asks to confirm cancelling the listed registration or booking data.
func askCancel(t *turn, data string) []Reply {
	t.set("cancel", data)
	return t.ask("cancel", Reply{Text: myConfirmText + "\n\n" + t.next.Data[data]}, Choice{Label: myCancelButton, Data: choiceConfirm})
}

func confirmCancel(t *turn) ([]Reply, error) {
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	target := t.next.Data["cancel"]
	kind, idText, _ := strings.Cut(target, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return t.menu(myGoneText), nil
	}
	done := myCancelledText
	if kind+":" == unbookPrefix {
		_, err = t.bot.Bookings.CancelBooking(t.ctx, t.UserID, id, t.Now)
		done = bkCancelledText
	} else {
		_, err = t.bot.Seminars.CancelRegistration(t.ctx, t.UserID, id, t.Now)
	}
	if errors.Is(err, store.ErrNotFound) {
		return t.menu(myGoneText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("cancel %s: %w", target, err)
	}
	return t.menu(done), nil
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
