package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/calendar"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.txt with the conversations as they run now")

// The transcripts in testdata are conversations: lines a user sends
// ("user: text", "user: [button]", "user: (sticker)"), and what the bot
// answers, as a user would see it. The test replays every user line and
// compares the whole conversation with the file, so the files are also the
// review copy of the bot's Japanese. Run with -update to rewrite them, then
// read the diff.
//
// Users: "user:" and "user2:" ... are different LINE users. Directives in
// parentheses on their own line: "(wait 31m)" moves the clock; "(staff
// approves)" and "(staff declines)" decide the oldest pending introduction
// and show the owner's push; "(push to user2: reminders)" and "(push to
// user2: offer)" show what the jobs push;
// "(staff reads questions)" shows the questions kept for staff; "(staff adds
// a second date of ID)" imports the seminar ID again a week later; the
// hand-off directives are in handoff_test.go.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := replay(t, string(want))
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("conversation differs from %s (run with -update and read the diff):\n%s", file, diff(string(want), got))
			}
		})
	}
}

// start is the transcripts' clock: Tuesday 1 December 2026, 10:00 in Tokyo.
var start = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// seminars are the transcripts' programme.
func seminars() []store.Seminar {
	at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, tokyo).UTC() }
	return []store.Seminar{
		{ID: "dx-1211", Title: "観光DXセミナー 予約とSNSで選ばれる宿へ", StartsAt: at(11, 15, 0), EndsAt: at(11, 16, 30),
			Venue: "奄美市AiAiひろば 2階 会議室", OnlineURL: "https://meet.example.jp/amami-dx", Capacity: 20,
			Fee: "無料", Description: "予約サイトとSNSで、島の宿がお客さまに選ばれるための工夫を、事例を交えてお話しします。"},
		{ID: "shokei-1215", Title: "事業承継を考える勉強会", StartsAt: at(15, 18, 30), EndsAt: at(15, 20, 0),
			Venue: "徳之島町文化会館 小ホール", Capacity: 1, Fee: "1,000円（資料代）"},
		{ID: "fukugyo-1218", Title: "副業人材の活用入門（オンライン）", StartsAt: at(18, 13, 0), EndsAt: at(18, 14, 0),
			OnlineURL: "https://meet.example.jp/amami-intro"},
		{ID: "past-1120", Title: "終わったセミナー", StartsAt: at(-10, 10, 0), EndsAt: at(-10, 11, 0), Venue: "奄美市", Capacity: 20},
	}
}

// demoIndex is the sample pool that ships with the project, indexed once.
var demoIndex = sync.OnceValue(func() *match.Index { return match.NewIndex(match.DemoTalents()) })

// slots are the transcripts' consultation slots.
func slots() []store.Slot {
	at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, tokyo).UTC() }
	return []store.Slot{
		{ID: "c-1203-10", StartsAt: at(3, 10, 0), EndsAt: at(3, 10, 45), Host: "奄美市産業支援センター 田中", Mode: store.ConsultVenue},
		{ID: "c-1203-14", StartsAt: at(3, 14, 0), EndsAt: at(3, 14, 45), Host: "プログラム事務局 森", Mode: store.ConsultOnline},
		{ID: "c-1204-10", StartsAt: at(4, 10, 0), EndsAt: at(4, 10, 45), Host: "奄美市産業支援センター 田中", Mode: store.ConsultVenue},
		{ID: "c-1204-15", StartsAt: at(4, 15, 0), EndsAt: at(4, 15, 45), Host: "プログラム事務局 森", Mode: store.ConsultOnline},
		{ID: "c-1130-10", StartsAt: at(-1, 10, 0), EndsAt: at(-1, 10, 45), Host: "終わった枠", Mode: store.ConsultVenue},
	}
}

// faqs are the transcripts' FAQ, as staff would write it.
func faqs() []store.FAQ {
	return []store.FAQ{
		{ID: "childcare", Questions: []string{"託児はありますか", "キッズスペースはありますか"},
			Answer: "会場に託児はありませんが、お子さま連れでのご参加も歓迎です。オンラインでのご参加もご利用ください。"},
		{ID: "parking", Questions: []string{"駐車場はありますか", "車で行っても大丈夫ですか"},
			Answer: "会場の駐車場は台数に限りがあります。できるだけ乗り合わせでお越しください。"},
		{ID: "recording", Questions: []string{"録画は見られますか", "後から動画で見たい"},
			Answer: "録画は、お申し込みいただいた方に後日お送りします。"},
		{ID: "consult-fee", Questions: []string{"個別相談は無料ですか", "相談にお金はかかりますか"},
			Answer: "個別相談は無料です。"},
	}
}

