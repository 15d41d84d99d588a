package flows

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/understand"
)

// What the bot says when it acts on what a sentence means rather than on a
// button: asking before it drops a flow, asking when unsure, small talk.
const (
	switchText     = "入力中のお手続きを中止して、%sに進みますか？"
	switchYes      = "はい"
	switchNo       = "いいえ、続ける"
	resumeText     = "承知しました。続けます。"
	unsureText     = "%sですか？"
	unsureNo       = "いいえ"
	unsureNoAsk    = "承知しました。ご用件をお選びください。"
	helloText      = "ご連絡ありがとうございます。奄美群島の副業・兼業人材プログラムのアシスタントです。ご用件をお選びください。"
	helloAside     = "こんにちは。"
	thanksText     = "どういたしまして。またいつでもお声がけください。"
	thanksAside    = "どういたしまして。"
	fixLaterText   = "お申し込み済みのお名前や連絡先を直すときは、スタッフが承ります。「人と話したい」と送ってください。"
	unreadText     = "すみません、うまく読み取れませんでした。お困りごとを文章で送るか、下のボタンからお選びください。"
	choiceYes      = "yes"
	choiceNo       = "no"
	minSureProblem = 0.8 // a problem described mid-flow leaves the flow only when this sure
)

// intentNames name what an intent leads to, for 「〇〇に進みますか？」 and
// 「〇〇ですか？」; noLabels answer 「いいえ、〇〇」 when it is the runner-up.
var (
	intentNames = map[understand.Intent]string{
		understand.SeminarSignup:       "セミナーのお申し込み",
		understand.SeminarQuestion:     "セミナーについてのご質問",
		understand.MyRegistrations:     "お申し込みの確認",
		understand.CancelRegistration:  "お申し込みの取り消し",
		understand.ConsultationBooking: "個別相談のご予約",
		understand.Consult:             "お困りごとのご相談",
		understand.BusinessProblem:     "お困りごとのご相談",
		understand.DataDeletion:        "個人情報の削除",
		understand.TalkToStaff:         "スタッフへのお問い合わせ",
		understand.Question:            "ご質問",
		understand.Menu:                "メニュー",
		understand.Reschedule:          "日程の変更",
		understand.AnnounceSettings:    "お知らせ設定",
		understand.AnnounceStop:        "お知らせの配信停止",
		understand.OtherCandidates:     "別の候補のご案内",
	}
	noLabels = map[understand.Intent]string{
		understand.SeminarSignup:       "いいえ、セミナー申込です",
		understand.SeminarQuestion:     "いいえ、質問です",
		understand.MyRegistrations:     "いいえ、申込確認です",
		understand.CancelRegistration:  "いいえ、取り消しです",
		understand.ConsultationBooking: "いいえ、個別相談の予約です",
		understand.Consult:             "いいえ、相談です",
		understand.BusinessProblem:     "いいえ、相談です",
		understand.DataDeletion:        "いいえ、データ削除です",
		understand.TalkToStaff:         "いいえ、スタッフと話したい",
		understand.Question:            "いいえ、質問です",
		understand.Reschedule:          "いいえ、日程の変更です",
		understand.OtherCandidates:     "いいえ、別の候補です",
	}
)

