package understand

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// readDetails fills the details of r that do not depend on the intent.
func readDetails(r *Reading, c string, now time.Time, loc *time.Location) {
	d := arabic(c)
	// The rules are regular expressions, which cost a scan each: run only
	// those whose key characters occur.
	if strings.ContainsAny(d, "0123456789曜") || slices.ContainsFunc(relativeDays, func(rd relativeDay) bool {
		return strings.Contains(d, rd.word)
	}) {
		readDates(r, d, now, loc)
	}
	if strings.ContainsAny(d, "時:午朝昼夕夜晩") {
		readTime(r, d)
	}
	r.Ordinal = ordinal(d)
	if strings.Contains(c, "名前") || strings.Contains(c, "氏名") || strings.Contains(c, "と申") || strings.Contains(c, "ともうし") || strings.Contains(c, "いいます") || strings.Contains(c, "言います") {
		r.Name = framedName(c)
	}
	if strings.ContainsAny(c, "0123456789") {
		r.Phone = phone(c)
	}
	if strings.Contains(c, "@") {
		r.Email = email(c)
	}
	r.NoCompany = saysNoCompany(c, false)
}

// attendance returns Venue or Online if the phrases found say one of them.
func attendance(found []*phrase) string {
	var venue, online bool
	for _, p := range found {
		if p.label == attendLabel {
			venue = venue || p.value == Venue
			online = online || p.value == Online
		}
	}
	switch {
	case online && !venue:
		return Online
	case venue && !online:
		return Venue
	}
	return ""
}

var kanjiNumRe = regexp.MustCompile(`[〇一二三四五六七八九十]+(月|日|時|分|番|つ目|つめ|個目|件目|回目|本目|人)`)

// arabic writes kanji numbers that count something (十五日, 二つ目, 三時)
// in digits, so that one set of rules reads both. 一番 (the most) stays.
func arabic(c string) string {
	if !strings.ContainsAny(c, "〇一二三四五六七八九十") {
		return c
	}
	c = strings.ReplaceAll(c, "一番目", "1番目") // a position, where 一番 alone is "most"
	return kanjiNumRe.ReplaceAllStringFunc(c, func(s string) string {
		i := strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("〇一二三四五六七八九十", r) })
		num, unit := s[:i], s[i:]
		if num == "一" && unit == "番" {
			return s
		}
		return strconv.Itoa(kanjiNumber(num)) + unit
	})
}

// kanjiNumber reads 〇 to 九十九: 十五, 二十, 三十一.
func kanjiNumber(s string) int {
	digit := func(r rune) int { return strings.IndexRune("〇一二三四五六七八九", r) / 3 }
	n, cur := 0, -1
	for _, r := range s {
		if r == '十' {
			if cur < 0 {
				cur = 1
			}
			n += cur * 10
			cur = -1
			continue
		}
		if cur >= 0 {
			n = n*10 + cur // 二〇 written digit by digit
		}
		cur = digit(r)
	}
	if cur >= 0 {
		n += cur
	}
	return n
}

var (
	ordinalRe     = regexp.MustCompile(`(上から|下から)?(\d{1,2})(?:番目|つ目|つめ|個目|件目|本目|番|ばんめ|ばん)`)
	bareOrdinalRe = regexp.MustCompile(`^(?:no\.?|#)?(\d{1,2})(?:番)?\s*(?:で|です|にします|でお願いします|をお願いします|お願いします|で!|でお願い)?[\s。.!！]*$`)
	firstWords    = []string{"一番上", "いちばん上", "一番最初", "最初", "上の", "上のやつ", "さいしょ", "ひとつめ", "一つめ", "一個目", "一番早", "いちばん早", "早い方", "早いほう", "最短"}
	lastWords     = []string{"一番下", "いちばん下", "最後", "さいご", "下の", "ラスト"}
	kanaOrdinals  = []string{"ひとつめ", "ふたつめ", "みっつめ", "よっつめ", "いつつめ"}
)

