package flows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// The offer of a venue seat freed on the waitlist (store.Offers): pushed
// with 「参加する」 and 「辞退する」, answered by a tap or by typing either,
// at any step.
const (
	offerText       = "キャンセル待ちのセミナーの会場に空きが出ました。%sまでに「参加する」を押すと、会場でのご参加が確定します。ご都合が合わない場合は「辞退する」を押してください。"
	offerClaimed    = "ありがとうございます。会場でのご参加が確定しました。"
	offerDeclined   = "辞退を承りました。お席は次にお待ちの方にご案内します。またのご参加をお待ちしています。"
	offerLapsedText = "申し訳ありません。ご回答の期限（%s）を過ぎたため、お席は次にお待ちの方にご案内しました。もう一度キャンセル待ちに登録しますか？"
	offerGoneText   = "このお席のご案内はすでに終了しています。"
	offerStatusText = "会場（お席をご用意しています。%sまでに「参加する」でご回答ください）"
	claimLabel      = "参加する"
	declineLabel    = "辞退する"
	rewaitLabel     = "キャンセル待ちに登録"
	offerPrefix     = "offer:" // offer:claim:<id> or offer:decline:<id>
)

var offerSteps = map[string]stepFunc{
	"rewait": confirmRewait,
}

// Offer asks a waitlisted attendee whether they take the seat offered.
func (b *Bot) Offer(reg store.Registration) []Reply {
	s := reg.Seminar
	id := strconv.FormatInt(reg.ID, 10)
	text := strings.Join([]string{fmt.Sprintf(offerText, b.at(reg.OfferExpiresAt)), "", s.Title, b.when(s.StartsAt, s.EndsAt), "会場: " + s.Venue}, "\n")
	return []Reply{{Text: text, Choices: []Choice{
		{Label: claimLabel, Data: offerPrefix + "claim:" + id},
		{Label: declineLabel, Data: offerPrefix + "decline:" + id},
	}}}
}

// at shows a moment as 「12月2日(水) 03:00」.
func (b *Bot) at(t time.Time) string {
	l := t.In(b.Loc)
	return fmt.Sprintf("%d月%d日(%s) %s", l.Month(), l.Day(), weekdays[l.Weekday()], l.Format("15:04"))
}

// offerAnswer reads a message as the answer to a seat offered from the
// waitlist: "claim" (「参加する」「はい」「行けます」「参加でお願いします」),
// "decline" (「辞退する」「辞退します」「今回は遠慮しておきます」), "again"
// for a hedged one (「辞退するかも」), or "".
// Out of any flow only, and not a message naming a day, which is about
// another registration (「11日のは行けなくなった」).
func (t *turn) offerAnswer() string {
	switch {
	case t.typed(claimLabel):
		return "claim"
	case t.typed(declineLabel):
		return "decline"
	case t.next.Flow != "" || t.Input.Kind != Text || len(t.read.Dates) > 0 || t.bot.Seminars == nil:
		return ""
	}
	s := normalize(t.Input.Text)
	// A decline is said in its own words, and nothing else in the message
	// asks or hedges (「辞退するかも」「行けないかもしれない」「辞退？」).
	core := coreWords(t.Input.Text)
	for _, w := range declineWords {
		// The message ends with it: 「辞退するな」「辞退するとどうなる」 do not.
		if strings.HasSuffix(core, w) && !understand.Hedges(strings.TrimSuffix(core, w)) && !strings.ContainsAny(s, "?？") {
			return "decline"
		}
	}
	if t.holds() {
		// 「辞退するかも」「参加できるかな」: about the seat, but no answer; the
		// offer again, with its deadline and buttons.
		if slices.ContainsFunc(seatWords, func(w string) bool { return strings.Contains(s, w) }) {
			return "again"
		}
		return ""
	}
	// Said whole (「ありがとうございます！行けます」), not inside another sentence
	// (「熱が出ますので」).
	if slices.Contains(claimWords, core) || t.says(understand.Yes) || t.says(understand.SeminarSignup) {
		return "claim"
	}
	return ""
}