// selection returns the Data of the offered choice the input selects: a
// tapped button, its typed label, its number or position in the list
// (「2」「二つ目」「最後の」), or a yes (「それで大丈夫です」) when one choice is
// offered.
func (t *turn) selection() (string, bool) {
	if t.Input.Kind == Postback {
		return t.Input.Text, true
	}
	if t.Input.Kind != Text {
		return "", false
	}
	s := normalize(t.Input.Text)
	offered := t.next.Offered
	for _, c := range offered {
		if normalize(c.Label) == s {
			return c.Data, true
		}
	}
	if n, ok := listNumber(s); ok && n <= len(offered) && !t.confirming() { // 「1」 sent twice confirms nothing
		return offered[n-1].Data, true
	}
	var list []Choice // the numbered items, without the buttons after them
	for _, c := range offered {
		if _, ok := listNumber(c.Label); ok {
			list = append(list, c)
		}
	}
	switch n := t.read.Ordinal; {
	case n > 0 && n <= len(list):
		return list[n-1].Data, true
	case n == -1 && len(list) > 0:
		return list[len(list)-1].Data, true
	}
	// A yes takes the one thing a step offers, not the one item of a list
	// (「わかりました」 at a list of one registration is no cancellation).
	// The words of a confirmation, as the whole message, agree even where
	// a word of them could hedge elsewhere (「それでよかです」).
	if len(offered) == 1 && !isListItem(offered[0]) && !t.otherButton() && !t.onlyHeard() &&
		(t.confirming() && t.agrees() || !t.holds() && t.saysYesAlone()) {
		return offered[0].Data, true
	}
	return "", false
}

// otherButton reports whether another button's label was typed where it
// would delete, cancel or consent (「確定する」 at データ削除).
func (t *turn) otherButton() bool {
	return (t.destroys() || t.next.Step == consentStep) && t.typedButton()
}

// onlyHeard reports whether the text only says it was heard (「了解しました」
// 「わかりました」) where the step deletes or cancels: what was read is no
// order to erase it.
func (t *turn) onlyHeard() bool {
	moves := t.next.Flow == "move" || t.next.Flow == "bkmove" // a move frees the seat or slot held
	return (t.destroys() || moves) && slices.Contains(heardWords, strings.ToLower(coreWords(t.Input.Text)))
}

var heardWords = []string{"わかりました", "分かりました", "わかった", "分かった", "了解", "了解です", "了解しました",
	"りょうかい", "承知しました", "かしこまりました"}

// destroys reports whether the flow's confirmation deletes or cancels.
func (t *turn) destroys() bool { return t.next.Flow == "delete" || t.next.Flow == "myregs" }

// saysYesAlone reports whether the text says yes and nothing else: what
// follows 「はい、」 must be a yes too (「はい、お願いします」), not news
// (「はい、押し間違いです」「はい、いま運転中」).
func (t *turn) saysYesAlone() bool {
	if !t.says(understand.Yes) {
		return false
	}
	core := coreWords(t.Input.Text)
	if core == "" || core == normalize(t.Input.Text) {
		return true
	}
	r := understand.Read(core, t.Now, t.bot.Loc)
	return r.Sure && r.Intent == understand.Yes
}

func isListItem(c Choice) bool {
	_, ok := listNumber(c.Label)
	return ok
}

// holds reports whether the text, whatever yes is in it, holds back
// (「取り消しは待ってください」「依頼する前に、費用はかかりますか」) or asks
// (「取り消したら返金されますか」): no confirmation. 「大丈夫です」 is also
// "no, thanks": only 「それで大丈夫です」 says yes, and not where the step
// deletes or cancels.
func (t *turn) holds() bool {
	if t.Input.Kind != Text {
		return false
	}
	s := normalize(t.Input.Text)
	// 大丈夫 is also "no, thanks"; 「それで大丈夫です」 says yes to something.
	fine := strings.Contains(s, "大丈夫") && !strings.Contains(s, "で大丈夫")
	return t.asks() || understand.Hedges(s) || strings.Contains(s, "前に") || fine || t.destroys() && strings.Contains(s, "大丈夫")
}

// problemLike are the readings that a problem told at length may get from
// its words (やめる, キャンセル, 予約, 配信停止); the matcher decides.
var problemLike = []understand.Intent{understand.Stop, understand.CancelRegistration, understand.MyRegistrations,
	understand.ConsultationBooking}

// minToldRunes is the length from which such a message may be a problem;
// minStopRunes the length from which a stop naming nothing of ours is one.
const (
	minToldRunes = 15
	minStopRunes = 10
)