// faqStore is an in-memory FAQStore: the staff's rows, and the questions
// kept for them.
type faqStore struct {
	mu        sync.Mutex
	rows      []store.FAQ
	questions []store.Question
}

func (f *faqStore) FAQs(context.Context) ([]store.FAQ, error) { return f.rows, nil }

func (f *faqStore) RecordQuestion(_ context.Context, q store.Question) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.questions = append(f.questions, q)
	return nil
}

// withDetails gives the store's seminars the fee and description of the
// transcripts' programme (kept by the store once its seminars table has
// them).
type withDetails struct{ store.Store }

func (w withDetails) fill(s store.Seminar) store.Seminar {
	for _, d := range seminars() {
		if d.ID == s.ID {
			s.Fee, s.Description = orElse(s.Fee, d.Fee), orElse(s.Description, d.Description)
		}
	}
	return s
}

func orElse(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func (w withDetails) UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]store.Seminar, error) {
	ss, err := w.Store.UpcomingSeminars(ctx, now, limit)
	for i := range ss {
		ss[i] = w.fill(ss[i])
	}
	return ss, err
}

func (w withDetails) Seminar(ctx context.Context, id string) (store.Seminar, error) {
	s, err := w.Store.Seminar(ctx, id)
	return w.fill(s), err
}

type conversation struct {
	t        *testing.T
	st       store.Store
	faq      *faqStore
	bot      *flows.Bot
	now      time.Time
	sessions map[string]flows.Session
	last     map[string][]flows.Reply
	out      strings.Builder
	answered bool             // the bot has answered since the last blank line
	handoffs map[string]int64 // each user's last hand-off
	// followups are those created so far, by user, for "(push to user:
	// followups)" and "(staff reads follow-ups)".
	followups map[string][]store.Followup
	pushed    map[int64]bool
}

var userLine = regexp.MustCompile(`^(user\d*): (.*)$`)

func replay(t *testing.T, script string) string {
	st := storetest.OpenSQLite(t, store.Options{})
	if err := st.UpsertSeminars(context.Background(), seminars()); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertTalents(context.Background(), match.DemoTalents()); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertSlots(context.Background(), slots()); err != nil {
		t.Fatal(err)
	}
	faq := &faqStore{rows: faqs()}
	c := &conversation{
		t:   t,
		st:  st,
		faq: faq,
		bot: &flows.Bot{
			Seminars: withDetails{st}, Intros: st, Bookings: st, Privacy: st, Matcher: demoIndex(), FAQ: faq,
			Loc: tokyo, Retention: 180 * 24 * time.Hour, Announce: st, Followups: st,
			Calendar: calendar.Links{Base: "https://bot.example.jp", Secret: []byte("the transcripts' secret")},
		},
		now:      start,
		sessions: map[string]flows.Session{},
		last:     map[string][]flows.Reply{},
		handoffs: map[string]int64{},
	}
	// Blank lines are not read: one is written after each exchange, since
	// the bot's own text has blank lines too.
	for _, line := range strings.Split(script, "\n") {
		m := userLine.FindStringSubmatch(line)
		wait, isWait := strings.CutPrefix(line, "(wait ")
		decision, isDecision := staffDecisions[line]
		pushTo, isPush := strings.CutPrefix(line, "(push to ")
		isQuestions := line == "(staff reads questions)"
		handoff := handoffDirective.FindStringSubmatch(line)
		dateOf, isDate := strings.CutPrefix(line, "(staff adds a second date of ")
		isFollowups := line == "(staff reads follow-ups)"
		checkIn, isCheckIn := strings.CutPrefix(line, "(staff checks in ")
		if m == nil && !isWait && !isDecision && !isPush && !isQuestions && !isDate && handoff == nil && !isFollowups && !isCheckIn && !strings.HasPrefix(line, "#") {
			continue
		}
		if c.answered {
			c.out.WriteString("\n")
			c.answered = false
		}
		c.out.WriteString(line + "\n")
		switch {
		case m != nil:
			c.send(m[1], m[2])
			c.answered = true
		case isWait:
			d, err := time.ParseDuration(strings.TrimSuffix(wait, ")"))
			if err != nil {
				t.Fatalf("bad directive %q: %v", line, err)
			}
			c.now = c.now.Add(d)
		case isDecision:
			c.decide(decision)
			c.answered = true
		case isPush:
			user, kind, _ := strings.Cut(strings.TrimSuffix(pushTo, ")"), ": ")
			c.push(user, kind)
			c.answered = true
		case handoff != nil:
			c.handoff(handoff[1], handoff[2], handoff[3])
			c.answered = true
		case isDate:
			c.secondDate(strings.TrimSuffix(dateOf, ")"))
		case isFollowups:
			c.readFollowups()
			c.answered = true
		case isCheckIn:
			c.checkIn(strings.TrimSuffix(checkIn, ")"))
			c.answered = true
		case isQuestions:
			for _, q := range c.faq.questions {
				fmt.Fprintf(&c.out, "kept for staff: %s %s %s: %s\n", strings.TrimPrefix(q.UserID, "U"), q.Kind, q.AskedAt.In(tokyo).Format("01/02 15:04"), q.Text)
			}
			c.answered = true
		}
	}
	return strings.TrimRight(c.out.String(), "\n") + "\n"
}

