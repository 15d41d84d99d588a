package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// ownerStore is an embedded store with the demo pool and the transcripts'
// consultation slots.
func ownerStore(t *testing.T) store.Store {
	t.Helper()
	st := storetest.OpenSQLite(t, store.Options{})
	if err := st.UpsertTalents(context.Background(), match.DemoTalents()); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertSlots(context.Background(), slots()); err != nil {
		t.Fatal(err)
	}
	return st
}

// A talk steps users through bot's flows as the runner would: each
// input a minute after the last, each user's session kept.
type talk struct {
	t        *testing.T
	bot      *flows.Bot
	now      time.Time
	sessions map[string]flows.Session
}

func newTalk(t *testing.T, bot *flows.Bot) *talk {
	return &talk{t: t, bot: bot, now: start, sessions: map[string]flows.Session{}}
}

// send steps user's input; an error or no reply fails the test.
func (c *talk) send(user string, kind flows.InputKind, text string) []flows.Reply {
	c.t.Helper()
	next, replies, err := c.bot.Step(context.Background(), flows.Turn{Now: c.now, UserID: user, Session: c.sessions[user], Input: flows.Input{Kind: kind, Text: text}})
	if err != nil || len(replies) == 0 {
		c.t.Fatalf("%s %q: %v %v", user, text, replies, err)
	}
	next.LastActive = c.now
	c.sessions[user], c.now = next, c.now.Add(time.Minute)
	return replies
}

// say sends user's texts in turn and returns the replies to the last.
func (c *talk) say(user string, texts ...string) []flows.Reply {
	c.t.Helper()
	var replies []flows.Reply
	for _, text := range texts {
		replies = c.send(user, flows.Text, text)
	}
	return replies
}

// decide gives staff's decision on the one pending introduction request.
func (c *talk) decide(st store.Store, status store.IntroStatus) store.Introduction {
	c.t.Helper()
	pending, err := st.PendingIntroductions(context.Background())
	if err != nil || len(pending) != 1 {
		c.t.Fatalf("pending introductions: %v %v", pending, err)
	}
	intro, err := st.DecideIntroduction(context.Background(), pending[0].ID, store.Decision{Status: status, By: "森", Now: c.now})
	if err != nil {
		c.t.Fatal(err)
	}
	return intro
}