// registered reports whether s speaks of what was given in a sign-up or
// booking here (「申し込んだときの名前」「セミナーの登録」), not of the
// owner's business (「会員登録の名前」「予約の名前」).
func registered(s string) bool {
	return containsAny(s, "申し込んだ", "申込んだ", "申し込みの", "セミナー", "勉強会", "個別相談", "このトーク", "ここで登録")
}

// acceptsTheOne reports whether the text takes the one item offered: the
// words of acceptance, or 「この日でお願いします」.
func (t *turn) acceptsTheOne() bool {
	s := normalize(t.Input.Text)
	// A bare はい is not enough: 「工事の日程を変更したい」 read as a move, then
	// はい, would move a registration nobody meant to.
	return t.Input.Kind == Text && !t.asks() && (slices.Contains(acceptWords, coreWords(s)) ||
		strings.HasPrefix(s, "この日") || strings.HasPrefix(s, "その日"))
}

// endsStop reports whether s ends as a plain stop does (「今日はもうやめて
// おきます」), unlike a problem with やめる in it (「すぐやめてしまう」).
func endsStop(s string) bool {
	t := strings.TrimRight(s, "。.!！ ")
	return slices.ContainsFunc([]string{"やめときます", "やめておきます", "やめます", "やめとく", "やめておく", "やめる", "やめた",
		"やめました", "結構です", "いいです", "けっこうです"}, func(e string) bool { return strings.HasSuffix(t, e) })
}

// privacyAsked reports whether a short message asks how what is given
// here is kept, not a problem about personal data in the owner's business.
func privacyAsked(s string) bool {
	n := utf8.RuneCountInString(s)
	// 「賞味期限の保存期間は？」 is about food: the keeping of data must be named.
	kept := containsAny(s, "保存期間", "どのくらい保存", "いつまで保存") && (n <= 6 || containsAny(s, "データ", "情報", "名前", "連絡先"))
	return n <= 15 && !othersData(s) && (containsAny(s, "個人情報の取り扱い", "個人情報の扱い", "プライバシーポリシー") || kept)
}

// othersData reports whether a message about deleting data speaks of the
// owner's business, not of what they gave here.
func othersData(s string) bool {
	return containsAny(s, "お客", "顧客", "従業員", "会員", "ルール", "方法", "整理", "古い", "してしまった", "消えてしまった", "消してしまった", "消えた")
}

// movesTo reports whether a cancellation names the date to go to instead
// (「…22日にしたい」「…来週のに変えて」).
func movesTo(s string) bool {
	return containsAny(s, "日にしたい", "日にして", "日に変え", "日のに変え", "日のにし", "日にずら", "日に変更")
}

// cancelsSomething reports whether a stop, out of any flow, names what
// to cancel (「全部キャンセルしてください」「副業のセミナーはやめます」),
// unlike the キャンセル button of an old message or 「やめときます」.
func cancelsSomething(s string) bool {
	if s == normalize(cancelLabel) {
		return false
	}
	// 「キャンセル規定を作りたい」「キャンセルが多くて」 speak of the owner's business.
	if containsAny(s, "規定", "ルール", "ポリシー", "作りたい", "多い", "多くて", "お客", "されて", "される") {
		return false
	}
	named := containsAny(s, "申し込", "申込", "セミナー", "参加", "予約", "全部", "会場", "オンライン", "相談")
	return strings.Contains(s, "キャンセル") && len([]rune(s)) > len([]rune(cancelLabel)) || strings.Contains(s, "取り消") || named && strings.Contains(s, "やめ")
}

// asks reports whether the text is a question (「キャンセルできますか」
// 「データ削除ってなんですか」「何時からでしたっけ」), whatever it is about.
func (t *turn) asks() bool {
	if t.Input.Kind != Text {
		return false
	}
	s := normalize(t.Input.Text)
	return t.read.Intent == understand.Question || t.read.Intent == understand.SeminarQuestion || understand.IsQuestion(s) ||
		strings.Contains(s, "ってなん") || strings.Contains(s, "って何") || strings.Contains(s, "どうなり") || strings.Contains(s, "どうなる")
}

