package flows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the seminar registration flow says.
const (
	semNoneText        = "現在受付中のセミナーはありません。新しい日程が決まりましたら、こちらでお知らせします。"
	semListText        = "受付中のセミナーです。" + semPickHint
	semDayText         = "条件に合うセミナーです。" + semPickHint
	semNoDayText       = "%sのセミナーはありません。受付中のセミナーです。" + semPickHint
	semPickHint        = "参加したいセミナーの「申し込む」を押すか、番号を送ってください。"
	semNoOnlineText    = "このセミナーは会場のみの開催です。"
	semNoVenueText     = "このセミナーはオンラインのみの開催です。"
	semApplyButton     = "申し込む"
	semClosedText      = "このセミナーは受付を終了しました。ほかのセミナーをお選びください。"
	semAlreadyText     = "このセミナーにはすでにお申し込みいただいています。内容は「申込確認」でご確認いただけます。"
	semAttendText      = "参加方法をお選びください。"
	semLaterText       = "承知しました。ゆっくりご検討ください。決まりましたら、番号を送ってください。"
	semNoContactText   = "セミナーのお申し込みでは、連絡先は伺っていません。"
	semWaitWhatText    = "キャンセル待ちに登録すると、会場に空きが出たときに、登録の順にこのトークでお知らせします。お知らせから参加を決めていただけます。"
	semWaysText        = "会場では、講師やほかの参加者と顔を合わせてお話しできます。オンラインは、ご自宅などからスマホやパソコンで参加できます（参加用のURLはお申し込みの完了時にお送りします）。"
	semVenueFullText   = "会場は満席です。" + semOnlineOrWait
	semVenueOnlyFull   = "会場は満席です。" + semWaitOffer
	semNameText        = "お名前（フルネーム）を送ってください。"
	semNameBad         = "お名前（フルネーム、50文字まで）を送ってください。例: 奄美 太郎"
	semCompanyText     = "会社名・屋号を送ってください。ない場合は「なし」を押してください。"
	semCompanyBad      = "会社名・屋号を送ってください（例: 喫茶あまみ）。ない場合は「なし」を押してください。"
	semConfirmText     = "以下の内容でお申し込みします。よろしければ「確定する」を押してください。"
	semDoneText        = "お申し込みが完了しました。"
	semWaitlistedText  = "キャンセル待ちに登録しました。会場に空きが出たら、こちらでお知らせします。"
	semReminderPromise = "前日にリマインドをお送りします。" // of a consultation
	semSeeMine         = "内容の確認・取り消しは「申込確認」からどうぞ。"
	semJustFullText    = "申し訳ありません。ちょうど会場が満席になりました。"
	semOnlineOrWait    = "オンラインで参加するか、会場のキャンセル待ちに登録できます。"
	semWaitOffer       = "キャンセル待ちに登録しますか？空きが出たら、こちらでお知らせします。"
	venueLabel         = "会場で参加"
	onlineLabel        = "オンラインで参加"
	waitlistLabel      = "キャンセル待ち"
	noCompanyLabel     = "なし"
	confirmLabel       = "確定する"
	maxNameLen         = 50
	maxCompanyLen      = 100
)

const (
	choiceVenue    = "venue"
	choiceOnline   = "online"
	choiceWaitlist = "waitlist"
	choiceConfirm  = "confirm"
	seminarPrefix  = "seminar:"
)

var seminarSteps = map[string]stepFunc{
	"pick":    pickSeminar,
	"consent": takeConsent,
	"attend":  pickAttendance,
	"name":    takeName,
	"company": takeCompany,
	"confirm": confirmRegistration,
	"full":    afterVenueFull,
}

