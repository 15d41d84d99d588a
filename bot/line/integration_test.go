package line_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

var backends = []struct {
	name string
	open opener
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

// chat is one user talking to the bot over HTTP, as LINE would.
type chat struct {
	t    *testing.T
	h    *harness
	url  string
	user string
}

// post sends LINE's signed webhook request carrying events.
func (c *chat) post(events ...linetest.Event) {
	c.t.Helper()
	b := linetest.Body(linetest.Destination, events...)
	req, _ := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("x-line-signature", linetest.SignedWebhook(secret, b)) // header case varies
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("webhook: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("webhook answered %d", res.StatusCode)
	}
}

// do sends one event and returns the messages that answer it.
func (c *chat) do(ev linetest.Event) []linetest.Delivery {
	c.t.Helper()
	before := len(c.h.srv.Messages(c.user))
	c.post(ev)
	return c.h.srv.WaitMessages(c.t, c.user, before+1, wait)[before:]
}

// expect checks that the answer is one text starting with want, offering
// the buttons (quick replies) given.
func (c *chat) expect(got []linetest.Delivery, want string, buttons ...string) {
	c.t.Helper()
	last := got[len(got)-1]
	if !strings.HasPrefix(got[0].Text, want) || strings.Join(last.QuickReplies, "|") != strings.Join(buttons, "|") {
		c.t.Fatalf("bot answered:\n%s\nwant text starting %q with buttons %q", show(got), want, buttons)
	}
	if last.Via != "reply" {
		c.t.Errorf("answered by %s, want the reply token used", last.Via)
	}
}

func show(ds []linetest.Delivery) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.Type + ": " + d.Text + d.AltText + " [" + strings.Join(d.QuickReplies, "|") + "]\n")
	}
	return b.String()
}