// typedButton reports whether the text is the label of one of the bot's
// buttons (「予約する」「確定する」), which answers no free-text question.
func (t *turn) typedButton() bool {
	if t.Input.Kind != Text {
		return false
	}
	s := normalize(t.Input.Text)
	for _, l := range buttonLabels {
		if s == normalize(l) {
			return true
		}
	}
	return slices.ContainsFunc(menuChoices, func(c Choice) bool { return s == normalize(c.Label) })
}

var buttonLabels = []string{confirmLabel, inRequestLabel, bkBookLabel, agreeLabel, venueLabel, onlineLabel,
	waitlistLabel, deleteButton, myCancelButton, moveConfirm, inConsultButton, inMoreLabel, bkPickButton}

// agrees reports whether the text, at a confirmation, is a yes in the
// words of what is confirmed (「申し込みます」「依頼してください」「全部消して」),
// or thanks that go on with it (「よろしくお願いします」). The words must
// be the whole message, politeness aside: 「申し込みは見送ります」 holds
// 申し込み too.
func (t *turn) agrees() bool {
	r, core := t.read, coreWords(t.Input.Text)
	switch {
	case r.Intent == understand.Thanks && r.Alt == understand.Yes, core == "よろしくお願いします":
		return true
	case t.next.Offered[0].Data != choiceConfirm:
		// The privacy notice or the waitlist: only a yes agrees.
		return false
	}
	return slices.Contains(confirmWords[t.next.Flow], core) || slices.Contains(acceptWords, core)
}

// acceptWords accept what any confirmation shows (「それでよかです」 is yes
// where a bare 「よかです」 may be "no, thanks").
var acceptWords = []string{"それでよかです", "これでよかです", "それでよか", "これでよか", "それでよろしいです", "これでよろしいです",
	"それでいいです", "これでいいです", "それでお願いします", "そうしてください"}

// coreWords is the text without the politeness around what it says: the
// leading 「はい、」「すみません、」, the ending 「。」「！」.
func coreWords(text string) string {
	s := strings.Join(strings.Fields(normalize(text)), "")
	for changed := true; changed; {
		changed = false
		for _, p := range politeOpenings {
			if rest, ok := strings.CutPrefix(s, p); ok {
				s, changed = strings.TrimLeft(rest, "、。,.!！"), true
			}
		}
	}
	return strings.TrimRight(s, "。.!！")
}

var politeOpenings = []string{"はい", "ええ", "うん", "ありがとうございます", "すみません", "すいません", "では", "じゃあ", "それでは", "やった"}

// confirmWords say, as a whole message, to do what a flow's confirmation
// confirms.
var confirmWords = map[string][]string{
	"intake": {"依頼します", "依頼してください", "依頼お願いします", "依頼をお願いします", "紹介してください",
		"紹介をお願いします", "頼みます", "お願いします", "この人に相談します", "この人に相談したいです", "この人に相談したい",
		"この方に相談します", "この方に相談したいです", "相談します", "相談したいです", "この人でお願いします", "この方でお願いします"},
	"booking": {"予約します", "予約してください", "予約お願いします", "予約をお願いします", "その日時で",
		"その日時でお願いします", "その時間でいいです", "その日でお願いします"},
	"seminar": {"申し込みます", "申込みます", "申込します", "申し込みお願いします", "申し込みをお願いします",
		"申し込みで", "確定で", "確定お願いします", "確定してください", "参加します", "これで申し込みます",
		"これでお願いします"},
	"move":   moveWords,
	"bkmove": moveWords,
	"delete": {"削除してください", "削除して", "消してください", "消して", "全部消して", "全部消してください",
		"削除でお願いします"},
	"myregs": {"取り消してください", "取り消して", "取り消しでお願いします", "取り消しお願いします", "取り消します", "取り消しします",
		"取消でいいです", "取り消しでいいです", "キャンセルしてください", "キャンセルします", "キャンセルでお願いします",
		"キャンセルお願いします"},
}

var moveWords = []string{"変更します", "変更してください", "変更して", "変更お願いします", "変更でお願いします", "変更で構いません",
	"変えてください", "変えて", "変えます"}