// ordinal returns the list position d (digits for numbers) points at: 1 for
// the first, -1 for the last, -2 for the one above it, 0 for none.
func ordinal(d string) int {
	if m := ordinalRe.FindStringSubmatch(d); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "下から" {
			return -n
		}
		return n
	}
	if m := bareOrdinalRe.FindStringSubmatch(d); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	for i, w := range kanaOrdinals {
		if strings.Contains(d, w) {
			return i + 1
		}
	}
	for _, w := range lastWords {
		if strings.Contains(d, w) {
			return -1
		}
	}
	for _, w := range firstWords {
		// 上の is a position after a kana or at the start (上のにします,
		// 一番上の), not inside a word (売上の, 以上の).
		if i := strings.Index(d, w); i >= 0 && (i == 0 || !unicode.Is(unicode.Han, lastRune(d[:i])) || strings.HasSuffix(d[:i], "番")) {
			return 1
		}
	}
	return 0
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

var (
	nameFrameRe = regexp.MustCompile(`^(?:(?:ありがとうございます|よろしくお願いします|はい|えっと|えーと)[、。,.!！\s]*)?(?:(?:私|わたし|わたくし|僕|ぼく|俺)(?:の名前)?は|(?:お?名前|氏名|フルネーム)は|(?i:my name is|i am|i'm)\s)?\s*(.{1,30}?)\s*(?:と申します|ともうします|といいます|と言います|って言います|っていいます|とです|ですけど|ですが|です|でございます|だよ|っす|じゃが|じゃっど|やっど|じゃ|けど|だ)?(?:[、。,.!！\s]|よろしく.*)*$`)
	selfRe      = regexp.MustCompile(`^(?:私|わたし|わたくし|僕|ぼく|俺)(?:の名前)?は`)
	saidNameRe  = regexp.MustCompile(`(?:(?:お?名前|氏名)は\s*(\S{1,20}?)(?:です|でございます|と申します|。|、|$))|(?:(?:^|[、。\s])([^\s、。,.!！]{1,20}?(?:\s[^\s、。,.!！]{1,20}?)?)(?:と申します|ともうします|といいます|と言います))`)
)

// framedName returns the name in a sentence that gives one
// (「徳之島花子と申します」「名前は山田です」), or "".
func framedName(c string) string {
	m := saidNameRe.FindStringSubmatch(c)
	if m == nil {
		return ""
	}
	n := selfRe.ReplaceAllString(m[1]+m[2], "")
	return strings.Trim(n, "「」『』\"' ")
}

// nameValue returns the name in the answer to the name question, without
// its frame.
func nameValue(c string) string {
	if n := framedName(c); n != "" {
		return n
	}
	m := nameFrameRe.FindStringSubmatch(c)
	if m == nil {
		return ""
	}
	return strings.Trim(m[1], "「」『』\"' 、。")
}

var companyFrameRe = regexp.MustCompile(`^(?:(?:会社名|会社|社名|屋号|店名|お店の名前|店の名前|お店|店|うち|うちの店)は)?\s*(.{1,100}?)\s*(?:と申します|といいます|と言います|って言います|っていう(?:店|会社)?です|という(?:店|会社)です|でやってます|でやっています|をやってます|をやっています|を経営しています|になります|でございます|とです|ですけど|です|だよ|っす|じゃっど|じゃが|やっど|じゃ)?(?:[、。,.!！\s]|よろしく.*)*$`)

// companyValue returns the company or shop name in the answer to the
// company question, without its frame.
func companyValue(c string) string {
	m := companyFrameRe.FindStringSubmatch(c)
	if m == nil {
		return ""
	}
	return strings.Trim(m[1], "「」『』\"' 、。")
}