// TestRegistrationOverLINE is the whole path: signed webhooks into the
// store, River turns through the runner and the flows, answers to the fake
// LINE, on both backends.
func TestRegistrationOverLINE(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend.name, func(t *testing.T) {
			h := newHarness(t, backend.open)
			mux := http.NewServeMux()
			mux.Handle("POST /line/webhook", h.hook)
			web := httptest.NewServer(mux)
			t.Cleanup(web.Close)
			ctx := t.Context()
			starts := time.Now().In(tokyo).AddDate(0, 0, 10).Truncate(time.Hour)
			sem := store.Seminar{
				ID: "dx", Title: "観光DXセミナー 予約とSNSで選ばれる宿へ", StartsAt: starts.UTC(), EndsAt: starts.Add(90 * time.Minute).UTC(),
				Venue: "奄美市AiAiひろば 2階 会議室", OnlineURL: "https://meet.example.jp/amami-dx", Capacity: 20,
			}
			if err := h.st.UpsertSeminars(ctx, []store.Seminar{sem}); err != nil {
				t.Fatal(err)
			}
			c := &chat{t: t, h: h, url: web.URL + "/line/webhook", user: newUser()}
			srv := h.srv

			c.expect(c.do(srv.FollowEvent(c.user)), "友だち追加ありがとうございます。", "相談する", "セミナー申込", "個別相談", "申込確認")

			list := c.do(srv.TextEvent(c.user, "セミナー申込"))
			if len(list) != 2 || list[1].Type != "flex" || !strings.Contains(string(list[1].JSON), "1. 観光DXセミナー") ||
				!strings.Contains(string(list[1].JSON), "会場（残り20席）・オンライン") {
				t.Fatalf("seminar list:\n%s\nwant a text and a carousel of the seminar", show(list))
			}
			c.expect(list, "受付中のセミナーです。", "キャンセル")

			c.expect(c.do(srv.PostbackEvent(c.user, "seminar:dx")), "参加方法をお選びください。\n会場: 奄美市AiAiひろば 2階 会議室", "会場で参加", "オンラインで参加", "キャンセル")
			c.expect(c.do(srv.PostbackEvent(c.user, "venue")), "お名前などを伺う前に、個人情報の取り扱いをご確認ください。", "同意する", "キャンセル")
			c.expect(c.do(srv.PostbackEvent(c.user, "同意する")), "お名前（フルネーム）を送ってください。", "キャンセル")
			c.expect(c.do(srv.StickerEvent(c.user)), "スタンプや画像をありがとうございます。", "キャンセル")
			c.expect(c.do(srv.TextEvent(c.user, "山田　太郎")), "会社名・屋号を送ってください。", "なし", "キャンセル")
			summary := c.do(srv.TextEvent(c.user, "山田商店"))
			c.expect(summary, "以下の内容でお申し込みします。", "確定する", "キャンセル")
			if !strings.Contains(summary[0].Text, "お名前: 山田 太郎\n会社名: 山田商店") {
				t.Errorf("summary %q, want the name and company as given", summary[0].Text)
			}

			// The confirmation delivered twice at once, then resent later: one
			// registration, one answer.
			confirm := srv.PostbackEvent(c.user, "confirm")
			before := len(srv.Messages(c.user))
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() { c.post(confirm) })
			}
			wg.Wait()
			done := srv.WaitMessages(t, c.user, before+1, wait)[before:]
			c.expect(done, "お申し込みが完了しました。\n\n観光DXセミナー 予約とSNSで選ばれる宿へ", "カレンダーに追加", "相談する", "セミナー申込", "個別相談", "申込確認")
			if !strings.Contains(done[0].Text, "会場: 奄美市AiAiひろば 2階 会議室") || !strings.Contains(done[0].Text, "前日にリマインドをお送りします。") {
				t.Errorf("confirmation %q, want the venue and the reminder promise", done[0].Text)
			}
			confirm.DeliveryContext.IsRedelivery = true
			c.post(confirm)
			after := c.do(srv.TextEvent(c.user, "申込確認")) // answered after the resend was dealt with
			if got := srv.Messages(c.user); len(got) != before+1+len(after) {
				t.Errorf("the resent confirmation was answered again:\n%s", show(got[before:]))
			}
			c.expect(after, "お申し込み中のセミナーと個別相談です。", "キャンセル")
			regs, err := h.st.UserRegistrations(ctx, c.user, time.Now())
			if err != nil || len(regs) != 1 || regs[0].Attendance != store.Venue || regs[0].Name != "山田 太郎" {
				t.Errorf("registrations %+v, %v; want one at the venue", regs, err)
			}
			if s, _ := h.st.Seminar(ctx, "dx"); s.Booked != 1 {
				t.Errorf("%d venue seats booked, want 1", s.Booked)
			}
		})
	}
}

// TestEventsAnsweredInOrder sends a burst of one user's events in one
// request, and in several at once: each gets its own answer, in order.
func TestEventsAnsweredInOrder(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend.name, func(t *testing.T) {
			h := newHarness(t, backend.open)
			c := &chat{t: t, h: h, user: newUser()}
			web := httptest.NewServer(h.hook)
			t.Cleanup(web.Close)
			c.url = web.URL
			other := newUser()
			srv := h.srv

			c.post(srv.TextEvent(c.user, "セミナー申込"), srv.TextEvent(other, "メニュー"), srv.TextEvent(c.user, "キャンセル"),
				srv.TextEvent(c.user, "申込確認"))
			got := srv.WaitMessages(t, c.user, 3, wait)
			want := []string{"現在受付中のセミナーはありません。", "進行中のお手続きはありません。", "現在お申し込みはありません。"}
			for i, w := range want {
				if !strings.HasPrefix(got[i].Text, w) || got[i].Via != "reply" {
					t.Errorf("answer %d: %s %q, want a reply starting %q", i+1, got[i].Via, got[i].Text, w)
				}
			}
			if o := srv.WaitMessages(t, other, 1, wait); o[0].Text != "ご用件をお選びください。" {
				t.Errorf("the other user got %q", o[0].Text)
			}
		})
	}
}