// picks reports whether the input selects the offered choice whose Data is data.
func (t *turn) picks(data string) bool {
	got, ok := t.selection()
	return ok && got == data
}

// says reports whether the text surely means intent.
func (t *turn) says(intent understand.Intent) bool {
	return t.read.Sure && t.read.Intent == intent
}

// dated is an item of a list with its start, for 「15日の方」「金曜の午後」.
type dated struct {
	data  string
	start time.Time
}

// meantOf returns the items whose start fits the day and time the text
// names (see meant); asked is false when it names none.
func meantOf[T any](t *turn, items []T, date func(T) dated) (those []T, asked bool) {
	ds := make([]dated, len(items))
	for i, it := range items {
		ds[i] = date(it)
	}
	ids, asked := t.meant(ds)
	for i, it := range items {
		if slices.Contains(ids, ds[i].data) {
			those = append(those, it)
		}
	}
	return those, asked
}

// meant returns the Data of the items whose start fits the day and time the
// text names; asked is false when it names none. A weekday that no item
// falls on at its next date matches the same weekday of later weeks.
func (t *turn) meant(items []dated) (matched []string, asked bool) {
	r := t.read
	if len(r.Dates) == 0 && r.Weekday == nil && r.DayPart == "" && r.Time == nil {
		return nil, false
	}
	fits := func(it dated) bool {
		s := it.start.In(t.bot.Loc)
		if len(r.Dates) > 0 {
			onDate := false
			for _, d := range r.Dates {
				onDate = onDate || d.Year == s.Year() && d.Month == s.Month() && d.Day == s.Day()
			}
			if !onDate {
				return false
			}
		}
		return fitsTime(r, s)
	}
	for _, it := range items {
		if fits(it) {
			matched = append(matched, it.data)
		}
	}
	if len(matched) == 0 && r.Weekday != nil {
		for _, it := range items {
			if s := it.start.In(t.bot.Loc); s.Weekday() == *r.Weekday && fitsTime(r, s) {
				matched = append(matched, it.data)
			}
		}
	}
	return matched, true
}

// fitsTime reports whether s is in the part of the day and at the time r names.
func fitsTime(r understand.Reading, s time.Time) bool {
	h := s.Hour()
	switch r.DayPart {
	case understand.Morning:
		if h >= 12 {
			return false
		}
	case understand.Afternoon:
		if h < 12 || h >= 18 {
			return false
		}
	case understand.Evening:
		if h < 17 {
			return false
		}
	}
	if r.Time == nil {
		return true
	}
	// 「2時から」 is 14:00: nothing the programme holds starts at night.
	hour := r.Time.Hour
	if r.DayPart == "" && hour >= 1 && hour <= 7 {
		hour += 12
	}
	return hour == h && r.Time.Minute == s.Minute()
}

// askedWhen says the day and time the text named: 「12月4日の午後」.
func (t *turn) askedWhen() string {
	r := t.read
	var parts []string
	if len(r.Dates) > 0 {
		d := r.Dates[0]
		parts = append(parts, fmt.Sprintf("%d月%d日", d.Month, d.Day))
	}
	if p, ok := map[string]string{understand.Morning: "午前", understand.Afternoon: "午後", understand.Evening: "夜"}[r.DayPart]; ok {
		parts = append(parts, p)
	}
	if r.Time != nil {
		at := fmt.Sprintf("%d時", r.Time.Hour)
		if r.Time.Minute > 0 {
			at += fmt.Sprintf("%d分", r.Time.Minute)
		}
		parts = append(parts, at)
	}
	return strings.Join(parts, "の")
}

