package understand

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// A Field is what a free-text step asked for.
type Field string

const (
	FieldName    Field = "name"
	FieldCompany Field = "company"
	FieldContact Field = "contact" // a phone number or an e-mail address
)

// ReadAnswer reads the answer to a free-text question: it returns the value
// without its frame (「徳之島花子と申します」→徳之島花子, 「喜界です」→喜界) and
// says whether the text is instead an intent: 「やめときます」 at the name
// question is Stop, not a name, and 「予約の確認をお願いします」 is
// MyRegistrations. ok=false: no usable value (look at r.Intent). For
// FieldCompany, 「屋号はありません」 is ok with an empty value and r.NoCompany;
// for FieldContact the value is the e-mail address if one was given, else
// the phone number, and both are in r.
func ReadAnswer(text string, field Field, now time.Time, loc *time.Location) (value string, r Reading, ok bool) {
	r = Read(text, now, loc)
	c := clean(text)
	if field == FieldContact {
		switch {
		case r.Email != "":
			return r.Email, r, true
		case r.Phone != "":
			return r.Phone, r, true
		}
		return "", r, false
	}
	if field == FieldCompany {
		// 「屋号はないけど店の名前は喫茶あまみ」: the shop's name is the answer.
		if m := shopNameRe.FindStringSubmatch(tidy(text)); m != nil {
			if v := companyValue(m[1]); v != "" {
				r.Intent, r.Score, r.Alt, r.Sure, r.Company, r.NoCompany = None, 0, None, false, v, false
				return v, r, true
			}
		}
	}
	if field == FieldCompany && saysNoCompany(c, true) && !(r.Sure && r.Intent == Stop) { // 「なし、でもやっぱりやめときます」
		r.NoCompany = true
		r.Intent, r.Score, r.Alt, r.Sure = None, 0, None, false
		return "", r, true
	}
	typed := tidy(text) // a name keeps the case it was typed in
	value = fieldValue(field, typed)
	if !valueShaped(value, text) {
		// 「母の代わりに送っています。奄美トミです」: the value is in the last sentence.
		parts := strings.FieldsFunc(typed, func(r rune) bool { return r == '。' || r == '\n' })
		if len(parts) < 2 {
			return "", r, false
		}
		typed = parts[len(parts)-1]
		if value = fieldValue(field, typed); !valueShaped(value, typed) {
			return "", r, false
		}
	}
	if instead(r, value != "" && value != typed) {
		return "", r, false
	}
	if field == FieldName {
		r.Name = value
	} else {
		r.Company = value
	}
	if value == "" || !hasLetter(value) || utf8.RuneCountInString(value) > 100 {
		return "", r, false
	}
	// The value is the answer, not a request: drop what Read guessed.
	r.Intent, r.Score, r.Alt, r.Sure = None, 0, None, false
	return value, r, true
}

// fieldValue is the name or company in typed, without its frame.
func fieldValue(field Field, typed string) string {
	if field == FieldName {
		return nameValue(typed)
	}
	return companyValue(typed)
}

// shopNameRe finds a shop's name said after there is no company
// (「屋号はないけど店の名前は喫茶あまみ」).
var shopNameRe = regexp.MustCompile(`(?:ない|ありません|無い)(?:けど|けれど|ですが|が)[、,\s]*((?:お?店の名前|店名|お店)は.+)$`)

// valueShaped reports whether value can be a person's or a shop's name:
// not a sentence (「わからん」「頼みます」「もう引退しました」), not a
// question (「店の名前でいいですか？」), not a correction or a reference to
// what was said before (「さっきの名前間違えました」「さっき言ったやつ」),
// no phone number in it. 「なし」 answers the company question, not the
// name question.
func valueShaped(value, text string) bool {
	c := strings.TrimRight(clean(value), "。.!！?？ ")
	endsSentence := func(s string) bool {
		return slices.ContainsFunc(sentenceEnds, func(e string) bool { return strings.HasSuffix(s, e) })
	}
	// 「中田 ゆか」「スナック らん」「居酒屋 めでたい」: a trade or family name,
	// a space, a name; its end says nothing.
	f := strings.Fields(c)
	spaced := len(f) == 2 && utf8.RuneCountInString(f[0]) <= 8 && utf8.RuneCountInString(f[1]) <= 8
	ends := !spaced && slices.ContainsFunc(strings.Split(c, "。"), endsSentence) // 「母の代わりに送っています。奄美トミ」 too
	return Corrected(text) == "" && !ends && !asksPlainly(clean(text)) && !ContainsAny(c, notNameWords...) &&
		!phoneRe.MatchString(arabic(c)) && !saysNoCompany(c, true)
}

// asksPlainly reports whether c is a question by its mark or its polite
// ending: names end in かな, かね, よね too (「森 かな」「川畑 あかね」).
func asksPlainly(c string) bool {
	t := strings.TrimRight(c, "。.!！ ")
	return strings.ContainsAny(t, "?？") || slices.ContainsFunc([]string{"ですか", "ますか", "でしょうか", "だろうか", "ですよね", "ますよね"}, func(e string) bool { return strings.HasSuffix(t, e) })
}

// notNameWords are in answers that put the question off or remark on it
// (「さっき言ったやつ」「今運転中」「ちょっと後で」「匿名で」), never in a name.
var notNameWords = []string{"さっき", "やっぱり", "後で", "あとで", "運転中", "考え中", "了解", "楽しみ", "匿名", "待って", "どうするの", "忙しい"}

// sentenceEnds end a sentence, never a name.
var sentenceEnds = []string{"ます", "ました", "ません", "ください", "たい", "ない", "らん", "する", "します", "ですか", "のかな", "だろう",
	"ちょうだい", "でいい", "それでいい", "でしょう", "ほしい", "欲しい", "てね", "ですが何か"}

