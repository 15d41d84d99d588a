package understand

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// An Intent is what a message asks the bot to do.
type Intent string

const (
	None                Intent = ""                     // nothing recognised
	SeminarSignup       Intent = "seminar_signup"       // セミナーに参加したい / 申し込みたい
	SeminarQuestion     Intent = "seminar_question"     // 参加費は？ 会場の住所を教えて 何時から？ 席は空いてますか
	MyRegistrations     Intent = "my_registrations"     // 予約の確認をお願いします
	CancelRegistration  Intent = "cancel_registration"  // 来られなくなってしまいました / 予約をキャンセルしたい
	ConsultationBooking Intent = "consultation_booking" // 個別相談を予約したい / 相談日を決めたい
	Consult             Intent = "consult"              // 相談したい / 相談に乗ってほしい: wants to describe a problem, has not yet
	BusinessProblem     Intent = "business_problem"     // a described business problem (the default for a message that describes one)
	DataDeletion        Intent = "data_deletion"        // データを全部消してほしい
	TalkToStaff         Intent = "talk_to_staff"        // 人と話したい 誰か人に聞けますか
	Greeting            Intent = "greeting"             // こんにちは
	Thanks              Intent = "thanks"               // どうもありがとう
	Menu                Intent = "menu"                 // メニュー / 最初から
	Stop                Intent = "stop"                 // やめときます / キャンセル (of the flow in progress)
	Yes                 Intent = "yes"                  // それで大丈夫です / はい / お願いします
	No                  Intent = "no"                   // いいえ / 違います
	Question            Intent = "question"             // any other question (to be answered from the FAQ)
	Reschedule          Intent = "reschedule"           // 日程を変更したい / 別の日に変えたい
	OtherCandidates     Intent = "other_candidates"     // ほかの人はいませんか / 別の専門家も見たい
)

// A Topic is what a seminar question asks about.
type Topic string

const (
	TopicFee    Topic = "fee"    // 参加費は？
	TopicPlace  Topic = "place"  // 会場の住所を教えて
	TopicTime   Topic = "time"   // 何時から？
	TopicOnline Topic = "online" // オンラインでも見られますか
	TopicSeats  Topic = "seats"  // 席は空いてますか
	TopicAbout  Topic = "about"  // どんな内容ですか
)

// Attendance values.
const (
	Venue  = "venue"
	Online = "online"
)

// Day parts.
const (
	Morning   = "morning"
	Afternoon = "afternoon"
	Evening   = "evening"
)

// Threshold is the Score from which a reading is Sure.
const Threshold = 0.6

// A Reading is what a message means.
type Reading struct {
	Intent Intent
	Score  float64 // 0..1 confidence in Intent
	Alt    Intent  // the runner-up reading, when there is one
	Sure   bool    // Score over the threshold: act; otherwise ask one short yes/no question
	Topic  Topic   // what a SeminarQuestion asks about
	// Announces says that a question comes, not yet asked
	// (「ちょっと聞きたいことがあるんですが」).
	Announces bool

	Dates      []Date        // dates mentioned, resolved against now in loc
	Weekday    *time.Weekday // a weekday said (金曜, 来週の水曜); its next date is in Dates too
	DayPart    string        // Morning, Afternoon or Evening (午前/午後/夕方/夜)
	Time       *Clock        // 15時, 15:00, 午後3時
	Ordinal    int           // 1-based list position: 2番目, 二つ目, 最初の, 上の, 3; -1 for 最後の / 一番下
	Attendance string        // Venue or Online
	Name       string        // a person's name without its frame: 「徳之島花子と申します」→徳之島花子
	Company    string        // a company or shop name without its frame (ReadAnswer with FieldCompany)
	NoCompany  bool          // 「屋号はありません」「個人です」「なし」
	Phone      string        // 090-1234-5678, from any width
	Email      string        // taro@example.jp, from any width
}

// A Date is a day in the calendar, without a time.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// A Clock is a time of day.
type Clock struct{ Hour, Minute int }

// Read reads a free message (out of a flow or at a step that offers
// choices). now and loc resolve relative dates (明日, 来週の水曜).
func Read(text string, now time.Time, loc *time.Location) Reading {
	c := clean(text)
	k := matchForm(c)
	found := findPhrases(k)
	var r Reading
	readDetails(&r, c, now, loc)
	r.Attendance = attendance(found)
	r.Intent, r.Score, r.Alt, r.Topic = classify(c, k, found, &r)
	r.Sure = r.Intent != None && r.Score >= Threshold
	return r
}