// offStep handles what a step could not use as its answer: a way out, a
// question or small talk (answered, staying at the step), or something to
// do elsewhere (asking first when that would drop what the user typed).
// Anything else re-prompts with text.
func (t *turn) offStep(text string) ([]Reply, error) {
	r := t.read
	in := r.Intent
	switch {
	case t.Input.Kind != Text:
		return t.reprompt(text), nil
	case in == understand.Question || in == understand.SeminarQuestion:
		answer, ok, err := t.answerQuestion(t.Input.Text)
		if err != nil || !ok {
			if err == nil && r.Sure {
				return t.aside(cantAnswerAside), nil
			}
			return t.reprompt(text), err
		}
		return t.aside(answer), nil
	case !r.Sure:
		return t.reprompt(text), nil
	case in == understand.Stop,
		// 「取り消し」 alone in the middle of a flow takes back what is under
		// way; a registration to cancel is named (「11日のは行けなくなった」).
		in == understand.CancelRegistration && t.next.Flow != "myregs" && utf8.RuneCountInString(normalize(t.Input.Text)) <= 6:
		return t.menu(t.stoppedText()), nil
	case in == understand.No && t.confirming() && !t.asks(): // 「同意しないとだめですか」 asks
		return t.menu(t.stoppedText()), nil
	case in == understand.Greeting:
		return t.aside(helloAside), nil
	case in == understand.Thanks:
		return t.aside(thanksAside), nil
	case in == understand.BusinessProblem && r.Score < minSureProblem, intentNames[in] == "":
		return t.reprompt(text), nil
	}
	if t.unfinished() {
		return t.askSwitch(in), nil
	}
	return t.act(in, t.Input.Text)
}

// askSwitch asks whether to drop the answers typed so far for what the
// user now asks (in), keeping the flow paused until they say.
func (t *turn) askSwitch(in understand.Intent) []Reply {
	paused := t.next
	t.next = Session{Flow: "switch", Data: map[string]string{"intent": string(in), "text": t.Input.Text}, Paused: &paused}
	return t.ask("confirm", Reply{Text: fmt.Sprintf(switchText, intentNames[in])},
		Choice{Label: switchYes, Data: choiceYes}, Choice{Label: switchNo, Data: choiceNo})
}

// menuIntents are what the menu's items ask for, typed or tapped in the
// rich menu (which sends their labels as text).
var menuIntents = map[string]understand.Intent{
	consultLabel: understand.Consult, seminarLabel: understand.SeminarSignup,
	bookLabel: understand.ConsultationBooking, myRegsLabel: understand.MyRegistrations,
}

// confirming reports whether the step asks to confirm one thing
// (「よろしいですか？」「同意する」), so that 「いいえ」 means not to.
func (t *turn) confirming() bool {
	o := t.next.Offered
	return len(o) == 1 && (o[0].Data == choiceConfirm || o[0].Data == agreeLabel || o[0].Data == choiceWaitlist)
}

// unfinished reports whether the flow holds answers the user typed that
// leaving it would drop.
func (t *turn) unfinished() bool {
	d := t.next.Data
	return d["name"] != "" || d["company"] != "" || d["contact"] != ""
}

// aside answers without leaving the step, then asks its question again.
func (t *turn) aside(text string) []Reply {
	if t.next.Asked != "" {
		text += "\n\n" + t.next.Asked
	}
	return []Reply{{Text: text, Choices: t.offeredWithWayOut()}}
}

func (t *turn) offeredWithWayOut() []Choice {
	return append(append([]Choice{}, t.next.Offered...), Choice{Label: cancelLabel, Data: cancelLabel})
}

