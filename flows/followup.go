package flows

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
)

// What the follow-ups say: the day after a seminar, a week after a
// consultation, three months after the work with the expert started, and
// the answers to them.
const (
	followThanks     = "昨日は「%s」にご参加いただき、ありがとうございました。\nよろしければ、満足度を1〜5でお聞かせください（5がとても良かった）。\n専門家に詳しく相談したいときは「個別相談を予約する」からどうぞ。"
	followNoShow     = "「%s」へのお申し込みありがとうございました。今回はご参加いただけなかったようですので、次回のセミナーをご案内します。"
	followConsult    = "先日は個別相談（%s）をご利用いただき、ありがとうございました。\nその後、専門家とのお話は進みましたか？"
	followEngagement = "個別相談（%s）のあと、専門家とのお仕事が始まって3か月ほどになります。\n専門家とのお仕事は続いていますか？"
	followBookLabel  = "個別相談を予約する"
	followNextLabel  = "次回のご案内"
	ratedText        = "ご回答ありがとうございます。いただいた声を、これからのセミナーに生かします。"
	rateAgainText    = "すみません、満足度は1〜5の数字でお答えください（5がとても良かった）。"
	startedText      = "よかったです。お仕事がうまく進むよう応援しています。困ったことがあれば、いつでもご相談ください。"
	consideringText  = "承知しました。気になることがあれば、いつでもご相談ください。"
	droppedText      = "承知しました。ほかの専門家をお探しのときは「相談する」からどうぞ。"
	continuingText   = "よかったです。これからもお仕事がうまく進むよう応援しています。"
	endedText        = "お知らせいただき、ありがとうございます。また専門家の力が必要になったときは「相談する」からどうぞ。"
	noContactText    = "承知しました。専門家からまだご連絡がないことを、スタッフに伝えました。確認して、このトークでご連絡します。"
	answeredText     = "すでにご回答いただいています。ありがとうございました。"
	followPrefix     = "fu:" // fu:<follow-up ID>:<answer>
	followAnswerDays = 7     // a typed answer counts for a follow-up sent this many days before
)

type outcomeName struct{ outcome, label, reply string }

// outcomeNames are the consultation follow-up's buttons, in order.
var outcomeNames = []outcomeName{
	{store.OutcomeStarted, "始まった", startedText},
	{store.OutcomeConsidering, "検討中", consideringText},
	{store.OutcomeDropped, "見送った", droppedText},
}

// engagementNames are the engagement follow-up's buttons, in order.
var engagementNames = []outcomeName{
	{store.OutcomeContinuing, "続いている", continuingText},
	{store.OutcomeEnded, "終わった", endedText},
}

// question is a follow-up answered with one of its buttons: a
// consultation's and an engagement's (a seminar's is rated).
type question struct {
	text  string
	names []outcomeName
	words []answerWords // what a typed answer may say instead of a label
}

var questions = map[string]question{
	store.FollowConsultation: {followConsult, outcomeNames, outcomeWords},
	store.FollowEngagement:   {followEngagement, engagementNames, engagementWords},
}

// OutcomeLabel names an outcome for staff: 「始まった」.
func OutcomeLabel(outcome string) string {
	for _, q := range questions {
		for _, o := range q.names {
			if o.outcome == outcome {
				return o.label
			}
		}
	}
	return outcome
}

// FollowupStore is what the answers to follow-ups read and commit.
type FollowupStore interface {
	OpenFollowup(ctx context.Context, userID string, since time.Time) (store.Followup, error)
	AnswerFollowup(ctx context.Context, userID string, id int64, answer string, now time.Time) (store.Followup, error)
}

// Followup is the message of a follow-up, pushed by its job.
func Followup(f store.Followup) []Reply {
	data := func(answer string) string { return followPrefix + strconv.FormatInt(f.ID, 10) + ":" + answer }
	if q, ok := questions[f.Kind]; ok {
		var choices []Choice
		for _, o := range q.names {
			choices = append(choices, Choice{Label: o.label, Data: data(o.outcome)})
		}
		return []Reply{{Text: fmt.Sprintf(q.text, f.Title), Choices: choices}}
	}
	if !f.Attended {
		return []Reply{{Text: fmt.Sprintf(followNoShow, f.Title), Choices: []Choice{{Label: followNextLabel, Data: seminarLabel}}}}
	}
	var choices []Choice
	for n := 1; n <= 5; n++ {
		choices = append(choices, Choice{Label: strconv.Itoa(n), Data: data(strconv.Itoa(n))})
	}
	choices = append(choices, Choice{Label: followBookLabel, Data: bookLabel})
	return []Reply{{Text: fmt.Sprintf(followThanks, f.Title), Choices: choices}}
}

