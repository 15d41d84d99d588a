package flows

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the bot says to questions: about seminars, from the staff's FAQ,
// and when it has no answer.
const (
	qFeeLabel       = "参加費: "
	qFeeNone        = "未定です"
	qVenueLabel     = "会場: "
	qAlsoOnline     = "オンラインでも参加できます"
	qOnlineOnly     = "オンラインのみの開催です"
	qOnlineYes      = "オンラインで参加できます"
	qNoURLText      = "参加用のURLは、オンラインでお申し込みいただいた方に、お申し込みの完了時とリマインドでお送りしています。オンラインでのお申し込みは「申込確認」でご確認いただけます。"
	qVenueOnly      = "会場のみの開催です（オンライン参加はありません）"
	qSeatsLeft      = "会場の残り: %d席"
	qSeatsFull      = "会場は満席です（キャンセル待ちができます）"
	qOnlineUnlimit  = "オンライン参加は人数の制限がありません"
	qAboutNone      = "内容のご案内はまだありません"
	qNoSeminarOn    = "%sのセミナーはありません。受付中のセミナーについてお答えします。"
	askAwayText     = "はい、どうぞ。ご質問をそのまま送ってください。"
	unansweredText  = "申し訳ありません。そのご質問には、ここではお答えできません。スタッフに伝えて、このトークでお返事しましょうか？"
	cantAnswerText  = "申し訳ありません。そのご質問には、ここではお答えできません。"
	cantAnswerAside = "申し訳ありません。そのご質問には、ここではお答えできません。お手続きが終わりましたら、もう一度お送りください。"
	forwardLabel    = "スタッフに伝える"
	forwardedText   = "スタッフに伝えました。このトークでお返事しますので、少しお待ちください。"
	staffText       = "承知しました。スタッフに伝えました。このトークでスタッフからお返事します。"
	noStaffText     = "申し訳ありません。いまはこちらからスタッフにおつなぎできません。"
	questionKind    = "unanswered"
	staffKind       = "staff"
)

// FAQStore is what the answers to questions read and commit.
type FAQStore interface {
	// FAQs returns all the staff's answers.
	FAQs(ctx context.Context) ([]store.FAQ, error)
	// RecordQuestion keeps for staff a question the bot could not answer,
	// or a request to talk to staff.
	RecordQuestion(ctx context.Context, q store.Question) error
}

// faqIndex is the index of the FAQ rows last read, built again only when
// staff change them. It is keyed by the rows' content, so one serves every
// Bot, including the per-turn copies bound to a transaction.
var faqIndex faqCache

type faqCache struct {
	mu  sync.Mutex
	sum [sha256.Size]byte
	ix  *understand.FAQIndex
}

