package understand

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func dates(r Reading) string {
	var ds []string
	for _, d := range r.Dates {
		ds = append(ds, d.String())
	}
	return strings.Join(ds, ",")
}

func TestDates(t *testing.T) {
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)  // a Monday, the month's last day
	sunday := time.Date(2026, 12, 27, 23, 30, 0, 0, tokyo) // a Sunday late in the year
	for _, c := range []struct {
		text string
		now  time.Time
		want string
	}{
		{"12月11日のセミナー", monday, "2026-12-11"},
		{"11日で", monday, "2026-12-11"},
		{"30日", monday, "2026-11-30"},    // today
		{"十五日のやつ", monday, "2026-12-15"}, // kanji
		{"二十日", monday, "2026-12-20"},    // kanji tens
		{"１２／１１", monday, "2026-12-11"},  // full width
		{"12/11の回", monday, "2026-12-11"},
		{"来月15日", monday, "2026-12-15"},
		{"来週の水曜", monday, "2026-12-09"},
		{"今週金曜の夕方", monday, "2026-12-04"},
		{"金曜日", monday, "2026-12-04"},
		{"明日", monday, "2026-12-01"},
		{"明後日の午前", monday, "2026-12-02"},
		{"あさって", monday, "2026-12-02"},
		{"5日", sunday, "2027-01-05"},    // passed this month: next month, next year
		{"来月3日", sunday, "2027-01-03"},  // next month across the year
		{"1/8", sunday, "2027-01-08"},   // a month already past this year
		{"来週の月曜", sunday, "2026-12-28"}, // weeks start on Monday
		{"今週の土曜", sunday, "2026-12-26"}, // this week's, already past
		{"明日", sunday, "2026-12-28"},
		{"2027年2月3日", monday, "2027-02-03"},
		{"2月30日", monday, ""},            // no such day
		{"電話は0997-52-1234", monday, ""},  // not a date
		{"15時から", monday, ""},            // a time, not a date
		{"1日中忙しい", monday, "2026-12-01"}, // read as a day: 1日 (a known limit)
	} {
		if got := dates(Read(c.text, c.now, tokyo)); got != c.want {
			t.Errorf("%s (now %s): dates %q, want %q", c.text, c.now.Format(time.DateOnly), got, c.want)
		}
	}
	r := Read("金曜の午後に個別相談を入れたい", monday, tokyo)
	if r.Weekday == nil || *r.Weekday != time.Friday || r.DayPart != Afternoon {
		t.Errorf("金曜の午後: weekday %v, day part %q", r.Weekday, r.DayPart)
	}
}

func TestTimes(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"15時", "15:00"},
		{"午後3時から", "15:00"},
		{"15:00", "15:00"},
		{"１０：３０の枠", "10:30"},
		{"朝9時半", "9:30"},
		{"夜7時", "19:00"},
		{"十時", "10:00"},
		{"午前11時15分", "11:15"},
		{"12/11", ""},
		{"何時からですか", ""},
	} {
		r := Read(c.text, evalNow, tokyo)
		got := ""
		if r.Time != nil {
			got = fmt.Sprintf("%d:%02d", r.Time.Hour, r.Time.Minute)
		}
		if got != c.want {
			t.Errorf("%s: time %q, want %q", c.text, got, c.want)
		}
	}
}

func TestOrdinals(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"2番目", 2}, {"２番目でお願いします", 2}, {"二つ目", 2}, {"三つ目のセミナー", 3}, {"ふたつめ", 2},
		{"最初の", 1}, {"上の", 1}, {"上のにします", 1}, {"一番上", 1},
		{"3", 3}, {"３番", 3}, {"③", 3}, {"1です", 1}, {"4でお願いします", 4},
		{"最後の", -1}, {"一番下", -1}, {"下から2番目", -2},
		{"売上の話", 0}, {"以上です", 0}, {"以上の内容で", 0}, {"一番困っているのは集客", 0},
		{"15日", 0}, {"2人で行きます", 0}, {"3時", 0},
	} {
		if got := Read(c.text, evalNow, tokyo).Ordinal; got != c.want {
			t.Errorf("%s: ordinal %d, want %d", c.text, got, c.want)
		}
	}
}