// tappedFollowup records the answer a follow-up's button carries.
func tappedFollowup(t *turn, data string) ([]Reply, error) {
	idText, answer, _ := strings.Cut(strings.TrimPrefix(data, followPrefix), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || t.bot.Followups == nil {
		return t.menu(menuText), nil
	}
	return t.answerFollowup(id, answer)
}

// typedFollowup reads a typed message as the answer to the user's open
// follow-up: 「５」「星5」「とても良かった」, 「始まりました」,
// 「まだ続いています」. A message
// that tries to rate but cannot be read asks again; anything else is not
// an answer (handled is false).
func (t *turn) typedFollowup() (replies []Reply, handled bool, err error) {
	if t.bot.Followups == nil {
		return nil, false, nil
	}
	f, err := t.bot.Followups.OpenFollowup(t.ctx, t.UserID, t.Now.AddDate(0, 0, -followAnswerDays))
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	text := normalize(t.Input.Text)
	if q, ok := questions[f.Kind]; ok {
		if o, ok := readAnswer(text, q.names, q.words); ok {
			replies, err := t.answerFollowup(f.ID, o)
			return replies, true, err
		}
		if f.Kind == store.FollowConsultation && noContactYet(text) { // 「先生から連絡が来ていません」
			replies, err := t.answerFollowup(f.ID, store.OutcomeConsidering)
			return replies, true, err
		}
		return nil, false, nil
	}
	if !f.Attended {
		return nil, false, nil
	}
	n, ok, tried := readRating(text)
	switch {
	case ok:
		replies, err := t.answerFollowup(f.ID, strconv.Itoa(n))
		return replies, true, err
	case tried && !t.read.Sure:
		replies := Followup(f)
		replies[0].Text = rateAgainText
		return replies, true, nil
	}
	return nil, false, nil
}

// answerFollowup records an answer and thanks for it. An answer after the
// user's data was deleted is thanked for and not recorded.
func (t *turn) answerFollowup(id int64, answer string) ([]Reply, error) {
	f, err := t.bot.Followups.AnswerFollowup(t.ctx, t.UserID, id, answer, t.Now)
	switch {
	case errors.Is(err, store.ErrAnswered):
		return t.menu(answeredText), nil
	case errors.Is(err, store.ErrNotFound):
		return t.menu(ratedText), nil
	case err != nil:
		return nil, err
	}
	if f.Kind == store.FollowSeminar {
		t.record("seminar_rated")
		return t.menu(ratedText), nil
	}
	// consultation_started: an engagement began; engagement_continuing: it
	// still goes on three months later.
	t.record(f.Kind + "_" + answer)
	if f.Kind == store.FollowConsultation && t.Input.Kind == Text && t.bot.FAQ != nil && noContactYet(t.Input.Text) {
		// 「まだ連絡が来てないです」: the expert has not called; staff should know.
		if err := t.keepForStaff(truncate(normalize(t.Input.Text), maxProblemRunes), staffKind); err != nil {
			return nil, err
		}
		return t.menu(noContactText), nil
	}
	for _, o := range questions[f.Kind].names {
		if o.outcome == answer {
			return t.menu(o.reply), nil
		}
	}
	return t.menu(ratedText), nil
}

// noContactYet reports whether an answer says the expert has not been in
// touch (「まだ連絡が来てないです」「連絡がない」).
func noContactYet(text string) bool {
	s := normalize(text)
	return (strings.Contains(s, "連絡") || strings.Contains(s, "電話") || strings.Contains(s, "メール")) &&
		containsAny(s, "来てな", "きてな", "来ていません", "きていません", "来な", "こな", "ない", "ありません", "ません")
}

// ratingWords read a rating in words; the first that the text contains
// wins, so a longer phrase comes before the shorter one inside it.
var ratingWords = []struct {
	words []string
	n     int
}{
	{[]string{"良くなかった", "よくなかった", "悪かった", "わるかった", "不満"}, 1},
	{[]string{"いまいち", "イマイチ", "物足りな", "ものたりな", "つまらなかった", "わかりにくかった", "分かりにくかった", "難しすぎ"}, 2},
	{[]string{"とても良かった", "とてもよかった", "すごく良かった", "すごくよかった", "最高", "大満足"}, 5},
	{[]string{"普通", "ふつう", "まあまあ"}, 3},
	{[]string{"良かった", "よかった", "満足", "勉強になりました", "参考になりました", "わかりやすかった", "分かりやすかった", "ためになった", "為になった"}, 4},
}

// scaleRe finds the rating in 「5段階で4」「5点中4点」.
var scaleRe = regexp.MustCompile(`5(?:段階で|点中|点満点で|つのうち)(\d)`)

// readRating reads a satisfaction rating of 1 to 5: 「5」「星5」「★★★★」
// 「5点です」「とても良かった」. tried is true for a short message that
// seems to rate but gives no rating of 1 to 5 (「6」「星10」).
func readRating(s string) (n int, ok, tried bool) {
	s = strings.Join(strings.Fields(s), "")
	if m := scaleRe.FindStringSubmatch(s); m != nil { // 「5段階で4」
		n, _ := strconv.Atoi(m[1])
		return n, n >= 1 && n <= 5, true
	}
	if k := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "。"), "です"), "点"); utf8.RuneCountInString(k) == 1 {
		if n := strings.Index("一二三四五", k); n >= 0 { // 「五です」
			return n/3 + 1, true, true
		}
	}
	if stars := strings.Count(s, "★"); stars > 0 && stars == utf8.RuneCountInString(s) {
		return stars, stars <= 5, true
	}
	var nums []int
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > i {
			v, _ := strconv.Atoi(s[i:j])
			nums = append(nums, v)
			i = j
			continue
		}
		i++
	}
	short := utf8.RuneCountInString(s) <= 8
	if len(nums) == 1 && short {
		return nums[0], nums[0] >= 1 && nums[0] <= 5, true
	}
	for _, w := range ratingWords {
		for _, word := range w.words {
			if strings.Contains(s, word) {
				return w.n, true, true
			}
		}
	}
	return 0, false, short && (len(nums) > 0 || strings.ContainsAny(s, "星★点"))
}