var (
	claimWords = []string{"行けます", "いけます", "参加します", "参加で", "参加でお願いします", "出ます", "出席します", "行きます",
		"参加させてください", "ぜひ参加させてください", "よろしくお願いします"}
	seatWords    = []string{"辞退", "参加", "行け", "いけ", "遠慮", "出られ"}
	declineWords = []string{"辞退します", "辞退する", "遠慮しておきます", "遠慮します", "行けません", "いけません", "出られません",
		"参加しません", "参加できません"}
)

// typedOffer answers the action (offerAnswer) of someone holding an offer;
// ok is false when they hold none, for the text to be read as anything
// else.
func typedOffer(t *turn, action string) (replies []Reply, ok bool, err error) {
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, false, fmt.Errorf("registrations of user: %w", err)
	}
	for _, r := range regs {
		if r.HoldsOffer() && action == "again" {
			return t.bot.Offer(r), true, nil
		}
		if r.HoldsOffer() {
			replies, err := answerOffer(t, action+":"+strconv.FormatInt(r.ID, 10))
			return replies, true, err
		}
	}
	return nil, false, nil
}

// answerOffer claims or declines the offer the data names.
func answerOffer(t *turn, data string) ([]Reply, error) {
	action, idText, _ := strings.Cut(data, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return t.menu(offerGoneText), nil
	}
	if action == "decline" {
		_, err := t.bot.Seminars.CancelRegistration(t.ctx, t.UserID, id, t.Now)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return t.menu(offerGoneText), nil
		case err != nil:
			return nil, fmt.Errorf("decline offer %d: %w", id, err)
		}
		return t.menu(offerDeclined), nil
	}
	reg, err := t.bot.Seminars.ClaimOffer(t.ctx, t.UserID, id, t.Now)
	switch {
	case errors.Is(err, store.ErrOfferLapsed):
		lapsed, err := t.bot.Seminars.Registration(t.ctx, id)
		if err != nil {
			return nil, fmt.Errorf("lapsed offer %d: %w", id, err)
		}
		t.next = Session{Flow: "offer", Data: map[string]string{"seminar": lapsed.SeminarID, "name": lapsed.Name, "company": lapsed.Company}}
		return t.ask("rewait", Reply{Text: fmt.Sprintf(offerLapsedText, t.bot.at(lapsed.OfferExpiresAt))}, Choice{Label: rewaitLabel, Data: choiceYes}), nil
	case errors.Is(err, store.ErrNotFound):
		return t.menu(offerGoneText), nil
	case err != nil:
		return nil, fmt.Errorf("claim offer %d: %w", id, err)
	}
	t.record("seminar_seat_filled")
	return t.registeredMenu(strings.Replace(t.bot.registered(reg, t.Now), semDoneText, offerClaimed, 1), reg), nil
}

// confirmRewait puts the attendee whose offer lapsed back on the waitlist,
// with the name and company they gave.
func confirmRewait(t *turn) ([]Reply, error) {
	if !t.picks(choiceYes) {
		return t.offStep(missText)
	}
	d := t.next.Data
	reg, err := t.bot.Seminars.Register(t.ctx, store.RegisterRequest{
		SeminarID: d["seminar"], UserID: t.UserID, Attendance: store.Venue, Name: d["name"], Company: d["company"],
		Waitlist: true, Now: t.Now,
	})
	switch {
	case errors.Is(err, store.ErrAlreadyRegistered):
		return t.menu(semAlreadyText), nil
	case err != nil:
		return nil, fmt.Errorf("back on the waitlist: %w", err)
	}
	return t.registeredMenu(t.bot.registered(reg, t.Now), reg), nil
}

// offerStatus says where an attendee holding an offer stands.
func (b *Bot) offerStatus(r store.Registration) string {
	return fmt.Sprintf(offerStatusText, b.at(r.OfferExpiresAt))
}
