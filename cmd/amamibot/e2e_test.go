package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/store/storetest"
)

// What the bot says at the steps of seminar registration
// (flows/testdata/seminar_*.txt).
const (
	saysList         = "受付中のセミナーです。"
	saysAttendance   = "参加方法をお選びください。"
	saysVenueFull    = "会場は満席です。オンラインで参加するか、会場のキャンセル待ちに登録できます。"
	saysNotice       = "お名前などを伺う前に、個人情報の取り扱いをご確認ください。"
	saysName         = "お名前（フルネーム）を送ってください。"
	saysCompany      = "会社名・屋号を送ってください。"
	saysSummary      = "以下の内容でお申し込みします。"
	saysJustFull     = "申し訳ありません。ちょうど会場が満席になりました。オンラインで参加するか、会場のキャンセル待ちに登録できます。"
	saysRegistered   = "お申し込みが完了しました。"
	saysWaitlisted   = "キャンセル待ちに登録しました。"
	saysGreeting     = "友だち追加ありがとうございます。"
	saysMine         = "お申し込み中の" // セミナーです。/ セミナーと個別相談です。
	saysCancelAsk    = "次のお申し込みを取り消します。"
	saysCancelled    = "お申し込みを取り消しました。"
	saysOffered      = "キャンセル待ちのセミナーの会場に空きが出ました。"
	saysClaimed      = "ありがとうございます。会場でのご参加が確定しました。"
	dxTitle          = "観光DXセミナー 予約とSNSで選ばれる宿へ"
	dxVenue          = "奄美市AiAiひろば 2階 会議室"
	dxURL            = "https://meet.example.jp/amami-dx"
	attendees        = 100
	venueSeats       = 20
	reportErrorsUpTo = 10
)

// attempt is how one attendee's registration went.
type attempt struct {
	u       *user
	name    string
	company string // empty: they tap なし
	wants   string // what they answer when the venue is full: オンラインで参加 or キャンセル待ち
	offered string // where the bot offered online or the waitlist: "pick" or "confirm"
	final   answer // the bot's last answer: the confirmation
	err     error
}

// registerAtVenue walks one attendee through registration as a person
// would, waiting for each answer: セミナー申込 → 申し込む → 会場で参加 →
// name → company → 確定する, answering the offer of online attendance or
// the waitlist when the venue is full at the attendance step or at 確定する.
func registerAtVenue(a *attempt) error {
	u := a.u
	list, err := u.ask("セミナー申込", saysList)
	if err != nil {
		return err
	}
	ans, err := u.tap(list, "申し込む")
	if err != nil {
		return err
	}
	switch text := ans.text(); {
	case strings.HasPrefix(text, saysAttendance):
		ans, err = u.choose(ans, "会場で参加", saysNotice)
	case strings.HasPrefix(text, saysVenueFull):
		a.offered = "pick"
		ans, err = u.choose(ans, a.wants, saysNotice)
	default:
		return fmt.Errorf("user %s picked the seminar; the bot answered:\n%s", u.id, ans)
	}
	if err != nil {
		return err
	}
	if _, err = u.choose(ans, "同意する", saysName); err != nil {
		return err
	}
	if ans, err = u.ask(a.name, saysCompany); err != nil {
		return err
	}
	if a.company == "" {
		ans, err = u.choose(ans, "なし", saysSummary)
	} else {
		ans, err = u.ask(a.company, saysSummary)
	}
	if err != nil {
		return err
	}
	if ans, err = u.tap(ans, "確定する"); err != nil {
		return err
	}
	if strings.HasPrefix(ans.text(), saysJustFull) {
		a.offered = "confirm"
		if ans, err = u.tap(ans, a.wants); err != nil {
			return err
		}
	}
	a.final = ans
	if t := ans.text(); !strings.HasPrefix(t, saysRegistered) && !strings.HasPrefix(t, saysWaitlisted) {
		return fmt.Errorf("user %s confirmed; the bot answered:\n%swant a confirmation", u.id, ans)
	}
	return nil
}