// act does what intent asks, out of any flow; text is what the user wrote,
// and t.read its reading (for the details that come with the intent).
func (t *turn) act(intent understand.Intent, text string) ([]Reply, error) {
	t.next = Session{}
	if answer, ok, err := t.urlAnswer(text); ok || err != nil { // 「セミナーのURLを忘れました」, whatever it was read as
		return t.menu(answer), err
	}
	// 「アルバイトがすぐやめてしまうので定着させたい」「予約のキャンセルが多くて
	// 困っている」: the words of stopping or cancelling in a problem told
	// at length.
	if slices.Contains(problemLike, intent) && utf8.RuneCountInString(normalize(text)) >= minToldRunes && t.describesClearly() {
		return suggest(t, text)
	}
	if slices.Contains(remarkIntents, intent) && !t.describes() {
		if replies, ok, err := t.remark(text); ok || err != nil {
			return replies, err
		}
	}
	switch {
	case understand.Corrected(text) != "" && registered(normalize(text)): // 「セミナーに申し込んだときの名前を変えたい」, not 「会員登録の名前を変えたい」
		return t.menu(fixLaterText), nil
	case intent == understand.CancelRegistration && understand.KeepsAsIs(text),
		intent == understand.Stop && understand.KeepsAsIs(text) && utf8.RuneCountInString(normalize(text)) < minToldRunes:
		return t.menu(myKeptText), nil // 「3日の相談はキャンセルしません」「キャンセルはしません」
	case intent == understand.CancelRegistration && movesTo(normalize(text)):
		return typedMove(t) // 「15日は行けなくなったので22日にしたい」: a move, not a cancellation
	case intent == understand.DataDeletion && understand.KeepsAsIs(text):
		return t.menu(deleteKeptText), nil
	case intent == understand.DataDeletion && (t.asks() || strings.Contains(normalize(text), "いつ")): // 「データ削除ってなんですか」「データはいつ消える」
		return t.menu(deleteWhatText + fmt.Sprintf(retentionText, t.retentionDays())), nil
	case privacyAsked(normalize(text)): // 「個人情報の取り扱い」「プライバシーポリシー」「保存期間は」
		return t.menu(fmt.Sprintf(noticeUseText, t.retentionDays())), nil
	case intent == understand.DataDeletion && othersData(normalize(text)):
		return suggest(t, text) // 「顧客データを消してしまった」「お客さんの個人情報を削除する方法を知りたい」: a problem
	}
	if start, ok := announceIntents[intent]; ok {
		return t.start("announce", func(t *turn) ([]Reply, error) { return start(t, text) })
	}
	switch intent {
	case understand.SeminarSignup:
		return t.start("seminar", startSeminar)
	case understand.SeminarQuestion, understand.Question:
		return answerOutOfFlow(t, text)
	case understand.MyRegistrations, understand.CancelRegistration:
		return t.start("myregs", startMyRegs)
	case understand.Reschedule:
		return typedMove(t)
	case understand.OtherCandidates:
		return typedRetry(t)
	case understand.ConsultationBooking:
		return startTypedBooking(t)
	case understand.Consult:
		if t.bot.Matcher != nil && t.bot.Matcher.Search(text, 1).Confident {
			return suggest(t, text) // 「後継ぎのことで相談したいです」 says what about
		}
		return t.start("intake", startIntake)
	case understand.BusinessProblem:
		return suggest(t, text)
	case understand.DataDeletion:
		return t.start("delete", startDelete)
	case understand.TalkToStaff:
		return talkToStaff(t, text)
	case understand.Greeting:
		if t.describes() { // 「こんにちは、冬になるとお客が来なくて、どうしたらいいでしょうか」
			return suggest(t, text)
		}
		return t.menu(helloText), nil
	case understand.Thanks:
		return t.menu(thanksText), nil
	case understand.Stop:
		s := normalize(text)
		// A stop out of any flow is short, or names what to cancel here; at
		// length it is a problem told (「予約が入らなくて、もう店をやめようか
		// と思ってる」「従業員がすぐやめてしまう」).
		ours := containsAny(s, "キャンセル", "取り消", "セミナー", "勉強会", "申し込", "申込", "参加", "個別相談")
		switch {
		case utf8.RuneCountInString(s) >= minStopRunes && !ours && !endsStop(s):
			return suggest(t, text)
		case cancelsSomething(s): // 「キャンセルお願いします」 with nothing under way: a registration
			return t.start("myregs", startMyRegs)
		}
		return t.menu(nothingToStop), nil
	case understand.Menu:
		if normalize(text) != menuLabel { // 「何ができるの？」「使い方がわからない」
			return t.menu(helpText), nil
		}
	}
	return t.menu(menuText), nil
}