// incidental intents are said in passing (「こんにちは、予約の確認を…」): any
// other intent that is fairly sure wins over them.
var incidental = map[Intent]bool{Greeting: true, Thanks: true, Yes: true, Question: true}

// classify scores every intent and returns the best, its score, the
// runner-up and the topic of a seminar question.
func classify(c, k string, found []*phrase, r *Reading) (Intent, float64, Intent, Topic) {
	if k == "" {
		return None, 0, None, ""
	}
	scores := make(map[Intent]float64)
	damp := make(map[Intent]float64)
	var topic Topic
	topicWeight := 0.0
	for _, p := range found {
		if p.label == attendLabel {
			continue
		}
		in := Intent(p.label)
		if p.weight < 0 {
			if _, ok := damp[in]; !ok {
				damp[in] = 1
			}
			damp[in] *= 1 + p.weight
			continue
		}
		scores[in] = 1 - (1-scores[in])*(1-p.weight)
		if p.value == askValue {
			r.Announces = true
			continue
		}
		if p.value != "" && p.weight > topicWeight {
			topic, topicWeight = Topic(p.value), p.weight
		}
	}
	for in, d := range damp {
		scores[in] *= d
	}
	// A request about a sign-up already made names the seminar or the
	// sign-up as its object: 「セミナーの申し込みをキャンセルしたい」 cancels,
	// 「予約内容の確認」 checks; neither signs up or asks about the seminar.
	if scores[DataDeletion] >= 0.6 {
		// 「登録した内容を消したい」 deletes; it does not check.
		scores[MyRegistrations] *= 0.5
	}
	// 「15日は都合が悪くなったので別の日にしたい」 moves the registration;
	// it does not cancel it.
	if scores[Reschedule] >= 0.6 {
		scores[CancelRegistration] *= 0.3
	}
	if scores[CancelRegistration] >= 0.6 || scores[MyRegistrations] >= 0.6 {
		scores[SeminarSignup] *= 0.3
		scores[SeminarQuestion] *= 0.5
	}
	// 「個別相談を取り消したい」「相談の日を変えたい」 name the consultation
	// as their object: they cancel or move it, they do not book one.
	if scores[CancelRegistration] >= 0.6 || scores[Reschedule] >= 0.6 {
		scores[ConsultationBooking] *= 0.3
		scores[Consult] *= 0.3
	}
	// 「面談を申し込みたい」 signs up for a consultation, not a seminar.
	if scores[ConsultationBooking] >= 0.6 {
		scores[SeminarSignup] *= 0.3
	}
	// A slot to talk in is booked: 「相談する日を決めたい」 books, it does not
	// start describing a problem; 「相談できますか」 may mean either.
	if scores[ConsultationBooking] >= 0.6 && scores[ConsultationBooking] > scores[Consult] {
		scores[Consult] *= 0.5
	}
	question := asks(k)
	if question {
		// 「大丈夫？」 asks; it does not agree, and 「いいですか」 does not stop.
		scores[Yes] *= 0.5
		scores[Stop] *= 0.5
		if topic == "" && r.Attendance == Online && scores[BusinessProblem] < 0.3 {
			// 「リモートでも受けられますか」 asks whether one can watch online.
			topic = TopicOnline
			scores[SeminarQuestion] = 1 - (1-scores[SeminarQuestion])*(1-0.3)
		}
		if topic != "" {
			scores[SeminarQuestion] = 1 - (1-scores[SeminarQuestion])*(1-0.4)
		}
		if topic != "" && namesConsultation(k) {
			// 「個別相談って無料？」 asks about the consultation, not a
			// seminar: its fee is for the FAQ, and its free times
			// (「面談は空いてますか」) are the slots to book.
			scores[SeminarQuestion] *= 0.3
			if topic == TopicFee {
				scores[Question] = max(scores[Question], 0.7)
				scores[ConsultationBooking] *= 0.5
			}
		}
	}
	if topic == TopicTime && scores[SeminarSignup] >= 0.5 {
		// 「次のセミナーいつですか？出てみたい」 wants to attend: the list
		// of the sign-up shows when.
		scores[SeminarQuestion] *= 0.5
	}
	if !question {
		// 「その内容で大丈夫です」 mentions the seminar's content; it does
		// not ask about it.
		scores[SeminarQuestion] *= 0.6
	}
	if answers(r, c, question || topic != "") {
		// A position, venue or online, a name or a contact answers the
		// step; only a clear request says more than that, and a yes
		// (「オンラインでお願いします」) is part of the answer.
		for in, s := range scores {
			if s < 0.6 || in == Yes {
				delete(scores, in)
			}
		}
	}
	// Whether the text says something, and how much: kagome runs once, and
	// only when a rule below asks.
	words := sync.OnceValue(func() int { return len(contentWords(cut(c, 60))) })
	runes := utf8.RuneCountInString(c)
	describes := func() bool { return runes >= 8 && words() >= 2 }
	describesAtLength := func() bool { return runes >= 14 && words() >= 3 }
	if runes >= 20 && scores[Greeting]+scores[Thanks] > 0 && max(scores[BusinessProblem], scores[Consult], scores[OtherCandidates]) >= 0.3 && describesAtLength() {
		// 「こんにちは。民宿をやっています。…紹介してもらえたら助かります」:
		// the greeting is politeness around what the message is about.
		scores[Greeting] *= 0.3
		scores[Thanks] *= 0.3
	}
	best, _ := rank(scores)
	if best == BusinessProblem && !answers(r, c, question) && describes() {
		// Some words of a problem, and nothing else asked for: a problem.
		scores[BusinessProblem] = max(scores[BusinessProblem], 0.65)
	} else if question && scores[best] < 0.5 && !answers(r, c, question) && describes() {
		// Any other question is for the FAQ.
		scores[Question] = 0.65
	} else if scores[best] < 0.3 && !answers(r, c, question) && describes() {
		// A message that says something and is no request describes a
		// problem: that is what most owners write first.
		scores[BusinessProblem] = 0.6
	} else if !question && scores[best] < 0.5 && !answers(r, c, question) && describesAtLength() {
		// A long message whose only cue is a word in passing
		// (「…メニューを英語にしたい」) is still most likely a problem.
		scores[BusinessProblem] = 0.6
	} else if question {
		scores[Question] = max(scores[Question], 0.45)
	}
	best, alt := rank(scores)
	if incidental[best] && alt != None && !incidental[alt] && scores[alt] >= 0.5 {
		best, alt = alt, best
	}
	if best == None || scores[best] < 0.3 {
		return None, scores[best], best, ""
	}
	if best != SeminarQuestion {
		topic = ""
	}
	if scores[alt] < 0.3 {
		alt = None
	}
	score := scores[best]
	if scores[alt] >= 0.5 {
		// A close runner-up makes the reading less sure.
		score -= max(0, 0.2-(scores[best]-scores[alt]))
	}
	return best, score, alt, topic
}