// saysNoCompany reports whether c says there is no company or shop name. Out
// of the company question (asked false) it must name what it lacks:
// 「屋号はありません」.
func saysNoCompany(c string, asked bool) bool {
	if utf8.RuneCountInString(c) > 25 || !asked && !strings.ContainsAny(c, "屋号会社個人") || IsQuestion(c) {
		return false
	}
	// 「株式会社ないと」「居酒屋 行かない」: a trade named is a name.
	if ContainsAny(c, tradeWords...) {
		return false
	}
	switch strings.Trim(c, "。. !！") {
	case "-", "ー", "無", "特に", "とくに":
		return true
	}
	for _, w := range []string{"ありません", "ございません", "なし", "無し", "ナシ", "ないです", "無いです", "ないよ", "ないっす", "個人事業", "個人です", "個人で", "個人の"} {
		if strings.Contains(c, w) {
			return true
		}
	}
	// A short 「特にないよ」 says none; a longer sentence with ない in it is
	// about something else (「18日のセミナーに行けなくなりました」).
	if utf8.RuneCountInString(c) > maxNoneRunes {
		return false
	}
	for _, t := range kagome().Tokenize(c) {
		if base, _ := t.BaseForm(); base == "ない" || base == "無い" {
			return true
		}
	}
	return false
}

// maxNoneRunes is the longest answer whose ない alone says there is no
// company (「会社とかはないです」).
const maxNoneRunes = 12

// IsQuestion reports whether c is put as a question (「会場に駐車場はないんですか」
// 「名前じゃなくて会社名？」「参加費はかからないですよね」).
func IsQuestion(c string) bool {
	t := strings.TrimRight(c, "。.!！ ")
	// A bare か ends names too (「中田 ゆか」「民宿 はるか」): only the
	// endings of a question count.
	return strings.ContainsAny(t, "?？") || slices.ContainsFunc(questionEnds, func(e string) bool { return strings.HasSuffix(t, e) })
}

var tradeWords = []string{"株式会社", "有限会社", "合同会社", "(株)", "(有)", "居酒屋", "喫茶", "民宿", "商店", "スナック", "旅館",
	"食堂", "カフェ", "農園", "工房", "酒造", "ホテル", "商会"}

var questionEnds = []string{"ですか", "ますか", "んか", "のか", "かな", "かね", "よね", "っけ", "でしょうか", "だろうか"}

var (
	phoneRe = regexp.MustCompile(`(?:\+81[\s\-ー−.]?|0)\d(?:[\d\s\-ー−().]{7,14})\d`)
	emailRe = regexp.MustCompile(`[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+`)
)

// phone returns the phone number in c in the form 090-1234-5678 (mobile
// numbers typed without dashes get them; others keep the grouping typed).
func phone(c string) string {
	m := phoneRe.FindString(c)
	if m == "" {
		return ""
	}
	var digits strings.Builder
	var groups []string
	cur := ""
	for _, r := range m {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
			cur += string(r)
		} else if cur != "" {
			groups = append(groups, cur)
			cur = ""
		}
	}
	groups = append(groups, cur)
	ds := digits.String()
	if strings.HasPrefix(m, "+81") {
		ds = "0" + strings.TrimPrefix(ds, "81")
		groups[0] = "0" + strings.TrimPrefix(groups[0], "81")
		if groups[0] == "0" && len(groups) > 1 {
			groups = append([]string{"0" + groups[1]}, groups[2:]...)
		}
	}
	// Mobile and IP numbers (070/080/090/050) have 11 digits, the others
	// 10: 「090-1234-567」 lacks one and would reach nobody.
	if mobile := len(ds) >= 3 && (ds[:3] == "070" || ds[:3] == "080" || ds[:3] == "090" || ds[:3] == "050"); len(ds) != 10 && !mobile || len(ds) != 11 && mobile {
		return ""
	}
	if len(groups) > 1 {
		return strings.Join(groups, "-")
	}
	if len(ds) == 11 {
		return ds[:3] + "-" + ds[3:7] + "-" + ds[7:]
	}
	return ds
}

// email returns the e-mail address in c, in lower case.
func email(c string) string {
	return strings.TrimRight(emailRe.FindString(c), ".-")
}