// answerWords are words that mean an outcome in a typed answer.
type answerWords struct {
	words   []string
	outcome string
}

// outcomeWords read the answer to 「その後、専門家とのお話は進みましたか？」;
// the first that the text contains wins.
var outcomeWords = []answerWords{
	{[]string{"見送ってはいな", "見送っていな", "見送ってな", "見送ってません", "やめてな", "やめていな"}, store.OutcomeConsidering},
	{[]string{"見送", "やめ", "止め", "断り", "断っ", "なくなりました", "うまくいかな", "うまくいかん", "だめだった", "ダメだった"}, store.OutcomeDropped},
	// Negations first: 「進んでいません」 holds 進んで, 「始まりませんでした」 始ま.
	{[]string{"検討", "考え中", "考えて", "まだ", "進んでいな", "進んでな", "進んでいません", "進んでおりません", "進んでません", "進んどら", "進んじょら",
		"始まりませ", "始まらな", "始まってな", "始まっていな", "決まりませ", "決まらな", "決まってな", "ぼちぼち"}, store.OutcomeConsidering},
	{[]string{"始ま", "始め", "はじま", "はじめ", "進んで", "進みました", "お願いしました", "依頼しました", "お願いすることに", "頼みました",
		"会う予定", "打ち合わせ", "うまくいって", "連絡ありました", "連絡がありました", "連絡をもらい", "連絡もらい"}, store.OutcomeStarted},
}

// engagementWords read the answer to 「専門家とのお仕事は続いていますか？」;
// the first that the text contains wins, so 「続いていません」 ended.
var engagementWords = []answerWords{
	{[]string{"終わってな", "終わっていな", "終わってません", "終わっておりません", "終わらな"}, store.OutcomeContinuing},
	{[]string{"続けてません", "続けてない", "続いていな", "続いてな", "続いておりません", "続いていません", "続けていな", "続けていません", "続けられていな", "続けられていません", "続けられな",
		"続けてな", "続けとら", "続いとら", "続いちょら", "終わ", "終了", "おわり", "おわっ", "やめ", "止め", "切れ"}, store.OutcomeEnded},
	{[]string{"続い", "続け", "つづい", "継続", "続行"}, store.OutcomeContinuing},
}

// readAnswer reads a short typed answer as one of the buttons' outcomes:
// the label itself, or the first of the words the text contains.
func readAnswer(s string, names []outcomeName, words []answerWords) (string, bool) {
	if utf8.RuneCountInString(s) > 60 {
		return "", false
	}
	for _, o := range names {
		if s == o.label {
			return o.outcome, true
		}
	}
	for _, w := range words {
		for _, word := range w.words {
			if strings.Contains(s, word) {
				return w.outcome, true
			}
		}
	}
	return "", false
}