func (c *faqCache) index(rows []store.FAQ) *understand.FAQIndex {
	h := sha256.New()
	for _, r := range rows {
		// Separators that no text holds keep rows and fields apart.
		fmt.Fprintf(h, "%s\x1f%s\x1f%s\x1e", r.ID, strings.Join(r.Questions, "\x1d"), r.Answer)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix == nil || sum != c.sum {
		entries := make([]understand.FAQEntry, len(rows))
		for i, r := range rows {
			entries[i] = understand.FAQEntry{ID: r.ID, Questions: r.Questions, Answer: r.Answer}
		}
		c.ix, c.sum = understand.NewFAQIndex(entries), sum
	}
	return c.ix
}

// answerQuestion answers a question about a seminar from its data, or any
// other from the FAQ; ok is false when neither has the answer.
func (t *turn) answerQuestion(text string) (answer string, ok bool, err error) {
	seminar := t.read.Intent == understand.SeminarQuestion && t.read.Topic != ""
	// During a request or a booking, 「お金はかかりますか」 asks about the
	// consultation: the FAQ first there, the seminars' data after.
	consulting := t.next.Flow == "intake" || t.next.Flow == "booking"
	if answer, ok, err := t.urlAnswer(text); ok || err != nil {
		return answer, ok, err
	}
	if namesBothWays(normalize(text)) { // 「会場とオンライン、どっちがいいですか」
		return semWaysText, true, nil
	}
	if privacyAsked(normalize(text)) { // 「保存期間は？」
		return fmt.Sprintf(noticeUseText, t.retentionDays()), true, nil
	}
	if seminar && !consulting {
		answer, err := t.seminarAnswer(t.read.Topic)
		return answer, err == nil, err
	}
	if t.next.Flow == "booking" && t.read.Topic == understand.TopicPlace { // 「会場はどこですか」: the consultation's
		return bkPlaceText, true, nil
	}
	if t.bot.FAQ != nil {
		rows, err := t.bot.FAQ.FAQs(t.ctx)
		if err != nil {
			return "", false, fmt.Errorf("faqs: %w", err)
		}
		if e, _, ok := faqIndex.index(rows).Best(normalize(text)); ok {
			return e.Answer, true, nil
		}
	}
	if answer, ok := t.privacyAnswer(text); ok {
		return answer, true, nil
	}
	if s := normalize(text); strings.Contains(s, "キャンセル") || strings.Contains(s, "取り消") || strings.Contains(s, "取消") {
		return cancelHowText, true, nil // 「キャンセルできますか」
	}
	if seminar {
		answer, err := t.seminarAnswer(t.read.Topic)
		return answer, err == nil, err
	}
	return "", false, nil
}

// seminarAnswer answers about the seminars the user means: those on the day
// they name, the one their registration is about, or all upcoming ones.
func (t *turn) seminarAnswer(topic understand.Topic) (string, error) {
	seminars, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, seminarsListed)
	if err != nil {
		return "", fmt.Errorf("list seminars: %w", err)
	}
	if len(seminars) == 0 {
		return semNoneText, nil
	}
	byID := map[string]store.Seminar{}
	var items []dated
	for _, s := range seminars {
		byID[s.ID] = s
		items = append(items, dated{data: s.ID, start: s.StartsAt})
	}
	var lead []string
	chosen := seminars
	ids, asked := t.meant(items)
	switch {
	case asked && len(ids) == 0:
		lead = append(lead, fmt.Sprintf(qNoSeminarOn, t.askedWhen()))
	case asked:
		chosen = nil
		for _, id := range ids {
			chosen = append(chosen, byID[id])
		}
	case byID[t.ordinalOf(seminarPrefix)].ID != "": // 「2番目のは何時からですか」 at the list
		chosen = []store.Seminar{byID[t.ordinalOf(seminarPrefix)]}
	case byID[t.next.Data["seminar"]].ID != "":
		chosen = []store.Seminar{byID[t.next.Data["seminar"]]}
	default:
		if named := slices.DeleteFunc(slices.Clone(seminars), func(s store.Seminar) bool { return !namesTitle(t.Input.Text, s.Title) }); len(named) > 0 {
			chosen = named // 「勉強会の日程は？」: the one called 勉強会
			break
		}
		// 「場所どこだっけ」 from someone registered: their seminars; but
		// 「12月のセミナーある？」 asks what there is.
		if s := normalize(t.Input.Text); strings.Contains(s, "ある") || strings.Contains(s, "あります") || strings.Contains(s, "やって") {
			break
		}
		regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
		if err != nil {
			return "", fmt.Errorf("registrations of user: %w", err)
		}
		var mine []store.Seminar
		for _, r := range regs {
			if s, ok := byID[r.SeminarID]; ok {
				mine = append(mine, s)
			}
		}
		if len(mine) > 0 {
			chosen = mine
		}
	}
	blocks := lead
	for _, s := range chosen {
		lines := append([]string{s.Title, t.bot.when(s.StartsAt, s.EndsAt)}, topicLines(s, topic)...)
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	return strings.Join(blocks, "\n\n"), nil
}

// namesTitle reports whether text shares a word of two characters or
// more with a seminar's title (勉強会, 観光), other than the words any
// seminar may carry and a question asks about (セミナー, オンライン).
func namesTitle(text, title string) bool { return sharesWord(text, title, 2) }

// namesVenue is namesTitle for a venue, by words of three characters or
// more: 奄美 is in names as often as in places.
func namesVenue(text, venue string) bool { return sharesWord(text, venue, 3) }

// sharesWord reports whether text shares a word of minRunes characters or
// more with name, other than the generic ones.
func sharesWord(text, name string, minRunes int) bool {
	t, r := normalize(text), []rune(normalize(name))
	for i := range r {
		for j := i + minRunes; j <= len(r); j++ {
			w := string(r[i:j])
			if !strings.Contains(t, w) {
				break
			}
			generic := slices.ContainsFunc(genericTitleWords, func(g string) bool { return strings.Contains(g, w) })
			if !generic && unicode.IsLetter(r[i]) && unicode.IsLetter(r[j-1]) {
				return true
			}
		}
	}
	return false
}

var genericTitleWords = []string{"セミナー", "オンライン", "会場", "講座"}

// urlAnswer gives the online link of the user's registrations to a
// message asking for it (「参加URLをもう一度教えてください」「ZoomのURLは
// どこですか」「セミナーのURLを忘れました」); ok is false for anything else.
func (t *turn) urlAnswer(text string) (string, bool, error) {
	s := strings.ToLower(normalize(text))
	// 「ホームページのURLを変えたい」「Zoomの使い方がわからない」 are no
	// questions about a seminar's link.
	zoomAsked := containsAny(s, "zoom", "ズーム") && t.asks()
	if !containsAny(s, urlWords...) || !containsAny(s, urlContext...) && !zoomAsked || containsAny(s, urlMaking...) || t.describesClearly() {
		return "", false, nil
	}
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return "", false, fmt.Errorf("registrations of user: %w", err)
	}
	var blocks []string
	for _, r := range regs {
		if r.Attendance == store.Online && r.Status != store.Canceled && r.Seminar.OnlineURL != "" {
			blocks = append(blocks, strings.Join([]string{r.Seminar.Title, t.bot.when(r.Seminar.StartsAt, r.Seminar.EndsAt), "参加URL: " + r.Seminar.OnlineURL}, "\n"))
		}
	}
	if len(blocks) == 0 {
		return qNoURLText, true, nil
	}
	return strings.Join(blocks, "\n\n"), true, nil
}

