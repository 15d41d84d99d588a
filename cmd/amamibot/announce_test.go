package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// TestAnnounceDryRunAndRefusals: a dry run counts and shows without
// sending; no subscribers, an empty text or a bad link send nothing and say
// why.
func TestAnnounceDryRunAndRefusals(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	openData(t, dir, func(st store.Store) {
		for _, u := range []string{"U1", "U2"} {
			if err := st.SetTopics(t.Context(), u, []string{store.TopicSeminar}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	})
	text := writeFile(t, "news.txt", "1月のセミナーの受付を始めました。\n")
	out, stderr, err := amamibot(t, e, "announce", "--topic", "セミナー", "--text-file", text, "--link", "https://amami.example.jp/seminar", "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, stderr)
	}
	want := "セミナー: 2 users would get this announcement (dry run: nothing was sent)\n\n" +
		"1月のセミナーの受付を始めました。\n\n詳しくはこちら: https://amami.example.jp/seminar\n\n（お知らせの停止は「配信停止」と送ってください）\n"
	if out != want {
		t.Errorf("dry run printed:\n%s\nwant:\n%s", out, want)
	}
	openData(t, dir, func(st store.Store) {
		if _, err := st.Announcement(t.Context(), 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a dry run created an announcement: %v", err)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subscribers", []string{"--topic", "ツアー・現地交流", "--text-file", text}, "nobody is subscribed to ツアー・現地交流"},
		{"empty text", []string{"--topic", "seminar", "--text-file", writeFile(t, "empty.txt", " \n")}, "本文が空です"},
		{"bad link", []string{"--topic", "観光", "--text-file", text, "--link", "javascript:alert(1)"}, "https://"},
		{"unknown seminar", []string{"--topic", "セミナー", "--text-file", text, "--seminar", "nope"}, `--seminar "nope"`},
		{"unknown topic", []string{"--topic", "釣り", "--text-file", text}, "known --topic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := amamibot(t, e, append([]string{"announce"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("announce %q: err = %v, want one saying %q\n%s", tc.args, err, tc.want, stderr)
			}
		})
	}
}

// TestAnnounceReachesWhoChoseTheTopic: a new friend picks セミナー under
// the greeting; `amamibot announce` run beside the server (on Postgres)
// reaches them, and not a friend who picked nothing.
func TestAnnounceReachesWhoChoseTheTopic(t *testing.T) {
	databaseURL, redisURL := storetest.PostgresURLs(t)
	fake := linetest.NewServer(t)
	e := lineEnv(fake).with("DATABASE_URL", databaseURL, "REDIS_URL", redisURL)
	s := startServer(t, "postgres", e)
	check := checker(t)
	fan, other := newUser(t.Context(), fake, s.webhook()), newUser(t.Context(), fake, s.webhook())
	hello := check(fan.follow())
	if on := check(fan.tap(hello, "セミナー")); !on.has("● セミナー") {
		t.Fatalf("tapping セミナー under the greeting answered:\n%swant it on", on)
	}
	check(other.follow())
	before := len(fake.Messages(fan.id))

	text := writeFile(t, "news.txt", "1月のセミナーの受付を始めました。")
	out, stderr, err := amamibot(t, e, "announce", "--topic", "セミナー", "--text-file", text)
	if err != nil || !strings.Contains(out, "1 users in 1 batches") {
		t.Fatalf("announce: %q %v\n%s", out, err, stderr)
	}
	got := fake.WaitMessages(t, fan.id, before+1, 30*time.Second)[before:]
	if len(got) != 1 || got[0].Via != "multicast" || !strings.HasPrefix(got[0].Text, "1月のセミナーの受付を始めました。") {
		t.Errorf("the subscriber got %+v, want the announcement once", got)
	}
	for _, m := range fake.Messages(other.id) {
		if m.Via == "multicast" {
			t.Errorf("a friend who chose nothing got %q", m.Text)
		}
	}
}
