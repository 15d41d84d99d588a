package slack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

var (
	yamada = slackfake.User{ID: "U0YAMADA", Name: "山田"}
	suzuki = slackfake.User{ID: "U0SUZUKI", Name: "鈴木"}
)

func TestClickApproves(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	in := h.request(t, "奄美商店")
	m := h.alert(t, in.ID)

	before := time.Now()
	if w := h.click(h.srv.Click(t, m, "intro_approve", yamada)); w.Code != http.StatusOK {
		t.Fatalf("click answered %d %s", w.Code, w.Body)
	}
	got, err := h.st.Introduction(t.Context(), in.ID)
	if err != nil || got.Status != store.Approved || got.DecidedBy != "山田" || got.DecidedAt.Before(before.Add(-time.Second)) {
		t.Fatalf("after the click: %+v, %v; want approved by 山田 now", got, err)
	}
	updated := h.srv.WaitFor(t, m.Channel, "the alert to show the outcome", wait, func(x slackfake.Message) bool {
		return x.TS == m.TS && x.Edits > 0
	})
	want := "承認済み: 山田さん（" + got.DecidedAt.In(tokyo).Format("1月2日 15:04") + "）"
	if len(updated.Buttons()) != 0 || !strings.Contains(updated.Shown(), want) || !strings.Contains(updated.Shown(), "奄美商店") {
		t.Errorf("updated alert shows\n%s\nwith buttons %+v; want the request with %q instead of the buttons", updated.Shown(), updated.Buttons(), want)
	}
	h.settle(t)
	if n := len(h.told.Jobs()); n != 1 {
		t.Errorf("the owner was told %d times, want once", n)
	}
	if r := h.srv.Responses(); len(r) != 0 {
		t.Errorf("the winner was answered %+v, want nothing: the alert shows it", r)
	}
}

// Two clicks at once, by two people: one decision, one update of the alert,
// one message to the owner, and the second person is told who decided.
func TestConcurrentClicks(t *testing.T) {
	for name, open := range map[string]opener{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres} {
		for _, second := range []string{"intro_approve", "intro_decline"} {
			t.Run(name+"/"+second, func(t *testing.T) {
				h := newHarness(t, open, options{})
				in := h.request(t, "奄美商店")
				m := h.alert(t, in.ID)
				payloads := [][]byte{h.srv.Click(t, m, "intro_approve", yamada), h.srv.Click(t, m, second, suzuki)}

				var wg sync.WaitGroup
				codes := make([]int, 2)
				start := make(chan struct{})
				for i, p := range payloads {
					wg.Go(func() {
						<-start
						codes[i] = h.click(p).Code
					})
				}
				close(start)
				wg.Wait()
				if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
					t.Fatalf("clicks answered %v, want 200 both", codes)
				}

				got, err := h.st.Introduction(t.Context(), in.ID)
				if err != nil || got.Status == store.Pending {
					t.Fatalf("after the clicks: %+v, %v", got, err)
				}
				verb := map[store.IntroStatus]string{store.Approved: "承認済み", store.Declined: "見送り済み"}[got.Status]
				r := h.srv.WaitResponses(t, 1, wait)
				if want := got.DecidedBy + "さんが" + verb + "です"; r[0].ResponseType != "ephemeral" || !strings.HasPrefix(r[0].Text, want) {
					t.Errorf("the second click was answered %+v, want an ephemeral %q…", r[0], want)
				}
				h.settle(t)
				if n := len(h.told.Jobs()); n != 1 {
					t.Errorf("the owner was told %d times, want once", n)
				}
				if n := h.srv.Count("chat.update"); n != 1 {
					t.Errorf("%d updates of the alert, want 1", n)
				}
				if n := len(h.srv.Responses()); n != 1 {
					t.Errorf("%d answers to clicks, want 1 (to the second)", n)
				}
			})
		}
	}
}

// A click on a request that no longer exists (an alert posted by another
// installation, or a deleted record) is explained to whoever clicked.
func TestClickOnMissingRequest(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	// An alert as amamibot posts them; its action IDs are a contract with
	// the alerts already in Slack.
	api := slack.New(h.srv.Token, slack.OptionAPIURL(h.srv.APIURL))
	_, ts, err := api.PostMessageContext(t.Context(), h.srv.Channel, slack.MsgOptionText("紹介依頼", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("",
			slack.NewButtonBlockElement("intro_approve", "987654", slack.NewTextBlockObject("plain_text", "承認", false, false)))))
	if err != nil {
		t.Fatal(err)
	}
	m := h.srv.Messages(h.srv.Channel)[0]
	if m.TS != ts {
		t.Fatal("unexpected message")
	}
	if w := h.click(h.srv.Click(t, m, "intro_approve", yamada)); w.Code != http.StatusOK {
		t.Fatalf("click answered %d", w.Code)
	}
	r := h.srv.WaitResponses(t, 1, wait)
	if r[0].ResponseType != "ephemeral" || !strings.Contains(r[0].Text, "見つかりませんでした") {
		t.Errorf("answered %+v, want an ephemeral explanation", r[0])
	}
}