// readFreely handles a message out of any flow by what it means: acting on
// a sure reading, asking one yes/no question on an unsure one.
func (t *turn) readFreely() ([]Reply, error) {
	text, r := t.Input.Text, t.read
	switch {
	case r.Sure:
		return t.act(r.Intent, text)
	case r.Intent == understand.Question || r.Intent == understand.SeminarQuestion:
		// Unsure questions are often problems put as questions
		// (「何から始めればいいか分からない」): the FAQ first, then the
		// professionals when they surely fit.
		answer, ok, err := t.answerQuestion(text)
		if err != nil || ok {
			return t.menu(answer), err
		}
		if t.bot.Matcher != nil && t.bot.Matcher.Search(text, suggestionsShown).Confident {
			return suggest(t, text)
		}
		return offerStaff(t, text), nil
	case intentNames[r.Intent] != "" && r.Intent != understand.Menu:
		alt, no := "", Choice{Label: unsureNo, Data: choiceNo}
		if l := noLabels[r.Alt]; l != "" && l != noLabels[r.Intent] {
			alt, no.Label = string(r.Alt), l
		}
		t.next = Session{Flow: "unsure", Data: map[string]string{"intent": string(r.Intent), "alt": alt, "text": text}}
		return t.ask("confirm", Reply{Text: fmt.Sprintf(unsureText, intentNames[r.Intent])}, t.withStaff([]Choice{{Label: switchYes, Data: choiceYes}, no})...), nil
	case r.Intent == understand.None && t.expired:
		return t.menu(menuText), nil
	case r.Intent == understand.None:
		replies := t.menu(unreadText)
		replies[0].Choices = t.withStaff(replies[0].Choices)
		return replies, nil
	}
	return t.act(r.Intent, text)
}

var switchSteps = map[string]stepFunc{"confirm": confirmSwitch}

// confirmSwitch handles the answer to 「入力中のお手続きを中止して…？」;
// anything else than yes or no asks it again.
func confirmSwitch(t *turn) ([]Reply, error) {
	sw := t.next
	d, paused := t.next.Data, t.next.Paused
	yes, no := t.yesNo()
	t.next = Session{}
	if paused != nil {
		t.next = *paused
	}
	s := normalize(t.Input.Text)
	switch {
	case no, strings.Contains(s, "続け"), strings.Contains(s, "続き"): // 「続ける」「続きをお願いします」 before its yes
		return []Reply{{Text: resumeText + "\n" + t.next.Asked, Choices: t.offeredWithWayOut()}}, nil
	case yes:
		t.read = understand.Read(normalize(d["text"]), t.Now, t.bot.Loc)
		return t.act(understand.Intent(d["intent"]), d["text"])
	}
	// 「はい？」「ちょっと考えます」「わからん」: asked again, not taken as the
	// paused step's answer (it was saved as a company name).
	t.next = sw
	return t.reprompt(missText), nil
}

var unsureSteps = map[string]stepFunc{"confirm": confirmUnsure}

// confirmUnsure handles the answer to 「〇〇ですか？」; anything else is a new message.
func confirmUnsure(t *turn) ([]Reply, error) {
	d := t.next.Data
	yes, no := t.yesNo()
	intent := understand.Intent(d["intent"])
	switch {
	case no && d["alt"] == "":
		return t.menu(unsureNoAsk), nil
	case no:
		intent = understand.Intent(d["alt"])
	case !yes:
		t.next = Session{}
		return t.dispatch()
	}
	t.read = understand.Read(normalize(d["text"]), t.Now, t.bot.Loc)
	return t.act(intent, d["text"])
}

// yesNo reads the answer to a yes/no question: its buttons, typed or
// tapped, or a sentence that means yes or no.
func (t *turn) yesNo() (yes, no bool) {
	if data, ok := t.selection(); ok {
		return data == choiceYes, data == choiceNo
	}
	return t.saysYesAlone() && !t.holds(), t.says(understand.No)
}
