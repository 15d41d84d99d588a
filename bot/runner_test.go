package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// A turn retried after a crash (the session saved, the replies not yet
// delivered) is not applied again, and still gives its replies to deliver.
func TestRetriedTurnRepliesAgainWithoutApplyingTwice(t *testing.T) {
	st := storetest.OpenSQLite(t, store.Options{})
	ctx := context.Background()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	start := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	if err := st.UpsertSeminars(ctx, []store.Seminar{{
		ID: "s", Title: "勉強会", StartsAt: start.Add(72 * time.Hour), EndsAt: start.Add(73 * time.Hour),
		OnlineURL: "https://meet.example.jp/s",
	}}); err != nil {
		t.Fatal(err)
	}
	r := &bot.Runner{
		Flows:  &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: tokyo},
		Logger: slog.New(slog.DiscardHandler),
	}
	turn := func(id, kind, text string) []flows.Reply {
		t.Helper()
		var replies []flows.Reply
		err := st.Turn(ctx, "U1", func(tx store.Tx) error {
			var err error
			replies, err = r.Turn(ctx, tx, start, store.Event{ID: id, UserID: "U1", Kind: kind, Text: text})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return replies
	}
	turn("e1", "text", "セミナー申込")
	turn("e2", "postback", "seminar:s")
	turn("e3", "postback", "同意する")
	turn("e4", "text", "山田 太郎")
	turn("e5", "text", "山田商店")
	first := turn("e6", "postback", "confirm")
	if len(first) == 0 || !strings.HasPrefix(first[0].Text, "お申し込みが完了しました。") {
		t.Fatalf("確定する answered %+v, want the confirmation", first)
	}
	again := turn("e6", "postback", "confirm")
	if !reflect.DeepEqual(again, first) {
		t.Errorf("the retried turn answered %+v, want the first answer %+v", again, first)
	}
	regs, err := st.AllRegistrations(ctx)
	if err != nil || len(regs) != 1 {
		t.Errorf("registrations %+v (%v), want exactly one", regs, err)
	}
}

// A turn that dies after the flow stepped, before its transaction commits,
// leaves nothing: the retried turn confirms the registration as the first
// would have, rather than saying it already exists.
func TestTurnKilledBeforeCommitConfirmsOnRetry(t *testing.T) {
	for name, open := range map[string]func(*testing.T, store.Options) store.Store{
		"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres,
	} {
		t.Run(name, func(t *testing.T) {
			st := open(t, store.Options{})
			ctx := context.Background()
			start := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
			if err := st.UpsertSeminars(ctx, []store.Seminar{{
				ID: "s", Title: "勉強会", StartsAt: start.Add(72 * time.Hour), EndsAt: start.Add(73 * time.Hour),
				Venue: "奄美市名瀬", Capacity: 5,
			}}); err != nil {
				t.Fatal(err)
			}
			r := &bot.Runner{
				Flows:  &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: time.UTC},
				Logger: slog.New(slog.DiscardHandler),
			}
			crash := errors.New("killed")
			turn := func(id, kind, text string, fail bool) []flows.Reply {
				t.Helper()
				var replies []flows.Reply
				err := st.Turn(ctx, "U1", func(tx store.Tx) error {
					var err error
					replies, err = r.Turn(ctx, tx, start, store.Event{ID: id, UserID: "U1", Kind: kind, Text: text})
					if err == nil && fail {
						err = crash
					}
					return err
				})
				if err != nil && !(fail && errors.Is(err, crash)) {
					t.Fatal(err)
				}
				return replies
			}
			turn("e1", "text", "セミナー申込", false)
			turn("e2", "postback", "seminar:s", false)
			turn("e3", "postback", "同意する", false)
			turn("e4", "text", "山田 太郎", false)
			turn("e5", "text", "山田商店", false)
			first := turn("e6", "postback", "confirm", true)
			if len(first) == 0 || !strings.HasPrefix(first[0].Text, "お申し込みが完了しました。") {
				t.Fatalf("確定する answered %+v, want the confirmation", first)
			}
			if regs, err := st.AllRegistrations(ctx); err != nil || len(regs) != 0 {
				t.Fatalf("after the killed turn: registrations %+v (%v), want none", regs, err)
			}
			again := turn("e6", "postback", "confirm", false)
			if !reflect.DeepEqual(again, first) {
				t.Errorf("the retried turn answered %+v, want %+v", again, first)
			}
			if regs, err := st.AllRegistrations(ctx); err != nil || len(regs) != 1 {
				t.Errorf("registrations %+v (%v), want exactly one", regs, err)
			}
		})
	}
}