// secondDate imports a second date of seminar id (its ID with "-2"): the
// same title, a week later, with two venue seats.
func (c *conversation) secondDate(id string) {
	s, err := c.st.Seminar(context.Background(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	s.ID, s.Capacity, s.Booked = id+"-2", 2, 0
	s.StartsAt, s.EndsAt = s.StartsAt.AddDate(0, 0, 7), s.EndsAt.AddDate(0, 0, 7)
	if err := c.st.UpsertSeminars(context.Background(), []store.Seminar{s}); err != nil {
		c.t.Fatal(err)
	}
}

// repeated is text written "text{×N}": N times text, for long messages.
var repeated = regexp.MustCompile(`^(.*)\{×(\d+)\}$`)

// send turns a transcript line into the user's input, runs the step and
// writes the bot's replies.
func (c *conversation) send(user, text string) {
	in := flows.Input{Kind: flows.Text, Text: text}
	if m := repeated.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[2])
		in.Text = strings.Repeat(m[1], n)
	}
	switch {
	case text == "(follow)":
		in = flows.Input{Kind: flows.Follow}
	case strings.HasPrefix(text, "(") && strings.HasSuffix(text, ")"):
		in = flows.Input{Kind: flows.Media, Text: strings.Trim(text, "()")}
	case strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]"):
		in = flows.Input{Kind: flows.Postback, Text: c.tap(user, strings.Trim(text, "[]"))}
	}
	s := c.sessions[user]
	next, replies, err := c.bot.Step(context.Background(), flows.Turn{Now: c.now, UserID: "U" + user, Session: s, Input: in})
	if err != nil {
		c.t.Fatalf("%s: %q: %v", user, text, err)
	}
	next.LastActive = c.now
	// Sessions are kept as JSON between turns, as the runner keeps them.
	raw, err := json.Marshal(next)
	if err != nil {
		c.t.Fatal(err)
	}
	next = flows.Session{}
	if err := json.Unmarshal(raw, &next); err != nil {
		c.t.Fatal(err)
	}
	c.sessions[user] = next
	c.last[user] = replies
	for _, r := range replies {
		c.out.WriteString(render(r))
	}
	c.now = c.now.Add(time.Minute)
}

// staffDecisions are the directives by which staff decide the oldest
// pending introduction; the owner's LINE message appears as "push:".
var staffDecisions = map[string]store.IntroStatus{
	"(staff approves)": store.Approved,
	"(staff declines)": store.Declined,
}

func (c *conversation) decide(status store.IntroStatus) {
	ctx := context.Background()
	pending, err := c.st.PendingIntroductions(ctx)
	if err != nil || len(pending) == 0 {
		c.t.Fatalf("staff decide: no pending introduction (%v)", err)
	}
	intro, err := c.st.DecideIntroduction(ctx, pending[0].ID, store.Decision{Status: status, By: "森", Now: c.now})
	if err != nil {
		c.t.Fatal(err)
	}
	talent, err := c.st.Talent(ctx, intro.TalentID)
	if err != nil {
		c.t.Fatal(err)
	}
	replies := c.bot.Decision(intro, talent.DisplayName)
	user := strings.TrimPrefix(intro.UserID, "U")
	c.last[user] = replies
	for _, r := range replies {
		c.out.WriteString("push to " + user + ":" + strings.TrimPrefix(render(r), "bot:"))
	}
}

