package slack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	slackbot "github.com/amamibot/amamibot/bot/slack"
	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

func TestAlertPostedOnce(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	in := h.request(t, "奄美商店")
	m := h.alert(t, in.ID)
	h.settle(t)
	if !strings.Contains(m.Shown(), "紹介依頼 #") || !strings.Contains(m.Shown(), "奄美商店") || len(m.Buttons()) != 2 {
		t.Errorf("alert shows\n%s\nwith buttons %+v", m.Shown(), m.Buttons())
	}
	if n := len(h.srv.Messages(h.srv.Channel)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if n := h.srv.Count("conversations.history"); n != 0 {
		t.Errorf("%d history look-ups, want none on a first attempt", n)
	}
}

// A 429 snoozes the job for Retry-After: the alert arrives once, later.
func TestAlertRateLimited(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	h.srv.FailNext("chat.postMessage", 1, slackfake.RateLimited(1))
	in := h.request(t, "奄美商店")
	h.alert(t, in.ID)
	h.settle(t)
	var posts []slackfake.Call
	for _, c := range h.srv.Calls() {
		if c.Method == "chat.postMessage" {
			posts = append(posts, c)
		}
	}
	if len(posts) != 2 || posts[0].Status != http.StatusTooManyRequests || posts[1].Status != http.StatusOK {
		t.Fatalf("calls %v, want a 429 then a post", posts)
	}
	if gap := posts[1].At.Sub(posts[0].At); gap < time.Second {
		t.Errorf("posted again after %v, want at least Retry-After (1 s)", gap)
	}
	if n := len(h.srv.Messages(h.srv.Channel)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// Slack down (5xx, or not answering) delays the alert; once Slack is back,
// it is delivered once.
func TestAlertSlackDownThenUp(t *testing.T) {
	for name, fault := range map[string]slackfake.Fault{
		"503":     {Status: http.StatusServiceUnavailable},
		"dropped": {Drop: true},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, storetest.OpenSQLite, options{})
			h.srv.Down(fault)
			in := h.request(t, "奄美商店")
			deadline := time.Now().Add(wait)
			for h.srv.Count("chat.postMessage") == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the alert job never tried")
				}
				time.Sleep(20 * time.Millisecond)
			}
			h.srv.Up() // River retries after about a second
			h.alert(t, in.ID)
			h.settle(t)
			if n := len(h.srv.Messages(h.srv.Channel)); n != 1 {
				t.Errorf("%d messages, want 1", n)
			}
		})
	}
}

// failingSetAlert fails its first SetAlert calls, as a database that goes
// away right after the alert was posted.
type failingSetAlert struct {
	slackbot.Store
	fails atomic.Int32
}

func (s *failingSetAlert) SetAlert(ctx context.Context, id int64, channel, ts string) error {
	if s.fails.Add(-1) >= 0 {
		return errors.New("database unreachable")
	}
	return s.Store.SetAlert(ctx, id, channel, ts)
}

// A retry after a post that succeeded but was not recorded (SetAlert
// failed, or Slack's answer was lost) finds the post and does not repeat it.
func TestAlertRetryDoesNotRepost(t *testing.T) {
	t.Run("SetAlert failed", func(t *testing.T) {
		wrapped := &failingSetAlert{}
		wrapped.fails.Store(1)
		h := newHarness(t, storetest.OpenSQLite, options{wrap: func(st fullStore) slackbot.Store { wrapped.Store = st; return wrapped }})
		in := h.request(t, "奄美商店")
		m := h.alert(t, in.ID)
		h.settle(t)
		if n := len(h.srv.Messages(h.srv.Channel)); n != 1 || h.srv.Count("chat.postMessage") != 1 {
			t.Errorf("%d messages after %d posts, want 1 post", n, h.srv.Count("chat.postMessage"))
		}
		if n := h.srv.Count("conversations.history"); n != 1 {
			t.Errorf("%d history look-ups, want 1 (by the retry)", n)
		}
		if m.TS != h.srv.Messages(h.srv.Channel)[0].TS {
			t.Errorf("recorded %s, want the one post", m.TS)
		}
	})
	t.Run("answer lost", func(t *testing.T) {
		h := newHarness(t, storetest.OpenSQLite, options{})
		h.srv.FailNext("chat.postMessage", 1, slackfake.Fault{Status: http.StatusBadGateway, Deliver: true})
		in := h.request(t, "奄美商店")
		h.alert(t, in.ID)
		h.settle(t)
		if n := len(h.srv.Messages(h.srv.Channel)); n != 1 || h.srv.Count("chat.postMessage") != 1 {
			t.Errorf("%d messages after %d posts, want 1 post", n, h.srv.Count("chat.postMessage"))
		}
	})
}

