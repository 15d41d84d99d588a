package flows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// The offer of a venue seat freed on the waitlist (store.Offers): pushed
// with 「参加する」 and 「辞退する」, answered by a tap or by typing either,
// at any step.
const (
	offerText       = "キャンセル待ちのセミナーの会場に空きが出ました。%sまでに「参加する」を押すと、会場でのご参加が確定します。ご都合が合わない場合は「辞退する」を押してください。"
	offerClaimed    = "ありがとうございます。会場でのご参加が確定しました。"
	offerLateText   = "ありがとうございます。会場でのご参加が確定しました。遅れてのご参加でも大丈夫です。お気をつけてお越しください。"
	offerAskText    = "「%s」の会場のお席に、参加しますか、辞退しますか？ %sまでに下のボタンでお答えください。"
	offerByText     = "ご回答の期限は%sです。それまでに「参加する」か「辞退する」を押してください。"
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
// waitlist: "claim" (「参加する」「はい」「行けます」「うれしい！行きます」),
// "late" (a claim that tells of coming late: 「参加しますが少し遅れます」),
// "decline" (「辞退する」「今回は見送ります」「都合が悪いです」), "again" for
// one about the seat that answers neither (「辞退するかも」「セミナーに参加
// します」), "ask" for an acknowledgement of the push (「了解しました」),
// "deadline" for when to answer by, "question" for one about the seminar
// (「参加費はいくらですか」), or "". Being wrong gives away a seat or takes
// one from the next in line: what is not plainly an answer is asked again.
// Out of any flow only, and not a message naming a day, which is about
// another registration (「11日のは行けなくなった」); typedOffer also leaves
// those naming another seminar.
func (t *turn) offerAnswer() string {
	switch {
	case t.typed(claimLabel):
		return "claim"
	case t.typed(declineLabel):
		return "decline"
	case t.next.Flow != "" || t.Input.Kind != Text || len(t.read.Dates) > 0 || t.bot.Seminars == nil:
		return ""
	}
	s := strings.ToLower(normalize(t.Input.Text))
	asks := t.asks()
	switch {
	case asks && (containsAny(s, byWords...) || containsAny(s, untilWords...) && (containsAny(s, replyWords...) || utf8.RuneCountInString(s) <= 8)):
		return "deadline" // 「何時までに返事すればいいですか」「いつまでですか」
	case t.read.Intent == understand.SeminarQuestion && slices.Contains(offerTopics, t.read.Topic):
		return "question"
	}
	// A decline is said in its own words, at the end of the message, and
	// nothing before it asks or hedges (「辞退するかも」「行けないかもしれない」
	// 「辞退？」).
	core := coreWords(t.Input.Text)
	for _, w := range declineWords {
		// 「辞退するな」「辞退するとどうなる」 do not end with it; 「参加で
		// 結構です」 takes the seat; 「予約はやめます」 may be of another
		// registration (read as a cancellation, which is confirmed first).
		if before, ok := strings.CutSuffix(core, w); ok && !asks && !understand.Hedges(before) &&
			!(w == "結構です" && strings.HasSuffix(before, "で")) &&
			!containsAny(before, signUpWords...) {
			return "decline"
		}
	}
	switch {
	case containsAny(s, signUpWords...):
		// 「セミナーに申し込みたいです」 asks for another sign-up.
		return ""
	case asks:
	case containsAny(s, lateWords...) && claimsLate(core):
		return "late"
	case t.claims(core):
		return "claim"
	case containsAny(s, ackWords...):
		return "ask"
	}
	if containsAny(s, seatWords...) {
		// 「辞退するかも」「参加できるかな」「セミナーに参加します」: about
		// the seat, but no answer; the offer again, with its deadline and
		// buttons.
		return "again"
	}
	return ""
}

// claims reports whether the text, politeness aside (core), takes the
// seat: its last clause says so (「行けます」「参加でよかです」), and any
// before it is joy, an acknowledgement or a decline denied (「うれしい！
// 行きます」「辞退はしません、参加します」); or it is a yes alone (「はい」
// 「お願いします」) that acknowledges nothing (「了解しました」「はい、わかり
// ました」 only read the push).
func (t *turn) claims(core string) bool {
	clauses := strings.FieldsFunc(core, func(r rune) bool { return strings.ContainsRune("、。,.!！ ", r) })
	if len(clauses) == 0 { // 「はい」「うん」: politeness is all there is
		return t.saysYesAlone() && !t.holds()
	}
	if last := clauses[len(clauses)-1]; !slices.Contains(claimWords, last) {
		return len(clauses) == 1 && t.saysYesAlone() && !t.holds() &&
			!containsAny(strings.ToLower(core), ackWords...)
	}
	for _, c := range clauses[:len(clauses)-1] {
		ack := containsAny(strings.ToLower(c), ackWords...)
		if !ack && !slices.Contains(claimLeads, c) && !slices.Contains(claimWords, c) {
			return false
		}
	}
	return true
}

// claimsLate reports whether core takes the seat and tells of coming late,
// either way round: 「参加しますが少し遅れます」「少し遅れますが行きます」.
func claimsLate(core string) bool {
	for _, w := range claimWords {
		if rest, ok := strings.CutPrefix(core, w); ok && slices.ContainsFunc(lateJoins, func(j string) bool { return strings.HasPrefix(rest, j) }) {
			return true
		}
		if before, ok := strings.CutSuffix(core, w); ok && slices.ContainsFunc(lateJoins, func(j string) bool { return strings.HasSuffix(before, j) }) {
			return true
		}
	}
	return false
}

var (
	claimWords = []string{"行けます", "いけます", "参加します", "参加で", "参加でお願いします", "出ます", "出席します", "行きます",
		"参加させてください", "ぜひ参加させてください", "よろしくお願いします", "参加させていただきます", "行きたいです", "行きたい",
		"参加したいです", "参加したい", "参加でよかです", "参加でいいです", "参加で大丈夫です", "行く", "行くよ", "行くじゃっど",
		"行っど", "いきます", "出席で", "出席でお願いします", "ぜひ行きたいです", "ぜひ参加したいです", "ぜひ参加します", "参加希望です",
		"参加希望", "ok", "okです", "オッケー", "オッケーです", "伺います", "うかがいます", "もちろん行きます", "もちろん参加します"}
	// claimLeads may come before a claim: 「うれしい！行きます」.
	claimLeads = []string{"うれしい", "嬉しい", "うれしいです", "嬉しいです", "やった", "よかった", "ありがとう",
		"ありがとうございます", "助かります", "ぜひ", "辞退はしません", "辞退しません", "はい", "大丈夫です", "大丈夫"}
	// ackWords acknowledge a message without answering it.
	ackWords     = []string{"了解", "りょうかい", "わかりました", "分かりました", "わかった", "分かった", "承知", "かしこまりました", "確認しました", "把握"}
	seatWords    = []string{"辞退", "参加", "行け", "いけ", "遠慮", "出られ", "行き", "行く", "出席", "都合"}
	signUpWords  = []string{"申し込", "申込", "もうしこ", "予約", "エントリー"}
	lateWords    = []string{"遅れ", "遅刻", "途中から", "遅く"}
	lateJoins    = []string{"が", "けど", "けれど", "ので", "、", "。", "!"}
	byWords      = []string{"期限", "締め切り", "締切"}
	untilWords   = []string{"いつまで", "何時まで", "何日まで"}
	replyWords   = []string{"返事", "返信", "回答", "答え", "連絡", "決め", "押"}
	declineWords = []string{"辞退します", "辞退する", "遠慮しておきます", "遠慮します", "行けません", "いけません", "出られません",
		"参加しません", "参加できません", "辞退させていただきます", "辞退させてください", "辞退でお願いします", "辞退で",
		"都合が悪いです", "都合が悪い", "都合がつきません", "無理です", "無理", "行かれん", "行かれません", "行けん",
		"見送ります", "見送りで", "見送りします", "結構です", "やめときます", "やめておきます", "やめます", "不参加", "不参加です",
		"不参加で", "行けなくなりました", "辞退", "辞退です"}
	// offerTopics are the questions about the seminar answered under the
	// offer; its seats are the offer itself.
	offerTopics = []understand.Topic{understand.TopicFee, understand.TopicPlace, understand.TopicTime, understand.TopicAbout}
	// otherWords point to another seminar or registration than the one
	// offered: 「別のセミナー」「申し込んだほう」.
	otherWords = []string{"ほかのセミナー", "他のセミナー", "別のセミナー", "もう一つ", "もうひとつ", "もう1つ",
		"申し込んだ", "申し込んでいる", "申し込んでる", "申込んだ", "予約した", "予約している", "予約してる"}
)

// typedOffer answers the action (offerAnswer) of someone holding an offer;
// ok is false when they hold none, or the text names another seminar than
// the one offered, for the text to be read as anything else.
func typedOffer(t *turn, action string) (replies []Reply, ok bool, err error) {
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, false, fmt.Errorf("registrations of user: %w", err)
	}
	i := slices.IndexFunc(regs, store.Registration.HoldsOffer)
	if i < 0 {
		return nil, false, nil
	}
	held := regs[i]
	if !t.typed(claimLabel) && !t.typed(declineLabel) {
		other, err := t.namesOther(held, regs)
		switch {
		case err != nil:
			return nil, false, err
		case other && action == "decline":
			// 「オンラインのほうは参加しません」: one of their registrations,
			// shown to choose from.
			replies, err := t.start("myregs", startMyRegs)
			return replies, true, err
		case other:
			return nil, false, nil
		}
	}
	id := strconv.FormatInt(held.ID, 10)
	s := held.Seminar
	switch action {
	case "again":
		return t.bot.Offer(held), true, nil
	case "ask":
		return []Reply{{Text: fmt.Sprintf(offerAskText, s.Title, t.bot.at(held.OfferExpiresAt)), Choices: offerChoices(id)}}, true, nil
	case "deadline":
		return []Reply{{Text: fmt.Sprintf(offerByText, t.bot.at(held.OfferExpiresAt)), Choices: offerChoices(id)}}, true, nil
	case "question":
		lines := append([]string{s.Title, t.bot.when(s.StartsAt, s.EndsAt)}, topicLines(s, t.read.Topic)...)
		return append([]Reply{{Text: strings.Join(lines, "\n")}}, t.bot.Offer(held)...), true, nil
	}
	replies, err = answerOffer(t, action+":"+id)
	return replies, true, err
}

