package line_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// handoffLine is the LINE side of hand-offs: the store, the push worker and
// a strict fake LINE.
func handoffLine(t *testing.T, open opener) (store.Store, *linetest.Server) {
	t.Helper()
	logger, _ := newLogger()
	srv := linetest.NewServer(t)
	workers := river.NewWorkers()
	st := open(t, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond, Logger: logger})
	line.AddHandoffWorkers(workers, st, &flows.Bot{Loc: tokyo}, line.NewClient(srv.Token, srv.URL, nil), logger)
	if err := st.StartJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st, srv
}

func staffSays(t *testing.T, st store.Store, id int64, text string) {
	t.Helper()
	if _, _, err := st.AddHandoffMessage(t.Context(), store.HandoffMessage{HandoffID: id, ToUser: true, Kind: store.HandoffText, Text: text, Author: "U0YAMADA", CreatedAt: time.Now()}, ""); err != nil {
		t.Fatal(err)
	}
}

// Staff's replies reach the user in order, marked as from staff, with a way
// back to the bot; a reply longer than one LINE message is split, nothing
// cut; the end of the hand-off is pushed too.
func TestHandoffPushes(t *testing.T) {
	for name, open := range map[string]opener{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres} {
		t.Run(name, func(t *testing.T) {
			st, srv := handoffLine(t, open)
			user := newUser()
			h, err := st.OpenHandoff(t.Context(), user, time.Now(), time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			long := strings.Repeat("島の販路について、", 700) // 6,300 characters
			for _, text := range []string{"担当の山田です。", long, "ほかにご質問はありますか？"} {
				staffSays(t, st, h.ID, text)
			}
			if _, err := st.CloseHandoff(t.Context(), h.ID, "山田", time.Now(), time.Time{}); err != nil {
				t.Fatal(err)
			}
			got := srv.WaitMessages(t, user, 5, wait)
			var texts []string
			for _, d := range got {
				texts = append(texts, d.Text)
			}
			if len(got) != 5 || texts[0] != "【スタッフより】\n担当の山田です。" || texts[3] != "【スタッフより】\nほかにご質問はありますか？" ||
				!strings.HasPrefix(texts[4], "スタッフとのやりとりは終了しました") {
				t.Fatalf("pushed %d messages %q", len(got), texts)
			}
			if joined := strings.ReplaceAll(texts[1]+texts[2], "\n", ""); !strings.Contains(joined, strings.TrimSuffix(long, "、")) || utf8.RuneCountInString(texts[1]) > 5000 {
				t.Errorf("the long reply arrived as %d + %d characters, not whole", utf8.RuneCountInString(texts[1]), utf8.RuneCountInString(texts[2]))
			}
			if q := got[0].QuickReplies; !slices.Equal(q, []string{"ボットに戻る"}) {
				t.Errorf("a staff reply offers %v, want ボットに戻る", q)
			}
			if q := got[4].QuickReplies; !slices.Contains(q, "セミナー申込") {
				t.Errorf("the end offers %v, want the menu", q)
			}
		})
	}
}

// A user who blocked the account: LINE refuses the push (403), staff are
// told in the thread, and nothing retries.
func TestHandoffBlockedUser(t *testing.T) {
	st, srv := handoffLine(t, storetest.OpenSQLite)
	srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: 403, Body: `{"message":"The user has blocked the account"}`})
	srv.ExpectRejections()
	user := newUser()
	h, err := st.OpenHandoff(t.Context(), user, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	staffSays(t, st, h.ID, "お返事です")
	var note store.HandoffMessage
	deadline := time.Now().Add(wait)
	for {
		note, err = st.NextHandoffMessage(t.Context(), h.ID, false)
		if err == nil || !errors.Is(err, store.ErrNotFound) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || note.Kind != store.HandoffBlocked {
		t.Fatalf("the thread was told %+v, %v; want that LINE refused", note, err)
	}
	staffSays(t, st, h.ID, "届いていますか？")
	srv.WaitMessages(t, user, 1, wait)
	if n := srv.Count("/v2/bot/message/push"); n != 2 {
		t.Errorf("%d pushes, want 2: the refused one is not retried", n)
	}
}