// startSeminar lists the seminars open for registration. When the message
// that started it names a day (「15日のセミナーに」) or a position, it goes
// on with the seminar meant, or lists the ones of that day.
func startSeminar(t *turn) ([]Reply, error) {
	seminars, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, seminarsListed)
	if err != nil {
		return nil, fmt.Errorf("list seminars: %w", err)
	}
	if len(seminars) == 0 {
		return noSeminars(t)
	}
	those, asked := t.seminarsMeant(seminars)
	switch n := t.read.Ordinal; {
	case asked && len(those) == 1:
		return chooseSeminar(t, those[0].ID)
	case asked && len(those) == 0:
		return listSeminars(t, seminars, fmt.Sprintf(semNoDayText, t.askedWhen())), nil
	case asked:
		return listSeminars(t, those, semDayText), nil
	case n > 0 && n <= len(seminars):
		return chooseSeminar(t, seminars[n-1].ID)
	case n == -1:
		return chooseSeminar(t, seminars[len(seminars)-1].ID)
	}
	return listSeminars(t, seminars, semListText), nil
}

// seminarsOn returns the seminars on the day and at the time the text
// names; asked is false when it names none.
func (t *turn) seminarsOn(seminars []store.Seminar) (those []store.Seminar, asked bool) {
	return meantOf(t, seminars, func(s store.Seminar) dated { return dated{data: s.ID, start: s.StartsAt} })
}

// seminarsMeant returns the seminars the text names: by day and time
// (seminarsOn), or else by a word of their title or venue (「観光のやつ」
// 「徳之島のセミナー」); asked is false when it names none.
func (t *turn) seminarsMeant(seminars []store.Seminar) (those []store.Seminar, asked bool) {
	if those, asked = t.seminarsOn(seminars); asked || t.Input.Kind != Text {
		return those, asked
	}
	those = slices.DeleteFunc(slices.Clone(seminars), func(s store.Seminar) bool {
		return !namesTitle(t.Input.Text, s.Title) && !namesVenue(t.Input.Text, s.Venue)
	})
	return those, len(those) > 0
}

// listSeminars shows seminars as cards under lead, to pick from.
func listSeminars(t *turn, seminars []store.Seminar, lead string) []Reply {
	r := Reply{Text: lead, Choices: []Choice{}}
	var offered []Choice
	for i, s := range seminars {
		data := seminarPrefix + s.ID
		r.Cards = append(r.Cards, Card{
			Title:   fmt.Sprintf("%d. %s", i+1, s.Title),
			Lines:   []string{t.bot.when(s.StartsAt, s.EndsAt), place(s)},
			Buttons: []Choice{{Label: semApplyButton, Data: data}},
		})
		offered = append(offered, Choice{Label: strconv.Itoa(i + 1), Data: data})
	}
	return t.ask("pick", r, offered...)
}

// pickSeminar takes the seminar chosen from the list: by button, number,
// position or day (「15日の方」).
func pickSeminar(t *turn) ([]Reply, error) {
	if t.Input.Kind == Text && t.asksAbout() { // 「2番目のは何時からですか」 picks nothing
		return t.offStep(missText)
	}
	if t.Input.Kind == Text && containsAny(normalize(t.Input.Text), laterWords...) {
		// 「考えます」 is no pick of 「事業承継を考える勉強会」.
		return []Reply{{Text: semLaterText, Choices: t.offeredWithWayOut()}}, nil
	}
	data, ok := t.selection()
	if !ok {
		seminars, err := t.offeredSeminars(seminarPrefix)
		if err != nil {
			return nil, err
		}
		those, asked := t.seminarsMeant(seminars)
		switch {
		case len(those) == 1:
			data, ok = seminarPrefix+those[0].ID, true
		case len(those) > 1:
			return listSeminars(t, those, semDayText), nil
		case asked:
			return listSeminars(t, seminars, fmt.Sprintf(semNoDayText, t.askedWhen())), nil
		}
	}
	id, isSeminar := strings.CutPrefix(data, seminarPrefix)
	if !ok || !isSeminar {
		return t.offStep(missText)
	}
	return chooseSeminar(t, id)
}

// offeredSeminars are the seminars of the list the user picks from, whose
// choices' data are prefix and the seminar's ID.
func (t *turn) offeredSeminars(prefix string) ([]store.Seminar, error) {
	seminars, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, seminarsListed)
	if err != nil {
		return nil, fmt.Errorf("list seminars: %w", err)
	}
	return slices.DeleteFunc(seminars, func(s store.Seminar) bool {
		return !slices.ContainsFunc(t.next.Offered, func(c Choice) bool { return c.Data == prefix+s.ID })
	}), nil
}

