package flows

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/amamibot/amamibot/understand"
)

// Out of any flow, sentences about a seminar the user is in, or about
// themselves, that read as a business problem by default
// (「楽しみにしてます」「もしかしたら行けないかもしれません」) and would
// otherwise be asked which business field they are about.
const (
	gladText      = "ありがとうございます。当日お待ちしています。"
	maybeText     = "承知しました。行けなくなったときは、「申込確認」からいつでも取り消せます。"
	laterText     = "承知しました。またいつでもお声がけください。"
	remindNone    = "リマインドは、セミナーにお申し込みいただくと、開催の前にこのトークでお送りします。"
	remindForText = "「%s」: %s"

	maxRemarkRunes = 20 // 「もしかしたら行けないかもしれません」 is 17
)

// remark answers such a sentence; ok is false for anything else.
func (t *turn) remark(text string) (replies []Reply, ok bool, err error) {
	s := normalize(text)
	// A remark is short, or speaks of the seminar; 「来年のカレンダーに島の
	// 行事予定を入れて配りたい」「予約のリマインドをいつ送ればいいか」 are
	// problems of the owner's business.
	aboutUs := utf8.RuneCountInString(s) <= maxRemarkRunes || containsAny(s, "セミナー", "勉強会", "講座", "申し込んだ", "個別相談")
	// 「お客さんが楽しみにしてくれる店にしたい」「また連絡しますと言って
	// 連絡が来ない」「店の予定をカレンダーに追加したい」: others, or the
	// owner's own business.
	others := containsAny(s, "お客", "客さん", "店", "従業員", "スタッフ", "会員", "商品", "祭り", "イベント", "予約を", "言われ", "と言って", "したい店", "くれる")
	switch {
	case !aboutUs || others:
		return nil, false, nil
	case containsAny(s, "カレンダー") && containsAny(s, "入れ", "追加", "登録"): // 「カレンダーに入れたい」
		replies, err := answerCalendar(t, "")
		return replies, true, err
	case containsAny(s, "リマインド") && (t.asks() || containsAny(s, "いつ")) && !containsAny(s, "送れば", "送る", "送り"):
		answer, err := t.reminderAnswer()
		return t.menu(answer), true, err
	case containsAny(s, "行けな", "行けん", "行かれん", "参加できな", "出られな") && containsAny(s, "かも", "わからな", "分からな", "かもしれ"):
		return t.menu(maybeText), true, nil
	case containsAny(s, "楽しみにして", "楽しみです", "楽しみにしとり", "楽しみにしちょり"):
		return t.menu(gladText), true, nil
	case containsAny(s, "聞いてみます", "相談してみます", "考えてみます", "また連絡します", "また連絡する"):
		return t.menu(laterText), true, nil
	}
	return nil, false, nil
}

// reminderAnswer says when the reminders of the user's registrations come.
func (t *turn) reminderAnswer() (string, error) {
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return "", fmt.Errorf("registrations of user: %w", err)
	}
	var lines []string
	for _, r := range regs {
		if p := t.bot.reminderPromise(r, t.Now); p != "" {
			lines = append(lines, fmt.Sprintf(remindForText, r.Seminar.Title, p))
		}
	}
	if len(lines) == 0 {
		return remindNone, nil
	}
	return strings.Join(lines, "\n"), nil
}

// remarkIntents are the readings a remark may have been given.
var remarkIntents = []understand.Intent{understand.BusinessProblem, understand.Question, understand.None}