func TestAttendance(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"会場で", Venue}, {"現地に行きます", Venue}, {"対面で", Venue},
		{"オンラインで", Online}, {"ｚｏｏｍで", Online}, {"リモートで見ます", Online}, {"ネットで見ます", Online},
		{"はい", ""}, {"会場かオンラインか迷ってます", ""},
	} {
		if got := Read(c.text, evalNow, tokyo).Attendance; got != c.want {
			t.Errorf("%s: attendance %q, want %q", c.text, got, c.want)
		}
	}
}

func TestReadAnswerName(t *testing.T) {
	for _, c := range []struct {
		text, want string
		intent     Intent // when the text is no name
	}{
		{"徳之島花子と申します", "徳之島花子", None},
		{"徳之島花子です。よろしくお願いします", "徳之島花子", None},
		{"名前は山田太郎です", "山田太郎", None},
		{"わたしは元田といいます", "元田", None},
		{"佐藤　花子", "佐藤 花子", None},
		{"ｻﾄｳ ﾊﾅｺ", "サトウ ハナコ", None},
		{"Emma Smithです", "Emma Smith", None},
		{"My name is 奄美太郎", "奄美太郎", None},
		{"和泊 花子と申します。", "和泊 花子", None},
		{"はい、龍郷と申します", "龍郷", None},
		{"やめときます", "", Stop},
		{"予約の確認をお願いします", "", MyRegistrations},
		{"メニュー", "", Menu},
		{"はい", "", Yes},
		{"", "", None},
		{"🙏", "", None},
		// Politeness and dialect around the name are not part of it.
		{"ありがとうございます、奄美太郎です", "奄美太郎", None},
		{"奄美太郎じゃが", "奄美太郎", None},
		// A sentence, a correction or a phone number is no name.
		{"わからん", "", BusinessProblem},
		{"ちょっと考えます", "", None},
		{"さっきの名前間違えました", "", BusinessProblem},
		{"奄美太郎 090-1234-5678", "", None},
		{"なし", "", None},
		{"あまみ たろう", "あまみ たろう", None},
		{"前田とです", "前田", None},
		{"田中一郎けど", "田中一郎", None},
		{"母の代わりに送っています。奄美トミです", "奄美トミ", None},
		{"中田 ゆか", "中田 ゆか", None},
		{"森 かな", "森 かな", None},
		{"川畑 あかね", "川畑 あかね", None},
	} {
		v, r, ok := ReadAnswer(c.text, FieldName, evalNow, tokyo)
		if v != c.want || ok != (c.want != "") || r.Intent != c.intent {
			t.Errorf("%q: %q ok=%v intent %q, want %q intent %q", c.text, v, ok, r.Intent, c.want, c.intent)
		}
	}
}

func TestReadAnswerCompany(t *testing.T) {
	for _, c := range []struct {
		text, want string
		none       bool
	}{
		{"喜界です", "喜界", false},
		{"株式会社あまみ商店です", "株式会社あまみ商店", false},
		{"屋号は「島の宿」です", "島の宿", false},
		{"ナイトクルーズ奄美", "ナイトクルーズ奄美", false},
		{"Amami Design Studio", "Amami Design Studio", false},
		{"ＳＨＩＭＡ　ＣＡＦＥです", "SHIMA CAFE", false},
		{"屋号はありません", "", true},
		{"個人です", "", true},
		{"なし", "", true},
		{"特にないです", "", true},
		{"屋号はないけど店の名前は喫茶あまみ", "喫茶あまみ", false},
		{"会社はありませんが、お店は島の宿です", "島の宿", false},
		{"ー", "", true},
	} {
		v, r, ok := ReadAnswer(c.text, FieldCompany, evalNow, tokyo)
		if v != c.want || !ok || r.NoCompany != c.none {
			t.Errorf("%q: %q ok=%v none=%v, want %q none=%v", c.text, v, ok, r.NoCompany, c.want, c.none)
		}
	}
	// Sentences, questions and references are no company, and no 「なし」.
	for _, text := range []string{"わからん", "もう引退しました", "さっき言ったやつ", "電話してほしい", "ちょっと待ってね、会社名調べます",
		"あとでやります", "名前じゃなくて会社名？", "参加費はかからないですよね", "会場に駐車場はないんですか",
		"やっぱりオンラインじゃなくて会場で", "18日のセミナーに行けなくなりました", "店の名前でいいですか？"} {
		if v, r, ok := ReadAnswer(text, FieldCompany, evalNow, tokyo); ok {
			t.Errorf("%q at the company question: %q none=%v, want no answer", text, v, r.NoCompany)
		}
	}
	if v, _, ok := ReadAnswer("有限会社奄美黒糖じゃっど", FieldCompany, evalNow, tokyo); v != "有限会社奄美黒糖" || !ok {
		t.Errorf("有限会社奄美黒糖じゃっど: %q ok=%v, want 有限会社奄美黒糖", v, ok)
	}
	if _, r, ok := ReadAnswer("なし、でもやっぱりやめときます", FieldCompany, evalNow, tokyo); ok || r.Intent != Stop {
		t.Errorf("なし、でもやっぱりやめときます: ok=%v intent %q, want Stop", ok, r.Intent)
	}
	if _, r, ok := ReadAnswer("やっぱりやめます", FieldCompany, evalNow, tokyo); ok || r.Intent != Stop {
		t.Errorf("やっぱりやめます at the company question: ok=%v intent %q, want Stop", ok, r.Intent)
	}
}