// chooseSeminar goes on with the seminar id, unless it is over or the user
// is already registered.
func chooseSeminar(t *turn, id string) ([]Reply, error) {
	s, err := t.bot.Seminars.Seminar(t.ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !s.StartsAt.After(t.Now) {
		return t.menu(semClosedText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("seminar %s: %w", id, err)
	}
	mine, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	for _, r := range mine {
		if r.SeminarID == s.ID {
			return t.menu(semAlreadyText), nil
		}
	}
	t.set("seminar", s.ID)
	return askAttendance(t, s)
}

// askAttendance offers the ways the seminar can be attended now; where there
// is only one, or the message said which (「リモートで」), it is taken
// without asking.
func askAttendance(t *turn, s store.Seminar) ([]Reply, error) {
	venue := Choice{Label: venueLabel, Data: choiceVenue}
	online := Choice{Label: onlineLabel, Data: choiceOnline}
	waitlist := Choice{Label: waitlistLabel, Data: choiceWaitlist}
	seats := s.SeatsLeft() > 0
	want := t.wantedAttendance()
	var note string // when the way the message asked for is not offered
	switch {
	case want == understand.Online && s.HasOnline(), want == understand.Venue && s.HasVenue() && seats:
		t.set("attendance", attendanceChoices[want])
		return afterAttendance(t)
	case want == understand.Online:
		note = semNoOnlineText
	case want == understand.Venue && !s.HasVenue():
		note = semNoVenueText
	}
	var replies []Reply
	switch {
	case s.HasVenue() && s.HasOnline() && seats:
		replies = t.ask("attend", Reply{Text: semAttendText + "\n会場: " + s.Venue}, venue, online)
	case s.HasVenue() && s.HasOnline():
		replies = t.ask("attend", Reply{Text: semVenueFullText}, online, waitlist)
	case s.HasVenue() && !seats:
		replies = t.ask("attend", Reply{Text: semVenueOnlyFull}, waitlist)
	default:
		if s.HasVenue() {
			t.set("attendance", choiceVenue)
		} else {
			t.set("attendance", choiceOnline)
		}
		var err error
		if replies, err = afterAttendance(t); err != nil {
			return nil, err
		}
	}
	if note != "" {
		replies[0].Text = note + "\n" + replies[0].Text
	}
	return replies, nil
}

// attendanceChoices are the choices of the ways of attending a message may say.
var attendanceChoices = map[string]string{understand.Online: choiceOnline, understand.Venue: choiceVenue}

// attendanceChoice is the offered way of attending the input picks: a
// button, or a sentence (「リモートで見ます」「会場に行きます」).
func (t *turn) attendanceChoice() (string, bool) {
	if data, ok := t.selection(); ok {
		return data, true
	}
	want := attendanceChoices[t.wantedAttendance()]
	if want != "" && slices.ContainsFunc(t.next.Offered, func(c Choice) bool { return c.Data == want }) {
		return want, true
	}
	s := normalize(t.Input.Text)
	waits := strings.Contains(s, waitlistLabel) || strings.Contains(s, "待ちます") || strings.Contains(s, "空いたら") // 「空いたら教えてください」
	if waits && !understand.IsQuestion(s) && !containsAny(s, refusals...) &&
		slices.ContainsFunc(t.next.Offered, func(c Choice) bool { return c.Data == choiceWaitlist }) {
		return choiceWaitlist, true // 「キャンセル待ちでお願いします」, not 「キャンセル待ちはしません」
	}
	if strings.Contains(s, "どっちでも") || strings.Contains(s, "どちらでも") {
		return t.next.Offered[0].Data, true // 「どっちでもいいです」: the first offered
	}
	return "", false
}

// asksAbout reports whether the text asks a seminar's time, place, fee or
// subject: a question about an item of a list, not its choice.
func (t *turn) asksAbout() bool {
	return t.read.Intent == understand.SeminarQuestion && t.read.Topic != "" && t.asks()
}

// aboutWaitlist reports whether the text is about the waitlist offered
// without joining it (「キャンセル待ちって何ですか」「キャンセル待ちはしません」).
func (t *turn) aboutWaitlist() bool {
	return t.Input.Kind == Text && strings.Contains(normalize(t.Input.Text), waitlistLabel) &&
		slices.ContainsFunc(t.next.Offered, func(c Choice) bool { return c.Data == choiceWaitlist })
}

// aboutWaitlistAnswer says how the waitlist works, or stops when it is
// refused.
func (t *turn) aboutWaitlistAnswer() ([]Reply, error) {
	if t.asks() {
		return t.aside(semWaitWhatText), nil
	}
	return t.menu(cancelledText), nil
}

// asksWhichWay reports whether the text asks how the ways of attending
// differ or work (「会場とオンライン、どっちがいいですか」「違いは？」
// 「オンラインはどうやって見るんですか」).
func (t *turn) asksWhichWay() bool {
	s := normalize(t.Input.Text)
	both := namesBothWays(s)
	how := asksHow(s)
	return t.Input.Kind == Text && t.holds() && (both || strings.Contains(s, "違い") || how && t.read.Attendance != "")
}

// otherSeminar answers, at a sign-up's confirmation, a wish for another
// date (「日にちを変えたい」「やっぱり18日のにしたい」): the seminar named,
// or the list, keeping the name and company. ok is false for anything else.
func (t *turn) otherSeminar() (replies []Reply, ok bool, err error) {
	if t.Input.Kind != Text || t.asks() || !t.says(understand.Reschedule) && len(t.read.Dates) == 0 {
		return nil, false, nil
	}
	seminars, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, seminarsListed)
	if err != nil {
		return nil, true, fmt.Errorf("list seminars: %w", err)
	}
	those, asked := t.seminarsMeant(seminars)
	switch {
	case len(those) == 1 && those[0].ID != t.next.Data["seminar"]:
		replies, err := chooseSeminar(t, those[0].ID)
		return replies, true, err
	case asked && len(those) == 0:
		return listSeminars(t, seminars, fmt.Sprintf(semNoDayText, t.askedWhen())), true, nil
	case len(those) > 1:
		return listSeminars(t, those, semDayText), true, nil
	}
	return listSeminars(t, seminars, semListText), true, nil
}

// asksFor reports whether a question asks for something (「会場でもいい
// ですか」「オンラインにできますか」), a wish put politely.
func asksFor(s string) bool {
	return slices.ContainsFunc([]string{"でもいいですか", "でいいですか", "にできますか", "に変えられますか", "にしてもいいですか",
		"でもいい?", "でもいい？", "でも大丈夫ですか", "でもよかですか"}, func(e string) bool { return strings.HasSuffix(strings.TrimRight(s, "。 "), e) })
}

// asksHow reports whether s asks how something is done.
func asksHow(s string) bool {
	return containsAny(s, "どうやって", "どうすれば", "どうしたら", "やり方", "見方")
}

// namesBothWays reports whether s names the venue and online.
func namesBothWays(s string) bool {
	return strings.Contains(s, "会場") && namesOnline(s)
}

// namesOnline reports whether s names attending online.
func namesOnline(s string) bool {
	return strings.Contains(s, "オンライン") || strings.Contains(s, "ネット") || strings.Contains(s, "リモート")
}

// wantedAttendance is the way of attending the text asks for (understand's
// Venue or Online), or "": the one wished last when both are named
// (「会場は遠いのでネットで」), the other one when the text refuses one
// (「会場には行けません」「オンラインは苦手なので」「会場は、ちょっと無理です」),
// none in a question (「オンラインはどうやって見るんですか」).
func (t *turn) wantedAttendance() string {
	if t.Input.Kind != Text {
		return t.read.Attendance
	}
	// The last clause naming a way, with the clauses after it that name none.
	cs := clauses(t.Input.Text)
	said, from := "", 0
	for i, c := range cs {
		if a := understand.Read(c, t.Now, t.bot.Loc).Attendance; a != "" {
			said, from = a, i
		}
	}
	whole := normalize(t.Input.Text)
	switch {
	case said == "" && asksFor(whole): // 「オンラインでもいいですか」 reads as no way, but asks for one
		if namesOnline(whole) {
			return understand.Online
		}
		if strings.Contains(whole, "会場") {
			return understand.Venue
		}
		return ""
	case said == "" && t.asks():
		return ""
	case said == "":
		return t.read.Attendance
	case (understand.IsQuestion(cs[from]) || asksHow(cs[from])) && !asksFor(cs[from]):
		// 「オンラインはどうやって見るんですか」; not 「オンラインで参加したい
		// けど、録画は見られますか」, nor 「会場でもいいですか」, which asks for it.
		return ""
	}
	about := strings.Join(cs[from:], "、")
	if containsAny(about, refusals...) {
		return map[string]string{understand.Venue: understand.Online, understand.Online: understand.Venue}[said]
	}
	return said
}

// refusals say a way of attending will not do.
var refusals = []string{"ない", "ません", "無理", "苦手", "難し", "厳し", "行けん", "行かん", "行かれん", "できん", "せん", "やめ"}

// clauses cuts text at its reasons and contrasts (「…ので」「…けど」
// 「…じゃなくて」「、」), where a wish or a refusal changes.
func clauses(text string) []string {
	s := normalize(text)
	for _, sep := range []string{"ので", "から", "けど", "けれど", "なくて", "ではなく", "やめて", "が、", "。"} {
		s = strings.ReplaceAll(s, sep, sep+"、")
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == '、' })
}

