package main

import (
	"io"
	"testing"
	"time"
)

// A small chaos run on the embedded store: five users sign up for three
// venue seats while the server is killed once. Every acknowledged event is
// answered once, every sign-up the bot confirmed is recorded once, and no
// seat is given twice.
func TestChaosSQLite(t *testing.T) {
	cfg, err := parseFlags([]string{"--backend", "sqlite", "--chaos-kills", "1", "--users", "5", "--chaos-seats", "3",
		"--reply-timeout", "30s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep, err := runChaos(t.Context(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v (%v)", *rep, time.Since(start))
	if rep.Kills != 1 {
		t.Errorf("%d kills, want 1 during the sign-ups", rep.Kills)
	}
	if rep.NoReply != 0 || rep.AnsweredTwice != 0 || rep.NeverAcked != 0 || rep.Acked != rep.Sent {
		t.Errorf("%d events sent, %d acknowledged, %d never; %d without a reply, %d answered twice; want every one acknowledged and answered once",
			rep.Sent, rep.Acked, rep.NeverAcked, rep.NoReply, rep.AnsweredTwice)
	}
	if rep.SignupsDone != 5 || rep.Registered != 3 || rep.Waitlisted != 2 {
		t.Errorf("%d sign-ups done, %d confirmed and %d waitlisted; want all 5, 3 and 2 (unexpected replies: %q)",
			rep.SignupsDone, rep.Registered, rep.Waitlisted, rep.UnexpectedReplies)
	}
	if rep.Lost != 0 || rep.Duplicated != 0 || rep.OverCapacity != 0 {
		t.Errorf("registrations lost %d, duplicated %d, seats over capacity %d; want none", rep.Lost, rep.Duplicated, rep.OverCapacity)
	}
}

func TestNextSignUpStepFollowsTheBot(t *testing.T) {
	for _, tc := range []struct{ reply, next string }{
		{`{"messages":[{"type":"text","text":"受付中のセミナーです。参加したい…"}]}`, "1"},
		{`"会場は満席です。オンラインで参加するか、キャンセル待ちを…"`, "キャンセル待ち"},
		{`"会社名・屋号を送ってください。"`, "山田商店07"},
		{`"申し訳ありません。ちょうど会場が満席になりました。"`, "キャンセル待ち"},
	} {
		if next, finished := nextSignUpStep(tc.reply, "山田商店07"); next != tc.next || finished {
			t.Errorf("after %s: %q (finished %v), want %q", tc.reply, next, finished, tc.next)
		}
	}
	for _, reply := range []string{`"お申し込みが完了しました。"`, `"キャンセル待ちに登録しました。"`} {
		if _, finished := nextSignUpStep(reply, "x"); !finished {
			t.Errorf("after %s the sign-up is not finished", reply)
		}
	}
	if next, finished := nextSignUpStep(`"すみません、よくわかりませんでした。"`, "x"); next != "" || finished {
		t.Errorf("an unexpected reply gave %q (finished %v), want the walk to stop", next, finished)
	}
}
