package understand

import (
	"regexp"
	"strings"
)

// What a message asks of announcements.
const (
	AnnounceSettings Intent = "announce_settings" // お知らせ設定 / セミナーのお知らせがほしい
	AnnounceStop     Intent = "announce_stop"     // 配信停止 / お知らせはもういりません
)

func init() { knownIntents = append(knownIntents, AnnounceSettings, AnnounceStop) }

// A StopMeant is how a message that reads as AnnounceStop means it: the
// words of stopping are in 「配信停止しないでください」 and 「配信停止ってなんですか」
// too, which stop nothing.
type StopMeant int

const (
	StopAll        StopMeant = iota // 「配信停止」「お知らせはもういりません」: stop
	StopKept                        // 「配信停止しないでください」「配信停止はまだいいです」: negated or put off
	StopAsked                       // 「配信停止ってなんですか」「配信停止するとセミナーも来なくなりますか」
	StopComplained                  // 「お知らせが多すぎる」: a complaint, no request to stop
)

// ReadStop reads how a message about stopping announcements means it.
func ReadStop(text string) StopMeant {
	c := politeAsks.Replace(yesNegations.Replace(clean(text)))
	request := ContainsAny(c, stopRequests...)
	if asks(key(text)) && !request {
		return StopAsked // 「止めてもらえますか」 asks for it; 「止めるとどうなりますか」 asks about it
	}
	if ContainsAny(c, stopComplaints...) && !ContainsAny(c, stopActs...) && !ContainsAny(c, stopRefusals...) {
		return StopComplained
	}
	// The words that stop are taken out first: what is left negates or
	// puts off the stopping (「止めないで」 leaves 「ないで」), while
	// 「いりません」 itself is the request.
	rest := c
	for _, w := range stopWords {
		rest = strings.ReplaceAll(rest, w, "/")
	}
	if stopRefused.MatchString(c) || ContainsAny(rest, stopNegations...) {
		return StopKept
	}
	return StopAll
}

// A Switch is what a message that names announcement topics asks of them
// at their settings.
type Switch struct {
	On   bool // 「ツアーもお願いします」
	Off  bool // 「セミナーをオフにして」「求人はいらない」
	Only bool // 「セミナーだけ」: those and no others
	// Kept: the change is negated or put off (「セミナーは止めないで」),
	// so none is made; Asked: it is asked about (「セミナーのお知らせって何ですか」).
	Kept, Asked bool
}

// Switched reads a message that names announcement topics; neither On nor
// Off: a topic named alone, to toggle.
func Switched(text string) Switch {
	c := clean(text)
	switch ReadStop(text) {
	case StopKept:
		return Switch{Kept: true}
	case StopAsked:
		return Switch{Asked: true}
	}
	off := ContainsAny(c, stopActs...) || ContainsAny(c, stopRefusals...)
	return Switch{
		Off:  off,
		On:   !off && ContainsAny(c, wantWords...),
		Only: ContainsAny(c, "だけ", "のみ"),
	}
}

var (
	// stopActs name the act of stopping; stopRefusals refuse what is sent.
	stopActs     = []string{"停止", "止め", "止ま", "とめ", "やめ", "辞め", "中止", "ストップ", "解除", "オフ", "外し", "はずし"}
	stopRefusals = []string{"いらない", "いらん", "いりません", "要らない", "要りません", "不要", "結構", "けっこう",
		"送らないで", "送ってこないで", "来ないで", "こないで", "届かないように", "送らないように"}
	stopWords = append(append([]string{"だけ", "のみ"}, stopRefusals...), stopActs...)
	// stopRefused refuses the stopping itself: 「配信停止は不要です」「止めるのはまだいいです」.
	stopRefused = regexp.MustCompile(`(停止|止め|止める|やめ|やめる|中止|ストップ|解除)(するの|の)?(は|も)(まだ)?(いらない|いらん|いりません|要らない|不要|結構|けっこう|大丈夫|いい)`)
	// stopNegations negate or put off what is left of the message once
	// the words of stopping are out.
	stopNegations = []string{"ない", "ません", "なく", "ずに", "せず", "まだ", "待", "保留", "迷", "悩", "考え", "検討",
		"かも", "かどうか", "後で", "あとで", "今度", "いいえ", "だめ", "ダメ", "するな", "すんな", "控え"}
	// politeAsks ask in the negative: 「止めてもらえませんか」 is a request.
	politeAsks = strings.NewReplacer("もらえません", "もらえ", "いただけません", "いただけ", "くれません", "くれ")
	// stopRequests ask for the stop in the form of a question.
	stopRequests   = []string{"もらえ", "いただけ", "くれ", "ください", "ちょうだい", "お願い"}
	stopComplaints = []string{"多", "うるさ", "しつこ", "頻繁", "うざ", "うっとうし", "鬱陶し", "迷惑"}
	// wantWords ask for a topic: 「ツアーもお願いします」「セミナーのお知らせがほしい」.
	wantWords = []string{"オンに", "オンで", "お願い", "ほしい", "欲しい", "受け取", "うけと", "入れて", "追加", "知りたい", "希望", "送って", "知らせて", "ください"}
)