func pickAttendance(t *turn) ([]Reply, error) {
	data, ok := t.attendanceChoice()
	if !ok && t.asksWhichWay() {
		return t.aside(semWaysText), nil
	}
	if !ok && t.aboutWaitlist() {
		return t.aboutWaitlistAnswer()
	}
	if !ok {
		return t.offStep(missText)
	}
	t.set("attendance", data)
	return afterAttendance(t)
}

// afterAttendance asks for the name, or, when the way of attending was
// changed at the confirmation (「やっぱりオンラインで」), confirms again.
func afterAttendance(t *turn) ([]Reply, error) {
	if t.next.Data["name"] != "" {
		return askRegistrationConfirm(t)
	}
	return askPersonal(t, "name")
}

func takeName(t *turn) ([]Reply, error) {
	if t.Input.Kind != Text || t.typedButton() {
		return t.reprompt(semNameBad), nil
	}
	name, r, ok := understand.ReadAnswer(normalize(t.Input.Text), understand.FieldName, t.Now, t.bot.Loc)
	if !ok {
		t.read = r
		return t.offStep(semNameBad)
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return t.reprompt(semNameBad), nil
	}
	t.set("name", name)
	return t.ask("company", Reply{Text: semCompanyText}, Choice{Label: noCompanyLabel, Data: noCompanyLabel}), nil
}