// Unsigned, badly signed or replayed requests are refused (401) and change
// nothing.
func TestBadSignatures(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	in := h.request(t, "奄美商店")
	m := h.alert(t, in.ID)
	body := slackfake.Form(h.srv.Click(t, m, "intro_approve", yamada))
	cmd := []byte(h.srv.Command(h.srv.Channel, yamada, "/amami", "requests").Encode())

	for name, header := range map[string]func([]byte) http.Header{
		"unsigned":     func([]byte) http.Header { return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}} },
		"wrong secret": func(b []byte) http.Header { return slackfake.Sign("another-secret", time.Now(), b) },
		"stale":        func(b []byte) http.Header { return slackfake.Sign(secret, time.Now().Add(-6*time.Minute), b) },
		"future":       func(b []byte) http.Header { return slackfake.Sign(secret, time.Now().Add(6*time.Minute), b) },
		"tampered": func(b []byte) http.Header {
			hd := slackfake.Sign(secret, time.Now(), b)
			hd.Set("X-Slack-Request-Timestamp", hd.Get("X-Slack-Request-Timestamp")+"0")
			return hd
		},
	} {
		if w := send(h.actions, "/slack/actions", body, header(body)); w.Code != http.StatusUnauthorized {
			t.Errorf("actions, %s: answered %d, want 401", name, w.Code)
		}
		if w := send(h.commands, "/slack/commands", cmd, header(cmd)); w.Code != http.StatusUnauthorized {
			t.Errorf("commands, %s: answered %d, want 401", name, w.Code)
		}
	}
	big := make([]byte, 2<<20)
	if w := send(h.actions, "/slack/actions", big, slackfake.Sign(secret, time.Now(), big)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB body: answered %d, want 413", w.Code)
	}
	if w := send(h.actions, "/slack/actions", []byte("payload=%7Bnot+json"), slackfake.Sign(secret, time.Now(), []byte("payload=%7Bnot+json"))); w.Code != http.StatusBadRequest {
		t.Errorf("a malformed payload: answered %d, want 400", w.Code)
	}

	h.settle(t)
	got, err := h.st.Introduction(t.Context(), in.ID)
	if err != nil || got.Status != store.Pending {
		t.Errorf("after refused requests: %+v, %v; want still pending", got, err)
	}
	if n := h.srv.Count("chat.update") + len(h.srv.Responses()) + len(h.told.Jobs()); n != 0 {
		t.Errorf("%d effects of refused requests, want none", n)
	}
	if strings.Contains(h.logs.String(), secret) {
		t.Error("the signing secret is in the logs")
	}
}

// A validly signed click from another workspace, or on the alert shared into
// another channel, decides nothing: the request stays pending, the alert
// keeps its buttons, the owner hears nothing, and the clicker is told why.
func TestClicksFromOutsideRefused(t *testing.T) {
	for _, open := range []opener{storetest.OpenSQLite, storetest.OpenPostgres} {
		h := newHarness(t, open, options{})
		in := h.request(t, "奄美商店")
		m := h.alert(t, in.ID)
		for i, tc := range []struct {
			name, field, to, want string // field: where the payload says it
		}{
			{"another workspace", "team", "T0OTHER", "ワークスペース"},
			{"another channel", "channel", "C0ELSEWHERE", "<#" + h.srv.Channel + ">"},
		} {
			var p map[string]any
			if err := json.Unmarshal(h.srv.Click(t, m, "intro_approve", yamada), &p); err != nil {
				t.Fatal(err)
			}
			p[tc.field].(map[string]any)["id"] = tc.to
			payload, _ := json.Marshal(p)
			if w := h.click(payload); w.Code != http.StatusOK {
				t.Errorf("%s: click answered %d %s", tc.name, w.Code, w.Body)
			}
			r := h.srv.WaitResponses(t, i+1, wait)[i]
			if !strings.Contains(r.Text, tc.want) {
				t.Errorf("%s: the clicker was told %q, want a refusal saying %q", tc.name, r.Text, tc.want)
			}
		}
		h.settle(t)
		got, err := h.st.Introduction(t.Context(), in.ID)
		if err != nil || got.Status != store.Pending || got.DecidedBy != "" {
			t.Errorf("after clicks from outside: %+v, %v; want still pending", got, err)
		}
		if n := h.srv.Count("chat.update") + len(h.told.Jobs()); n != 0 {
			t.Errorf("%d effects of refused clicks, want none", n)
		}
	}
}