var (
	urlWords   = []string{"url", "zoom", "ズーム", "リンク", "参加用のアドレス"}
	urlContext = []string{"参加", "セミナー", "勉強会", "講座"}
	// urlMaking speak of making or using links, the owner's own.
	urlMaking = []string{"使い方", "使いかた", "発行", "仕方", "作り", "開き", "貼", "お客", "参加者", "参加した人", "送りたい", "知らせたい", "送る"}
)

// ordinalOf is the item (without prefix) of the offered list that the
// text names by its position (「2番目の」), or "".
func (t *turn) ordinalOf(prefix string) string {
	var items []string
	for _, c := range t.next.Offered {
		if id, ok := strings.CutPrefix(c.Data, prefix); ok {
			items = append(items, id)
		}
	}
	if n := t.read.Ordinal; n > 0 && n <= len(items) {
		return items[n-1]
	}
	return ""
}

// topicLines answer one question about a seminar from its data.
func topicLines(s store.Seminar, topic understand.Topic) []string {
	switch topic {
	case understand.TopicFee:
		return []string{qFeeLabel + orElse(s.Fee, qFeeNone)}
	case understand.TopicPlace:
		switch {
		case !s.HasVenue():
			return []string{qOnlineOnly}
		case s.HasOnline():
			return []string{qVenueLabel + s.Venue, qAlsoOnline}
		}
		return []string{qVenueLabel + s.Venue}
	case understand.TopicOnline:
		switch {
		case !s.HasVenue():
			return []string{qOnlineOnly}
		case s.HasOnline():
			return []string{qOnlineYes}
		}
		return []string{qVenueOnly}
	case understand.TopicSeats:
		var lines []string
		if s.HasVenue() {
			if left := s.SeatsLeft(); left > 0 {
				lines = append(lines, fmt.Sprintf(qSeatsLeft, left))
			} else {
				lines = append(lines, qSeatsFull)
			}
		}
		if s.HasOnline() {
			lines = append(lines, qOnlineUnlimit)
		}
		return lines
	case understand.TopicAbout:
		return []string{orElse(s.Description, qAboutNone)}
	}
	return nil // the time: shown with every seminar
}

// answerOutOfFlow answers a question, or offers to pass it to staff.
func answerOutOfFlow(t *turn, text string) ([]Reply, error) {
	answer, ok, err := t.answerQuestion(text)
	switch {
	case err != nil || ok:
		return t.menu(answer), err
	case t.read.Announces && utf8.RuneCountInString(normalize(text)) <= maxAnnounceRunes:
		// Only that a question comes: no more to it than the words that
		// say so.
		return t.menu(askAwayText), nil
	}
	return offerStaff(t, text), nil
}

// maxAnnounceRunes bounds a message that only announces a question
// (「ちょっと聞きたいことがあるんですが」 is 17).
const maxAnnounceRunes = 20

// offerStaff says the bot has no answer and offers to pass the question on.
func offerStaff(t *turn, text string) []Reply {
	if t.bot.FAQ == nil {
		return t.menu(cantAnswerText)
	}
	t.next = Session{Flow: "question", Data: map[string]string{"question": truncate(normalize(text), maxProblemRunes)}}
	return t.ask("forward", Reply{Text: unansweredText}, Choice{Label: forwardLabel, Data: choiceYes}, Choice{Label: unsureNo, Data: choiceNo})
}

var questionSteps = map[string]stepFunc{"forward": forwardQuestion}

// forwardQuestion keeps the question for staff on yes; anything else than
// yes or no is a new message.
func forwardQuestion(t *turn) ([]Reply, error) {
	yes, no := t.yesNo()
	switch {
	case yes && t.bot.Handoffs != nil:
		return t.openHandoff(t.next.Data["question"])
	case yes:
		if err := t.keepForStaff(t.next.Data["question"], questionKind); err != nil {
			return nil, err
		}
		return t.menu(forwardedText), nil
	case no:
		return t.menu(unsureNoAsk), nil
	}
	t.next = Session{}
	return t.dispatch()
}

// talkToStaff puts the user through to staff, or passes their request on.
func talkToStaff(t *turn, text string) ([]Reply, error) {
	if t.bot.Handoffs != nil {
		return t.openHandoff("")
	}
	if t.bot.FAQ == nil {
		return t.menu(noStaffText), nil
	}
	if err := t.keepForStaff(truncate(normalize(text), maxProblemRunes), staffKind); err != nil {
		return nil, err
	}
	return t.menu(staffText), nil
}

func (t *turn) keepForStaff(text, kind string) error {
	err := t.bot.FAQ.RecordQuestion(t.ctx, store.Question{UserID: t.UserID, Text: text, Kind: kind, AskedAt: t.Now})
	if err != nil {
		return fmt.Errorf("record question: %w", err)
	}
	return nil
}
