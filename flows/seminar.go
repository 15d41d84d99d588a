package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
)

// What the seminar registration flow says.
const (
	semNoneText        = "現在受付中のセミナーはありません。新しい日程が決まりましたら、こちらでお知らせします。"
	semListText        = "受付中のセミナーです。参加したいセミナーの「申し込む」を押すか、番号を送ってください。"
	semApplyButton     = "申し込む"
	semClosedText      = "このセミナーは受付を終了しました。ほかのセミナーをお選びください。"
	semAlreadyText     = "このセミナーにはすでにお申し込みいただいています。内容は「申込確認」でご確認いただけます。"
	semAttendText      = "参加方法をお選びください。"
	semVenueFullText   = "会場は満席です。" + semOnlineOrWait
	semVenueOnlyFull   = "会場は満席です。" + semWaitOffer
	semNameText        = "お名前（フルネーム）を送ってください。"
	semNameBad         = "お名前は1〜50文字で送ってください。"
	semCompanyText     = "会社名・屋号を送ってください。ない場合は「なし」を押してください。"
	semCompanyBad      = "会社名は100文字以内で送ってください。"
	semConfirmText     = "以下の内容でお申し込みします。よろしければ「確定する」を押してください。"
	semDoneText        = "お申し込みが完了しました。"
	semWaitlistedText  = "キャンセル待ちに登録しました。会場に空きが出たら、こちらでお知らせします。"
	semReminderPromise = "前日にリマインドをお送りします。"
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

func startSeminar(t *turn) ([]Reply, error) {
	seminars, err := t.bot.Seminars.UpcomingSeminars(t.ctx, t.Now, seminarsListed)
	if err != nil {
		return nil, fmt.Errorf("list seminars: %w", err)
	}
	if len(seminars) == 0 {
		return t.menu(semNoneText), nil
	}
	r := Reply{Text: semListText, Choices: []Choice{}}
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
	return t.ask("pick", r, offered...), nil
}

func pickSeminar(t *turn) ([]Reply, error) {
	data, ok := choose(t.next.Offered, t.Input)
	id, isSeminar := strings.CutPrefix(data, seminarPrefix)
	if !ok || !isSeminar {
		return t.reprompt(missText), nil
	}
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
// is only one, it is taken without asking.
func askAttendance(t *turn, s store.Seminar) ([]Reply, error) {
	venue := Choice{Label: venueLabel, Data: choiceVenue}
	online := Choice{Label: onlineLabel, Data: choiceOnline}
	waitlist := Choice{Label: waitlistLabel, Data: choiceWaitlist}
	seats := s.SeatsLeft() > 0
	switch {
	case s.HasVenue() && s.HasOnline() && seats:
		return t.ask("attend", Reply{Text: semAttendText + "\n会場: " + s.Venue}, venue, online), nil
	case s.HasVenue() && s.HasOnline():
		return t.ask("attend", Reply{Text: semVenueFullText}, online, waitlist), nil
	case s.HasVenue() && !seats:
		return t.ask("attend", Reply{Text: semVenueOnlyFull}, waitlist), nil
	case s.HasVenue():
		t.set("attendance", choiceVenue)
	default:
		t.set("attendance", choiceOnline)
	}
	return askPersonal(t, "name")
}

func pickAttendance(t *turn) ([]Reply, error) {
	data, ok := choose(t.next.Offered, t.Input)
	if !ok {
		return t.reprompt(missText), nil
	}
	t.set("attendance", data)
	return askPersonal(t, "name")
}

func takeName(t *turn) ([]Reply, error) {
	name := normalize(t.Input.Text)
	if t.Input.Kind != Text || name == "" || utf8.RuneCountInString(name) > maxNameLen {
		return t.reprompt(semNameBad), nil
	}
	t.set("name", name)
	return t.ask("company", Reply{Text: semCompanyText}, Choice{Label: noCompanyLabel, Data: noCompanyLabel}), nil
}

// readCompany reads a company name, or 「なし」 for none; ok is false when
// the input is neither.
func readCompany(t *turn) (company string, ok bool) {
	if t.chose(noCompanyLabel) {
		return "", true
	}
	company = normalize(t.Input.Text)
	if t.Input.Kind != Text || company == "" || utf8.RuneCountInString(company) > maxCompanyLen {
		return "", false
	}
	return company, true
}

func takeCompany(t *turn) ([]Reply, error) {
	company, ok := readCompany(t)
	if !ok {
		return t.reprompt(semCompanyBad), nil
	}
	t.set("company", company)
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
		"会社名: " + orElse(company, noCompanyLabel),
	}
	return t.ask("confirm", Reply{Text: strings.Join(summary, "\n")}, Choice{Label: confirmLabel, Data: choiceConfirm}), nil
}

func confirmRegistration(t *turn) ([]Reply, error) {
	if !t.chose(choiceConfirm) {
		return t.reprompt(missText), nil
	}
	return register(t, t.next.Data["attendance"])
}

// afterVenueFull handles the answer to 「満席になりました」: online or the waitlist.
func afterVenueFull(t *turn) ([]Reply, error) {
	data, ok := choose(t.next.Offered, t.Input)
	if !ok {
		return t.reprompt(missText), nil
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
	return t.menu(t.bot.registered(reg, t.Now)), nil
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
	if store.ReminderAt(s).After(now) {
		lines = append(lines, semReminderPromise)
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