// TestHundredAttendeesTwoReplicas is the concurrency test: 100
// people register at once for a seminar with 20 venue seats, through two
// replicas on one Postgres and one Redis, each person's messages alternating
// between the replicas.
func TestHundredAttendeesTwoReplicas(t *testing.T) {
	databaseURL, redisURL := storetest.PostgresURLs(t)
	fake := linetest.NewServer(t)
	e := lineEnv(fake).with("DATABASE_URL", databaseURL, "REDIS_URL", redisURL)

	file := writeSeminarsCSV(t, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, venueSeats))
	if out, stderr, err := amamibot(t, e, "import", "seminars", file); err != nil {
		t.Fatalf("import seminars: %v\n%s", err, stderr)
	} else if !strings.Contains(out, "imported 1 seminars") {
		t.Errorf("import said %q, want it to count 1 seminar", out)
	}

	replicas := []*server{startServer(t, "replica A", e), startServer(t, "replica B", e)}
	ab := []string{replicas[0].webhook(), replicas[1].webhook()}
	ba := []string{replicas[1].webhook(), replicas[0].webhook()}

	attempts := make([]*attempt, attendees)
	for i := range attempts {
		hooks := ab
		if i%2 == 1 {
			hooks = ba
		}
		wants := "オンラインで参加"
		if i%2 == 1 {
			wants = "キャンセル待ち"
		}
		company := ""
		if i%3 != 0 {
			company = fmt.Sprintf("奄美商店%03d", i)
		}
		attempts[i] = &attempt{u: newUser(t.Context(), fake, hooks...), name: fmt.Sprintf("参加者 %03d", i), company: company, wants: wants}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, a := range attempts {
		wg.Go(func() { a.err = registerAtVenue(a) })
	}
	wg.Wait()
	t.Logf("%d attendees registered through 2 replicas in %v", attendees, time.Since(start).Round(time.Millisecond))

	var errs []error
	for _, a := range attempts {
		if a.err != nil {
			errs = append(errs, a.err)
		}
	}
	for i, err := range errs {
		if i == reportErrorsUpTo {
			t.Errorf("… and %d more", len(errs)-i)
			break
		}
		t.Error(err)
	}
	if len(errs) > 0 {
		t.FailNow()
	}

	// What staff export is what the attendees were told.
	rows := exported(t, e)
	if len(rows) != attendees {
		t.Errorf("%d registrations exported, want one for each of the %d attendees", len(rows), attendees)
	}
	regs := byName(t, rows)
	count := map[string]int{}
	for _, a := range attempts {
		rows := regs[a.name]
		if len(rows) != 1 {
			t.Errorf("%s has %d registrations, want 1: %v", a.name, len(rows), rows)
			continue
		}
		r := rows[0]
		kind := r["attendance"] + " " + r["status"]
		count[kind]++
		told := a.final.text()
		switch {
		case kind == "venue confirmed" && strings.HasPrefix(told, saysRegistered) && strings.Contains(told, "会場: "+dxVenue):
		case kind == "online confirmed" && strings.HasPrefix(told, saysRegistered) && strings.Contains(told, "参加URL: "+dxURL):
		case kind == "venue waitlisted" && strings.HasPrefix(told, saysWaitlisted):
		default:
			t.Errorf("%s is registered %s but was told:\n%s", a.name, kind, a.final)
		}
		if a.offered != "" {
			count["offered at "+a.offered]++
		}
		if kind != "venue confirmed" && a.offered == "" {
			t.Errorf("%s is registered %s without being offered online or the waitlist", a.name, kind)
		}
		if r["seminar_id"] != "dx" || r["company"] != a.company {
			t.Errorf("%s, %q: exported as %v", a.name, a.company, r)
		}
	}
	if len(regs) != attendees {
		t.Errorf("%d people in the export, want the %d attendees", len(regs), attendees)
	}
	if count["venue confirmed"] != venueSeats {
		t.Errorf("%d confirmed venue registrations, want exactly %d", count["venue confirmed"], venueSeats)
	}
	if count["venue confirmed"]+count["online confirmed"]+count["venue waitlisted"] != attendees {
		t.Errorf("registrations %v, want everyone confirmed at the venue, online, or waitlisted", count)
	}
	t.Logf("registrations and offers: %v", count)
	t.Logf("reply tokens refused (answered by push instead): %d", len(fake.InvalidReplyTokens()))
	checkFakeAndLogs(t, fake, replicas...)
	if t.Failed() {
		t.FailNow()
	}

	// A venue attendee cancels by message; the first on the waitlist gets
	// the seat and is told by push.
	export := exported(t, e)
	var leaving, first *attempt
	var waiting []*attempt // the rest of the waitlist, in order
	for _, r := range export {
		a := attemptNamed(attempts, r["name"])
		switch {
		case leaving == nil && r["attendance"] == "venue" && r["status"] == "confirmed":
			leaving = a
		case first == nil && r["status"] == "waitlisted":
			first = a
		case r["status"] == "waitlisted":
			waiting = append(waiting, a)
		}
	}
	if leaving == nil || first == nil {
		t.Fatalf("no venue attendee (%v) or no waitlisted attendee (%v) in the export", leaving, first)
	}
	before := len(fake.Messages(first.u.id))
	heard := map[*attempt]int{}
	for _, a := range waiting {
		heard[a] = len(fake.Messages(a.u.id))
	}
	u := leaving.u
	check := checker(t)
	mine := check(u.ask("申込確認", saysMine))
	ask := check(u.choose(mine, "取り消す", saysCancelAsk))
	check(u.choose(ask, "取り消す", saysCancelled))

	news, err := first.u.waitAnswer(before)
	news = check(expect(news, err, saysOffered))
	if news[0].Via != "push" || !strings.Contains(news[0].Text, "会場: "+dxVenue) {
		t.Errorf("the first waitlisted attendee was told by %s:\n%swant a push offering the seat at the venue", news[0].Via, news)
	}
	if r := byName(t, exported(t, e))[first.name][0]; r["status"] != "offered" || r["offer_expires_at"] == "" {
		t.Errorf("%s holds the offer but is %s (until %q) in the export", first.name, r["status"], r["offer_expires_at"])
	}
	check(first.u.choose(news, "参加する", saysClaimed))
	// Someone who comes later is told at once that the venue is full.
	late := &attempt{u: newUser(t.Context(), fake, ab...), name: "参加者 遅刻", wants: "キャンセル待ち"}
	if err := registerAtVenue(late); err != nil {
		t.Fatal(err)
	}
	if late.offered != "pick" || !strings.HasPrefix(late.final.text(), saysWaitlisted) {
		t.Errorf("a latecomer was offered online or the waitlist at %q and told:\n%swant the offer when picking the seminar, then the waitlist", late.offered, late.final)
	}
	after := byName(t, exported(t, e))
	if r := after[leaving.name][0]; r["status"] != "cancelled" {
		t.Errorf("%s cancelled but is %s in the export", leaving.name, r["status"])
	}
	if r := after[first.name][0]; r["attendance"] != "venue" || r["status"] != "confirmed" {
		t.Errorf("%s claimed the seat but is %s %s in the export", first.name, r["attendance"], r["status"])
	}
	for _, a := range waiting {
		if r := after[a.name][0]; r["status"] != "waitlisted" || len(fake.Messages(a.u.id)) != heard[a] {
			t.Errorf("%s, later on the waitlist, is %s and was sent %d messages, want still waitlisted and told nothing",
				a.name, r["status"], len(fake.Messages(a.u.id))-heard[a])
		}
	}
	venue := 0
	for _, rows := range after {
		for _, r := range rows {
			if r["attendance"] == "venue" && r["status"] == "confirmed" {
				venue++
			}
		}
	}
	if venue != venueSeats {
		t.Errorf("%d confirmed venue registrations after the cancellation, the claim and the latecomer, want %d", venue, venueSeats)
	}

	for _, s := range replicas {
		if err := s.stop(); err != nil {
			t.Errorf("%s: SIGTERM: run returned %v, want nil (a graceful shutdown)", s.name, err)
		}
	}
	checkFakeAndLogs(t, fake, replicas...)
}

func attemptNamed(attempts []*attempt, name string) *attempt {
	for _, a := range attempts {
		if a.name == name {
			return a
		}
	}
	return nil
}

// byName groups exported registrations by the attendee's name.
func byName(t *testing.T, regs []registration) map[string][]registration {
	t.Helper()
	out := map[string][]registration{}
	for _, r := range regs {
		out[r["name"]] = append(out[r["name"]], r)
	}
	return out
}

// checkFakeAndLogs fails the test if the fake LINE rejected a request or a
// server logged an error.
func checkFakeAndLogs(t *testing.T, fake *linetest.Server, servers ...*server) {
	t.Helper()
	for _, r := range fake.TakeRejections() {
		t.Errorf("the fake LINE rejected a request:\n%s", r)
	}
	for _, s := range servers {
		for _, line := range s.log.lines("ERROR") {
			t.Errorf("%s logged an error: %s", s.name, line)
		}
	}
}