// offerChoices are the buttons of the offer of registration id.
func offerChoices(id string) []Choice {
	return []Choice{{Label: claimLabel, Data: offerPrefix + "claim:" + id}, {Label: declineLabel, Data: offerPrefix + "decline:" + id}}
}

// namesOther reports whether the text is about another seminar than the
// held offer's: it points to another (「別のセミナー」「申し込んだほう」) or
// to attending online, when the offer is of a seat at the venue
// (「オンラインのほうは参加しません」), or names a word of another's title
// that the offered one's lacks (「観光のセミナーは行けません」「DXセミナー
// には参加できません」).
func (t *turn) namesOther(held store.Registration, regs []store.Registration) (bool, error) {
	s := strings.ToLower(normalize(t.Input.Text))
	if t.read.Attendance == understand.Online || containsAny(s, otherWords...) {
		return true, nil
	}
	seminars, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, seminarsListed)
	if err != nil {
		return false, fmt.Errorf("list seminars: %w", err)
	}
	for _, r := range regs {
		seminars = append(seminars, r.Seminar)
	}
	offered := strings.ToLower(normalize(held.Seminar.Title))
	for _, sem := range seminars {
		if sem.ID == held.SeminarID {
			continue
		}
		for _, w := range titleWords(sem.Title) {
			if strings.Contains(s, w) && !strings.Contains(offered, w) {
				return true, nil
			}
		}
	}
	return false, nil
}

