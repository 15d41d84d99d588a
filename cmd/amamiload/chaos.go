package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"
)

// Chaos mode: every user walks the seminar sign-up to its end, one message
// after the answer to the previous one, while the server is killed with
// SIGKILL at random moments and restarted on the same store. The sender
// redelivers what was not acknowledged, as LINE does. What is counted is
// what a power cut must not cause: acknowledged events never answered or
// answered twice, sign-ups confirmed to the user but not recorded, doubled
// registrations and seats over capacity.

const (
	// chaosGrace is how long the run waits for answers still missing once
	// every user is done.
	chaosGrace = 60 * time.Second
	// redeliverEvery and redeliverFor are how often and how long the
	// sender posts again a webhook the server did not acknowledge.
	redeliverEvery = 250 * time.Millisecond
	redeliverFor   = 2 * time.Minute
	// killAfterMin and killAfterMax bound the random time a server lives
	// after it became ready: short enough to land among the sign-ups.
	killAfterMin = 300 * time.Millisecond
	killAfterMax = 2500 * time.Millisecond
	// thinkMin and thinkMax bound how long a user takes to read a reply and
	// type the next message, which spreads a sign-up over seconds, as with
	// people, so that the kills land in the middle of them.
	thinkMin = 200 * time.Millisecond
	thinkMax = 1500 * time.Millisecond
)

// chaosReport is the JSON a chaos run prints.
type chaosReport struct {
	Backend   string  `json:"backend"`
	Users     int     `json:"users"`
	Seats     int     `json:"venue_seats_per_seminar"`
	Kills     int     `json:"kills"`
	DurationS float64 `json:"duration_s"`

	Sent          int `json:"events_sent"`
	Redelivered   int `json:"events_redelivered"`
	Acked         int `json:"events_acknowledged"`
	NeverAcked    int `json:"events_never_acknowledged"`
	NoReply       int `json:"acknowledged_without_reply_after_60s"`
	AnsweredTwice int `json:"events_answered_more_than_once"`
	ViaPush       int `json:"answers_via_push"`
	// AcrossKill counts the events acknowledged before a kill and answered
	// after it: the turns the kills interrupted.
	AcrossKill int `json:"events_answered_across_a_kill"`

	SignupsDone     int `json:"signups_told_done"`
	SignupsStuck    int `json:"signups_unfinished"`
	Registered      int `json:"registrations_confirmed"`
	Waitlisted      int `json:"registrations_waitlisted"`
	Lost            int `json:"registrations_lost"`
	Duplicated      int `json:"registrations_duplicated"`
	OverCapacity    int `json:"seats_over_capacity"`
	RestartToAnswer struct {
		MaxS       float64   `json:"max_s"`
		NoneAfter  int       `json:"restarts_without_a_reply_after"`
		PerRestart []float64 `json:"per_restart_s"`
	} `json:"restart_to_first_reply"`

	InvalidReplyTokens int64    `json:"invalid_reply_tokens"`
	UnmatchedAnswers   int      `json:"answers_unmatched"`
	UnexpectedReplies  []string `json:"unexpected_replies,omitempty"`
	ServerLogErrors    int      `json:"server_log_errors"`
	ServerErrorSamples []string `json:"server_error_samples,omitempty"`
	KeptDir            string   `json:"kept_dir,omitempty"`
}