func TestContacts(t *testing.T) {
	for _, c := range []struct{ text, phone, email string }{
		{"０９０ー１２３４ー５６７８", "090-1234-5678", ""},
		{"０９０１２３４５６７８", "090-1234-5678", ""},
		{"090 1234 5678", "090-1234-5678", ""},
		{"0997-52-1234", "0997-52-1234", ""},
		{"+81 90-1234-5678", "090-1234-5678", ""},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "", "taro@example.jp"},
		{"メールは Hanako.T@Amami-Mail.jp です。", "", "hanako.t@amami-mail.jp"},
		{"電話 090-1234-5678 メール taro@example.jp", "090-1234-5678", "taro@example.jp"},
		{"12345", "", ""},
		{"090-1234-567", "", ""},  // a digit short: it would reach nobody
		{"0997-52-12345", "", ""}, // a landline has 10
		{"050-1234-5678", "050-1234-5678", ""},
		{"12/11の15:00", "", ""},
	} {
		r := Read(c.text, evalNow, tokyo)
		if r.Phone != c.phone || r.Email != c.email {
			t.Errorf("%q: phone %q email %q, want %q %q", c.text, r.Phone, r.Email, c.phone, c.email)
		}
	}
	if v, _, ok := ReadAnswer("電話 090-1234-5678 メール taro@example.jp", FieldContact, evalNow, tokyo); !ok || v != "taro@example.jp" {
		t.Errorf("contact answer: %q ok=%v, want the e-mail address", v, ok)
	}
	if _, _, ok := ReadAnswer("あとで送ります", FieldContact, evalNow, tokyo); ok {
		t.Error("あとで送ります: ok, want no contact")
	}
}

// Bad input is read quickly and never panics.
func TestOddInput(t *testing.T) {
	long := strings.Repeat("売上が落ちて困っています。", 400) // 5,200 runes
	for _, text := range []string{"", " ", "🙏🙏🙏", "😀", "\x00\xff\xfe", "？？？", long,
		"Hello, セミナーに参加したい please", "我想参加研讨会", "ｾﾐﾅｰに参加したいです", strings.Repeat("1", 5000)} {
		r := Read(text, evalNow, tokyo)
		for _, f := range []Field{FieldName, FieldCompany, FieldContact} {
			if v, _, _ := ReadAnswer(text, f, evalNow, tokyo); len([]rune(v)) > maxRunes {
				t.Errorf("%.20q: %s value of %d runes", text, f, len([]rune(v)))
			}
		}
		if r.Score < 0 || r.Score > 1 {
			t.Errorf("%.20q: score %v", text, r.Score)
		}
	}
	for _, text := range []string{"", " ", "🙏🙏🙏", "\x00\xff\xfe"} {
		if r := Read(text, evalNow, tokyo); r.Intent != None || r.Sure {
			t.Errorf("%q: %q sure=%v, want nothing", text, r.Intent, r.Sure)
		}
	}
	if r := Read(long, evalNow, tokyo); r.Intent != BusinessProblem {
		t.Errorf("a 5,200-character problem: %q", r.Intent)
	}
	if r := Read("Hello, セミナーに参加したい please", evalNow, tokyo); r.Intent != SeminarSignup {
		t.Errorf("mixed language sign-up: %q", r.Intent)
	}
}