// instead reports whether an answer to a free-text question means something
// else than a value. A business problem counts only when a phrase says so,
// not by default: names and shop names are words too; a greeting, thanks or
// yes around a value in a frame (「山田です。よろしくお願いします」) is
// politeness, but alone (「はい」) it is no value.
func instead(r Reading, framed bool) bool {
	switch r.Intent {
	case None:
		return false
	case BusinessProblem:
		return r.Score >= 0.8
	case Greeting, Thanks, Yes:
		return !framed && r.Score >= 0.5
	}
	return r.Score >= 0.5
}

// Corrected returns the detail a message says was given wrong
// (「名前が違います」「さっきの連絡先、間違えました」「会社名を直したい」), or "".
func Corrected(text string) Field {
	c := clean(text)
	if !ContainsAny(c, correctionWords...) {
		return ""
	}
	for _, f := range []Field{FieldCompany, FieldContact, FieldName} { // 店の名前 is the company
		if ContainsAny(c, fieldWords[f]...) {
			return f
		}
	}
	return ""
}

var (
	correctionWords = []string{"違", "ちが", "間違", "まちが", "直し", "直す", "なおし", "訂正", "変え", "変更", "じゃなく", "ではなく"}
	fieldWords      = map[Field][]string{
		FieldName:    {"名前", "なまえ", "氏名"},
		FieldCompany: {"会社", "屋号", "店名", "店の名"},
		FieldContact: {"連絡先", "電話", "番号", "メール", "アドレス"},
	}
)

// Hedges reports whether a message negates, puts off or hedges what it
// says (「データは消さないでください」「はい、でも家族に相談してから」
// 「確定はまだ」「辞退するかも」): whatever yes is in it, it confirms
// nothing. 「問題ないです」「間違いありません」 are yeses, not negations.
func Hedges(text string) bool {
	c := yesNegations.Replace(clean(text))
	return ContainsAny(c, hedgeWords...)
}

// KeepsAsIs reports whether a message about cancelling, deleting or
// stopping says not to do it, or not yet (「3日の相談はキャンセルしません」
// 「データは消さないでください」「配信停止はまだいいです」「キャンセルしようと
// 思ったけどやめました」): it asks for nothing to change. Unlike Hedges it
// lets through the reasons a cancellation gives (「行けなくなったので
// 取り消してください」).
func KeepsAsIs(text string) bool {
	c := strings.ReplaceAll(clean(text), " ", "")
	for _, m := range notDone.FindAllStringIndex(c, -1) {
		// 「キャンセルしないといけなくなった」「消さないと不安」: must, not don't.
		if after := c[m[1]:]; !strings.HasPrefix(after, "と") && !strings.HasPrefix(after, "きゃ") && !strings.HasPrefix(after, "ければ") {
			return true
		}
	}
	return ContainsAny(c, keepWords...)
}

var (
	// notDone is an action word of cancelling or deleting, then its negation.
	notDone = regexp.MustCompile(`(キャンセル|取り消|取消|消|削除|停止|止め|やめ|辞め|解約)(は|を|も)?(まだ)?(し|さ|せ)?(たく)?(ない|ません|ないで|んで|ずに|なくて|ん$|んよ|んと)`)
	// keepWords put the action off or keep things as they are.
	keepWords = []string{"まだいい", "まだしない", "まだ大丈夫", "まだ結構", "そのままで", "そのままにし", "残して", "残しといて",
		"と思ったけど", "と思いましたが", "と思ったが", "ようかと思って"}
)

var (
	// yesNegations say yes, or are politeness, with a word of hedging in
	// them; they are taken out first.
	yesNegations = strings.NewReplacer("問題ありません", "", "間違いありません", "", "差し支えありません", "",
		"問題ございません", "", "間違いございません", "", "差し支えございません", "", "異存ありません", "", "異論ありません", "",
		"問題ない", "", "間違いない", "", "差し支えない", "", "構いません", "", "かまいません", "", "構わない", "", "かまわない", "",
		"すみません", "", "すいません", "", "申し訳ありません", "", "申し訳ございません", "", "申し訳ない", "",
		"遠慮なく", "", "間違いなく", "", "迷わず", "", "いつでも", "", "何でも", "", "なんでも", "", "すぐにでも", "",
		"ただいま", "", "ただちに", "", "待ち遠し", "", "お待たせ", "", "待ってました", "", "今度こそ", "")
	hedgeWords = []string{"ない", "ません", "なく", "ずに", "せず", "せん", "できん", "いらん", "いいえ", "いや", "だめ", "ダメ",
		"まだ", "待", "保留", "迷", "悩", "考え", "検討", "かも", "かどうか", "かな", "でも", "ただ", "けど", "けれど", "が仕事",
		"てから", "たら", "次第", "後で", "あとで", "明日", "あした", "後日", "今度", "やめ", "辞め", "止め", "中止", "ストップ",
		"見送", "控え", "取り下げ", "結構", "遠慮", "ちょっと", "はいいです", "はいはい", "たぶん", "多分", "しかね", "嫌",
		"無理", "難し", "不要", "不安", "心配", "怖", "気が引け", "困", "冗談", "聞きます", "聞いて", "相談します",
		"相談して", "確認します", "確認したい", "間違え", "別の", "変えたい", "直したい", "なしで", "だけ",
		"けっこう", "ところですが", "ですが", "仮", "…", "...", "するな", "すんな", "でけん", "どうなる", "またに",
		"うんにゃ", "うんや", "ええわ", "ええです", "ええって", "ええと", "ええっと", "えっと", "よかです", "よかよ",
		"そうですね", "そうだね", "いいよいいよ", "押し間違", "間違って"}
)