// runChaos does a chaos run; progress goes to logw.
func runChaos(ctx context.Context, c config, logw io.Writer) (*chaosReport, error) {
	progress := func(format string, args ...any) { fmt.Fprintf(logw, "amamiload: "+format+"\n", args...) }
	dir, err := os.MkdirTemp("", "amamiload-chaos-")
	if err != nil {
		return nil, err
	}
	rep := &chaosReport{Backend: c.backend, Users: c.users, Seats: c.chaosSeats}
	if c.keep {
		rep.KeptDir = dir
	} else {
		defer os.RemoveAll(dir)
	}
	r, err := setUp(ctx, c, dir, c.chaosSeats, progress)
	if err != nil {
		return nil, err
	}
	defer r.close()
	srv := r.srvs[0] // the chaos mode runs one server: --replicas 1

	s := newSender([]string{srv.url + "/line/webhook"}, channelSecret, newRunID(), r.track)
	defer s.close()
	progress("chaos: %d users sign up, %d kills", c.users, c.chaosKills)
	start := time.Now()
	walking, stopWalking := context.WithCancel(ctx)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		done     = map[string]bool{} // the companies told their sign-up is done
		restarts []time.Time
		killErr  error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		restarts, killErr = killRepeatedly(walking, srv, c.chaosKills, progress)
	}()
	var users sync.WaitGroup
	for slot := range c.users {
		users.Add(1)
		go func() {
			defer users.Done()
			company, ok, unexpected := signUp(ctx, s, slot, c.replyTimeout)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				done[company] = true
			}
			if unexpected != "" && len(rep.UnexpectedReplies) < 5 {
				rep.UnexpectedReplies = append(rep.UnexpectedReplies, unexpected)
			}
		}()
	}
	users.Wait()
	stopWalking()
	wg.Wait()
	if killErr != nil {
		return nil, killErr
	}
	awaitReplies(ctx, r.track, chaosGrace)
	rep.DurationS = time.Since(start).Seconds()
	rep.Kills = len(restarts)
	r.track.chaosTally(rep, restarts)
	rep.InvalidReplyTokens = r.fake.invalidTokens.Load()
	for _, at := range restarts {
		first := r.track.firstAnswerAfter(at)
		if first.IsZero() {
			rep.RestartToAnswer.NoneAfter++
			continue
		}
		d := first.Sub(at).Seconds()
		rep.RestartToAnswer.PerRestart = append(rep.RestartToAnswer.PerRestart, d)
		rep.RestartToAnswer.MaxS = max(rep.RestartToAnswer.MaxS, d)
	}

	r.stopped = true
	if err := srv.stop(); err != nil {
		progress("stopping the server: %v", err)
	}
	rep.ServerLogErrors, _, rep.ServerErrorSamples = srv.logProblems()
	csvOut, err := srv.command(ctx, "export", "registrations")
	if err != nil {
		return nil, err
	}
	rep.SignupsDone, rep.SignupsStuck = len(done), c.users-len(done)
	if err := checkRegistrations(rep, csvOut, done, c.chaosSeats); err != nil {
		return nil, err
	}
	return rep, ctx.Err()
}

// killRepeatedly kills the server kills times at random moments, restarting
// it each time, until ctx ends; it returns when each restart began.
func killRepeatedly(ctx context.Context, srv *server, kills int, progress func(string, ...any)) ([]time.Time, error) {
	var restarts []time.Time
	for range kills {
		sleep(ctx, killAfterMin+rand.N(killAfterMax-killAfterMin))
		if ctx.Err() != nil {
			break // every user is done: a kill now would test nothing
		}
		srv.kill()
		progress("killed the server; restarting it")
		restarts = append(restarts, time.Now())
		if err := srv.start(context.WithoutCancel(ctx)); err != nil {
			return restarts, fmt.Errorf("restart after SIGKILL: %w", err)
		}
	}
	return restarts, nil
}

// signUp walks one user through the seminar sign-up, answering each reply
// as a person would, and reports the company it gave, whether the bot said
// the sign-up was done (confirmed or waitlisted), and a reply it did not
// expect, if one stopped it.
func signUp(ctx context.Context, s *sender, slot int, answerTimeout time.Duration) (company string, ok bool, unexpected string) {
	id := s.userID(slot, 0)
	company = fmt.Sprintf("山田商店%02d", slot)
	text := "セミナー申込"
	for range 12 { // the walk has 7 to 9 steps
		e := s.deliver(ctx, id, text, int(redeliverFor/redeliverEvery), redeliverEvery)
		if e.ackErr != "" {
			return company, false, ""
		}
		select {
		case <-e.done:
		case <-time.After(answerTimeout):
			return company, false, ""
		case <-ctx.Done():
			return company, false, ""
		}
		next, finished := nextSignUpStep(e.text, company)
		switch {
		case finished:
			return company, true, ""
		case next == "":
			return company, false, e.text[:min(len(e.text), 300)]
		}
		text = next
		sleep(ctx, thinkMin+rand.N(thinkMax-thinkMin))
	}
	return company, false, "the sign-up did not end within 12 messages"
}