// push shows what jobs push to a user about what they booked:
// "(push to user2: reminders)", every reminder of their confirmed
// registrations (the default ones) and the day-before reminders of their
// consultations; "(push to user2: offer)", the offer of
// a venue seat offered from the waitlist, whose buttons the user may tap.
func (c *conversation) push(user, kind string) {
	ctx := context.Background()
	regs, err := c.st.UserRegistrations(ctx, "U"+user, c.now)
	if err != nil {
		c.t.Fatal(err)
	}
	var replies []flows.Reply
	switch kind {
	case "reminders":
		for _, r := range regs {
			if r.Status != store.Confirmed {
				continue
			}
			for _, rem := range store.RemindersFor(store.DefaultReminders, r.Seminar, r.Attendance, time.Time{}) {
				replies = append(replies, c.bot.Reminder(r, rem.Before)...)
			}
		}
		bookings, err := c.st.UserBookings(ctx, "U"+user, c.now)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, b := range bookings {
			replies = append(replies, c.bot.BookingReminder(b)...)
		}
	case "followups":
		created, err := c.st.DueFollowups(ctx, c.now)
		if err != nil {
			c.t.Fatal(err)
		}
		if c.followups == nil {
			c.followups, c.pushed = map[string][]store.Followup{}, map[int64]bool{}
		}
		for _, f := range created {
			c.followups[f.UserID] = append(c.followups[f.UserID], f)
		}
		for _, f := range c.followups["U"+user] {
			if !c.pushed[f.ID] {
				c.pushed[f.ID] = true
				replies = append(replies, flows.Followup(f)...)
			}
		}
		c.last[user] = replies
	case "offer":
		for _, r := range regs {
			if r.HoldsOffer() {
				replies = append(replies, c.bot.Offer(r)...)
			}
		}
		c.last[user] = replies // its buttons are tapped next
	default:
		c.t.Fatalf("push of %q: want reminders, offer or followups", kind)
	}
	for _, r := range replies {
		c.out.WriteString("push to " + user + ":" + strings.TrimPrefix(render(r), "bot:"))
	}
}

// readFollowups shows the follow-ups created so far and their answers, as
// staff would see them.
func (c *conversation) readFollowups() {
	for _, user := range slices.Sorted(maps.Keys(c.followups)) {
		for _, f := range c.followups[user] {
			got, err := c.st.Followup(context.Background(), f.ID)
			answer := got.Answer
			switch {
			case errors.Is(err, store.ErrNotFound):
				answer = "(deleted with the user's data)"
			case err != nil:
				c.t.Fatal(err)
			case answer == "":
				answer = "(no answer)"
			}
			fmt.Fprintf(&c.out, "follow-up: %s %s: %s\n", strings.TrimPrefix(user, "U"), f.Kind, answer)
		}
	}
}

// checkIn marks the user present at every seminar they registered for, as
// staff do with /amami checkin.
func (c *conversation) checkIn(user string) {
	regs, err := c.st.AllRegistrations(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	for _, r := range regs {
		if r.UserID == "U"+user && r.Status == store.Confirmed {
			if err := c.st.MarkAttendance(context.Background(), r.ID, true, "森", c.now); err != nil {
				c.t.Fatal(err)
			}
			fmt.Fprintf(&c.out, "checked in: %s at %s\n", user, r.SeminarID)
		}
	}
}

// tap finds the button the user taps in the bot's last replies: "[label]",
// or "[label@N]" for the button on the Nth card.
func (c *conversation) tap(user, label string) string {
	card := 0
	if l, n, ok := strings.Cut(label, "@"); ok {
		label = l
		card, _ = strconv.Atoi(n)
	}
	for _, r := range c.last[user] {
		for i, k := range r.Cards {
			for _, b := range k.Buttons {
				if b.Label == label && (card == 0 || card == i+1) {
					return b.Data
				}
			}
		}
		for _, ch := range r.Choices {
			if ch.Label == label && card == 0 {
				return ch.Data
			}
		}
	}
	c.t.Fatalf("%s taps [%s], but the bot offered no such button", user, label)
	return ""
}

// render writes a reply as the user sees it.
func render(r flows.Reply) string {
	var b strings.Builder
	for i, line := range strings.Split(r.Text, "\n") {
		if i == 0 {
			fmt.Fprintf(&b, "bot: %s\n", line)
		} else {
			fmt.Fprintln(&b, strings.TrimRight("  "+line, " "))
		}
	}
	for _, k := range r.Cards {
		fmt.Fprintf(&b, "  ┌ %s\n", k.Title)
		for _, l := range k.Lines {
			fmt.Fprintf(&b, "  │ %s\n", l)
		}
		fmt.Fprintf(&b, "  └ %s\n", buttons(k.Buttons))
	}
	if len(r.Choices) > 0 {
		fmt.Fprintf(&b, "  %s\n", buttons(r.Choices))
	}
	return b.String()
}

func buttons(cs []flows.Choice) string {
	var labels []string
	for _, c := range cs {
		labels = append(labels, "["+c.Label+"]")
	}
	return strings.Join(labels, " ")
}

// diff shows the first lines where want and got part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return ""
}