// titleWords are the words of a title a person may call the seminar by,
// in lower case: its runs of latin letters and of katakana (DX, SNS), and
// the parts of two characters or more of its runs of kanji (観光, 副業,
// 人材), but not the words any seminar may carry (セミナー, オンライン).
// Kana between them (の, を考える) are no words.
func titleWords(title string) []string {
	script := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			return 3
		}
		return 0
	}
	var words []string
	add := func(run []rune, sc int) {
		switch {
		case len(run) < 2:
		case sc == 1:
			for i := range run {
				for j := i + 2; j <= len(run); j++ {
					words = append(words, string(run[i:j]))
				}
			}
		default:
			words = append(words, strings.ToLower(string(run)))
		}
	}
	var run []rune
	prev := 0
	for _, r := range normalize(title) {
		if sc := script(r); sc != prev {
			add(run, prev)
			run, prev = nil, sc
		}
		run = append(run, r)
	}
	add(run, prev)
	return slices.DeleteFunc(words, func(w string) bool {
		return slices.ContainsFunc(genericTitleWords, func(g string) bool { return strings.EqualFold(g, w) }) || w == "勉強会" || w == "入門"
	})
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
	claimed := offerClaimed
	if action == "late" {
		claimed = offerLateText
	}
	return t.registeredMenu(strings.Replace(t.bot.registered(reg, t.Now), semDoneText, claimed, 1), reg), nil
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