// rank returns the intents with the highest and second highest score.
func rank(scores map[Intent]float64) (best, alt Intent) {
	for _, in := range knownIntents {
		s := scores[in]
		switch {
		case s <= 0:
		case best == None || s > scores[best]:
			best, alt = in, best
		case alt == None || s > scores[alt]:
			alt = in
		}
	}
	return best, alt
}

// asks reports whether k (cleaned and folded) is put as a question: by
// its ending, or by asking to be told.
func asks(k string) bool {
	k = trimEmoji(strings.TrimRight(k, " 。.!！…ー笑w"))
	if strings.HasSuffix(k, "よか") { // 「1番の人がよか」: dialect for いい
		return false
	}
	for _, end := range []string{"?", "か", "かな", "かね", "かい", "だろう", "でしょう", "っけ", "の?",
		"いつ", "どこ", "いくら", "何時", "何", "なに", "どう", "どれ", "何人", "は"} {
		if strings.HasSuffix(k, end) {
			return true
		}
	}
	for _, w := range []string{"教えて", "おしえて", "知りたい", "ですか", "ますか"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// namesConsultation reports whether k (cleaned and folded) speaks of a
// consultation and of no seminar.
func namesConsultation(k string) bool {
	for _, w := range []string{"せみなー", "勉強会", "講座", "研修"} {
		if strings.Contains(k, w) {
			return false
		}
	}
	return strings.Contains(k, "相談") || strings.Contains(k, "面談")
}

// answers reports whether r holds the kind of detail a step asks for (a
// name, a contact, a list position, or venue, online, a date or time said
// in a few words, unless asked about): such a message answers a question
// rather than asking for something or describing a problem.
func answers(r *Reading, c string, question bool) bool {
	short := utf8.RuneCountInString(c) <= 14
	return r.Name != "" || r.Phone != "" || r.Email != "" || r.Ordinal != 0 ||
		!question && short && (r.Attendance != "" || len(r.Dates) > 0 || r.Time != nil)
}

// cut returns the first n runes of s.
func cut(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func trimEmoji(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		return r >= 0x2190 && r <= 0x2BFF || r >= 0x1F000 || r == 0xFE0F || r == 0x200D
	})
}