// readCompany reads a company name, or none (「なし」「屋号はありません」);
// ok is false when the input is neither, and t.read then says what it is.
func readCompany(t *turn) (company string, ok bool) {
	if t.Input.Kind == Postback {
		return "", t.Input.Text == noCompanyLabel
	}
	if t.Input.Kind != Text || t.typedButton() { // 「予約する」 is no company
		return "", false
	}
	company, r, ok := understand.ReadAnswer(normalize(t.Input.Text), understand.FieldCompany, t.Now, t.bot.Loc)
	t.read = r
	if !ok || utf8.RuneCountInString(company) > maxCompanyLen {
		return "", false
	}
	return company, true
}

func takeCompany(t *turn) ([]Reply, error) {
	if replies, ok, err := t.corrected(); ok || err != nil {
		return replies, err
	}
	company, ok := readCompany(t)
	if !ok {
		return t.offStep(semCompanyBad)
	}
	t.set("company", company)
	return askRegistrationConfirm(t)
}

func askRegistrationConfirm(t *turn) ([]Reply, error) {
	s, err := t.bot.Seminars.Seminar(t.ctx, t.next.Data["seminar"])
	if err != nil {
		return nil, fmt.Errorf("seminar %s: %w", t.next.Data["seminar"], err)
	}
	summary := []string{
		semConfirmText, "",
		"セミナー: " + s.Title,
		"日時: " + t.bot.when(s.StartsAt, s.EndsAt),
		"参加方法: " + map[string]string{choiceVenue: "会場", choiceOnline: "オンライン", choiceWaitlist: "会場（キャンセル待ち）"}[t.next.Data["attendance"]],
		"お名前: " + t.next.Data["name"],
		"会社名: " + orElse(t.next.Data["company"], noCompanyLabel),
	}
	return t.ask("confirm", Reply{Text: strings.Join(summary, "\n")}, Choice{Label: confirmLabel, Data: choiceConfirm}), nil
}