func TestPhraseTable(t *testing.T) {
	if len(phrases()) < 100 {
		t.Fatalf("phrases.tsv: %d phrases", len(phrases()))
	}
	for _, bad := range []string{
		"参加したい\tseminar_signup",          // two columns
		"参加したい\tsignup\t0.5",             // unknown intent
		"参加費\tseminar_question/price\t1", // unknown topic
		"質問があ\tseminar_question/ask\t1",  // ask announces a question, not a topic
		"予約\tmy_registrations/ask\t1",    // only a question is announced
		"会場\tattend/home\t1",             // unknown attendance
		"参加したい\tseminar_signup\t2",       // weight out of range
		" \tseminar_signup\t0.5",         // empty phrase
	} {
		if _, err := parsePhrases(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// The unsure reading carries the runner-up, for the yes/no question.
	seen := map[Intent]bool{}
	for _, p := range phrases() {
		seen[Intent(p.label)] = true
	}
	for _, in := range knownIntents {
		if !seen[in] && in != Question {
			t.Errorf("no phrase for %q", in)
		}
	}
	if !slices.Contains(knownIntents, Consult) {
		t.Error("Consult is not scored")
	}
}

// Spellings people type differently are read alike.
func TestSpellings(t *testing.T) {
	for _, c := range []struct {
		text string
		want Intent
	}{
		{"おはよー", Greeting}, {"おはよう〜", Greeting}, {"お願いしまーす", Yes}, {"メニュー", Menu}, {"ﾒﾆｭｰ", Menu},
		{"せみなー参加したい", SeminarSignup}, {"セミナー申込", SeminarSignup}, {"セミナーもうしこみたい", SeminarSignup},
		{"申込の確認", MyRegistrations}, {"申し込みの確認", MyRegistrations}, {"予約を取消したい", CancelRegistration},
		{"ＤＡＴＡじゃなくてデータ削除", DataDeletion},
	} {
		if r := Read(c.text, evalNow, tokyo); r.Intent != c.want || !r.Sure {
			t.Errorf("%s: %q (%.2f, sure %v), want %q", c.text, r.Intent, r.Score, r.Sure, c.want)
		}
	}
}

// A correction names the detail to ask again; a message that only mentions
// a detail corrects nothing.
func TestCorrected(t *testing.T) {
	for text, want := range map[string]Field{
		"名前が違います":       FieldName,
		"さっきの名前間違えました":  FieldName,
		"店の名前を直したい":     FieldCompany,
		"会社名を変えたいです":    FieldCompany,
		"連絡先を間違えました":    FieldContact,
		"電話番号がちがう":      FieldContact,
		"奄美太郎です":        "",
		"名前はあとで言います":    "",
		"違います":          "",
		"喫茶あまみの電話は0997": "",
	} {
		if got := Corrected(text); got != want {
			t.Errorf("Corrected(%q) = %q, want %q", text, got, want)
		}
	}
}

// A hedge or a negation anywhere holds back the yes around it; a yes that
// says "no problem" is no hedge.
func TestHedges(t *testing.T) {
	for text, want := range map[string]bool{
		"データは消さないでください":   true,
		"はい、でも日にちを確認してから": true,
		"確定はまだ":          true,
		"辞退するかも":         true,
		"取り消しはいいです":      true,
		"はいはい、もう何でもいいです": true,
		"いいえ、やっぱりお願いします": true,
		"はい、お願いします":      false,
		"問題ないです":         false,
		"間違いありません":       false,
		"それでいいです":        false,
		"よろしくお願いします":     false,
		"申し込みます":         false,
	} {
		if got := Hedges(text); got != want {
			t.Errorf("Hedges(%q) = %v, want %v", text, got, want)
		}
	}
}