// A request decided before its alert went out (Slack was down, say) is
// posted showing the outcome, without buttons.
func TestAlertOfDecidedRequest(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{stopped: true})
	in := h.request(t, "奄美商店")
	decided := time.Date(2025, 11, 24, 6, 4, 0, 0, time.UTC)
	if _, err := h.st.DecideIntroduction(t.Context(), in.ID, store.Decision{Status: store.Approved, By: "山田", Now: decided}); err != nil {
		t.Fatal(err)
	}
	h.start(t)
	m := h.alert(t, in.ID)
	h.settle(t)
	if len(m.Buttons()) != 0 || !strings.Contains(m.Shown(), "承認済み: 山田さん（11月24日 15:04）") {
		t.Errorf("alert shows\n%s\nwith buttons %+v; want the outcome and no buttons", m.Shown(), m.Buttons())
	}
	if n := len(h.srv.Messages(h.srv.Channel)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if n := len(h.told.Jobs()); n != 1 {
		t.Errorf("the owner was told %d times, want once", n)
	}
}

// An alert someone deleted cannot be updated; the update gives up quietly.
func TestAlertUpdateOfDeletedAlert(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	in := h.request(t, "奄美商店")
	m := h.alert(t, in.ID)
	h.srv.DeleteMessage(m.Channel, m.TS)
	if w := h.click(h.srv.Click(t, m, "intro_approve", slackfake.User{ID: "U1", Name: "山田"})); w.Code != http.StatusOK {
		t.Fatalf("click answered %d", w.Code)
	}
	h.settle(t)
	if n := h.srv.Count("chat.update"); n != 1 {
		t.Errorf("%d updates, want 1 (tried once)", n)
	}
	if !strings.Contains(h.logs.String(), "alert gone") {
		t.Errorf("logs do not tell the alert was gone:\n%s", h.logs)
	}
}

// decidingSetAlert has the request decided just before the alert's post is
// recorded, and waits for the decision's own update job to find no alert to
// update: the alert job must show the outcome itself.
type decidingSetAlert struct {
	fullStore
	logs atomic.Pointer[logBuffer]
}

func (s *decidingSetAlert) SetAlert(ctx context.Context, id int64, channel, ts string) error {
	if _, err := s.DecideIntroduction(ctx, id, store.Decision{Status: store.Declined, By: "鈴木", Now: time.Now()}); err != nil {
		return err
	}
	for !strings.Contains(s.logs.Load().String(), "not posted yet") {
		time.Sleep(10 * time.Millisecond)
	}
	return s.fullStore.SetAlert(ctx, id, channel, ts)
}

func TestAlertDecidedWhilePosting(t *testing.T) {
	wrapped := &decidingSetAlert{}
	h := newHarness(t, storetest.OpenSQLite, options{workers: 2, wrap: func(st fullStore) slackbot.Store {
		wrapped.fullStore = st
		return wrapped
	}})
	wrapped.logs.Store(h.logs)
	in := h.request(t, "奄美商店")
	m := h.srv.WaitFor(t, h.srv.Channel, "the alert to show the outcome", wait, func(m slackfake.Message) bool {
		return strings.Contains(m.Shown(), "見送り済み: 鈴木さん")
	})
	if len(m.Buttons()) != 0 || len(h.srv.Messages(h.srv.Channel)) != 1 {
		t.Errorf("alert %+v among %d messages, want one alert without buttons", m, len(h.srv.Messages(h.srv.Channel)))
	}
	if got, _ := h.st.Introduction(t.Context(), in.ID); got.AlertTS != m.TS {
		t.Errorf("recorded %q, want %q", got.AlertTS, m.TS)
	}
}

// Without the scope to read the channel's history, a retried alert is
// posted anyway (it may repeat one whose answer was lost) and the operator
// is told what scope is missing: better twice than never.
func TestAlertRetryWithoutHistoryScope(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	h.srv.FailNext("chat.postMessage", 1, slackfake.Fault{Status: http.StatusServiceUnavailable})
	h.srv.FailNext("conversations.history", 1, slackfake.Fault{Error: "missing_scope"})
	in := h.request(t, "奄美商店")
	h.alert(t, in.ID)
	h.settle(t)
	if n := len(h.srv.Messages(h.srv.Channel)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if !strings.Contains(h.logs.String(), "channels:history") {
		t.Errorf("the logs do not name the missing scope:\n%s", h.logs)
	}
}