func confirmRegistration(t *turn) ([]Reply, error) {
	if replies, ok, err := t.corrected(); ok || err != nil {
		return replies, err
	}
	if replies, ok, err := t.otherSeminar(); ok || err != nil {
		return replies, err
	}
	if a := t.wantedAttendance(); a != "" && attendanceChoices[a] != t.next.Data["attendance"] { // 「やっぱり会場で」
		s, err := t.bot.Seminars.Seminar(t.ctx, t.next.Data["seminar"])
		if err != nil {
			return nil, fmt.Errorf("seminar %s: %w", t.next.Data["seminar"], err)
		}
		return askAttendance(t, s)
	}
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	return register(t, t.next.Data["attendance"])
}

// afterVenueFull handles the answer to 「満席になりました」: online or the waitlist.
func afterVenueFull(t *turn) ([]Reply, error) {
	data, ok := t.attendanceChoice()
	if !ok && t.aboutWaitlist() {
		return t.aboutWaitlistAnswer()
	}
	if !ok {
		return t.offStep(missText)
	}
	return register(t, data)
}

// register commits the registration the user confirmed. When the last venue
// seat went to someone else meanwhile, it offers online or the waitlist.
func register(t *turn, attendance string) ([]Reply, error) {
	req := store.RegisterRequest{
		SeminarID:  t.next.Data["seminar"],
		UserID:     t.UserID,
		Attendance: store.Venue,
		Name:       t.next.Data["name"],
		Company:    t.next.Data["company"],
		Now:        t.Now,
	}
	switch attendance {
	case choiceOnline:
		req.Attendance = store.Online
	case choiceWaitlist:
		req.Waitlist = true
	}
	reg, err := t.bot.Seminars.Register(t.ctx, req)
	switch {
	case errors.Is(err, store.ErrVenueFull):
		s, err := t.bot.Seminars.Seminar(t.ctx, req.SeminarID)
		if err != nil {
			return nil, fmt.Errorf("seminar %s: %w", req.SeminarID, err)
		}
		waitlist := Choice{Label: waitlistLabel, Data: choiceWaitlist}
		if s.HasOnline() {
			return t.ask("full", Reply{Text: semJustFullText + semOnlineOrWait}, Choice{Label: onlineLabel, Data: choiceOnline}, waitlist), nil
		}
		return t.ask("full", Reply{Text: semJustFullText + semWaitOffer}, waitlist), nil
	case errors.Is(err, store.ErrAlreadyRegistered):
		return t.menu(semAlreadyText), nil
	case errors.Is(err, store.ErrNotFound):
		return t.menu(semClosedText), nil
	case err != nil:
		return nil, fmt.Errorf("register: %w", err)
	}
	switch {
	case reg.Status == store.Waitlisted:
		t.record("seminar_waitlisted")
	case reg.Attendance == store.Venue:
		t.record("seminar_seat_filled")
	default:
		t.record("seminar_online")
	}
	return t.registeredMenu(t.bot.registered(reg, t.Now), reg), nil
}

// registered is the confirmation: what, when, and where to go.
func (b *Bot) registered(reg store.Registration, now time.Time) string {
	s := reg.Seminar
	if reg.Status == store.Waitlisted {
		return strings.Join([]string{semWaitlistedText, "", s.Title, b.when(s.StartsAt, s.EndsAt)}, "\n")
	}
	lines := []string{semDoneText, "", s.Title, b.when(s.StartsAt, s.EndsAt)}
	if reg.Attendance == store.Venue {
		lines = append(lines, "会場: "+s.Venue)
	} else {
		lines = append(lines, "参加URL: "+s.OnlineURL)
	}
	lines = append(lines, "")
	if promise := b.reminderPromise(reg, now); promise != "" {
		lines = append(lines, promise)
	}
	return strings.Join(append(lines, semSeeMine), "\n")
}

// orElse returns s, or alt when s is empty.
func orElse(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