// nextSignUpStep is what a user types after the bot's reply (a LINE API
// request body): the first seminar, at the venue, waiting for a seat if it
// is full. finished means the bot said the sign-up is recorded.
func nextSignUpStep(reply, company string) (next string, finished bool) {
	// The texts are the ones flows/seminar.go sends (flows/testdata shows them).
	steps := []struct{ says, answer string }{
		{"お申し込みが完了しました", ""},
		{"キャンセル待ちに登録しました", ""},
		{"受付中のセミナーです", "1"},
		{"参加方法をお選びください", "会場で参加"},
		{"満席", "キャンセル待ち"},
		{"個人情報の取り扱い", "同意する"},
		{"お名前（フルネーム）", "山田 太郎"},
		{"会社名・屋号", company},
		{"以下の内容でお申し込みします", "確定する"},
	}
	for _, st := range steps {
		if strings.Contains(reply, st.says) {
			return st.answer, st.answer == ""
		}
	}
	return "", false
}

// chaosTally counts the events: acknowledged, answered, answered twice,
// answered across one of the kills.
func (t *tracker) chaosTally(rep *chaosReport, kills []time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rep.Sent, rep.UnmatchedAnswers = len(t.events), t.unmatched
	for _, e := range t.events {
		if e.deliveries > 1 {
			rep.Redelivered++
		}
		switch {
		case e.acked.IsZero() || e.ackErr != "":
			rep.NeverAcked++
		case e.replied.IsZero():
			rep.Acked++
			rep.NoReply++
		default:
			rep.Acked++
		}
		if e.answers > 1 {
			rep.AnsweredTwice++
		}
		if e.viaPush {
			rep.ViaPush++
		}
		for _, k := range kills {
			if !e.acked.IsZero() && e.acked.Before(k) && e.replied.After(k) {
				rep.AcrossKill++
				break
			}
		}
	}
}

// firstAnswerAfter is when the first event was answered after at, or zero.
func (t *tracker) firstAnswerAfter(at time.Time) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	var first time.Time
	for _, e := range t.events {
		if e.replied.After(at) && (first.IsZero() || e.replied.Before(first)) {
			first = e.replied
		}
	}
	return first
}

// checkRegistrations reads `amamibot export registrations` and counts the
// sign-ups told done but not recorded, the doubled registrations and the
// venue seats given beyond capacity.
func checkRegistrations(rep *chaosReport, export []byte, done map[string]bool, capacity int) error {
	records, err := csv.NewReader(bytes.NewReader(export)).ReadAll()
	if err != nil || len(records) == 0 {
		return fmt.Errorf("export registrations wrote no CSV (%v): %.300s", err, export)
	}
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	for _, name := range []string{"seminar_id", "attendance", "status", "company"} {
		if _, ok := col[name]; !ok {
			return fmt.Errorf("export registrations has no %s column: %q", name, records[0])
		}
	}
	active := map[string]int{}    // company and seminar: its confirmed or waitlisted registrations
	recorded := map[string]bool{} // the companies with an active registration
	seats := map[string]int{}     // seminar: confirmed venue registrations
	for _, rec := range records[1:] {
		status, company, seminar := rec[col["status"]], rec[col["company"]], rec[col["seminar_id"]]
		switch status {
		case "confirmed":
			rep.Registered++
			if rec[col["attendance"]] == "venue" {
				seats[seminar]++
			}
		case "waitlisted", "offered": // offered: waitlisted, holding a freed seat
			rep.Waitlisted++
		default:
			continue
		}
		active[company+"\x00"+seminar]++
		recorded[company] = true
	}
	for company := range done {
		if !recorded[company] {
			rep.Lost++
		}
	}
	for _, n := range active {
		rep.Duplicated += n - 1
	}
	for _, n := range seats {
		rep.OverCapacity += max(n-capacity, 0)
	}
	return nil
}
