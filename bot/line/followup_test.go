package line_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// TestFollowupPushedOnce: the day after a seminar its attendee gets the
// thanks with the rating buttons, once, even when the job runs again.
func TestFollowupPushedOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, b.open)
			ctx := context.Background()
			now := time.Now()
			start := now.Add(-27 * time.Hour)
			if err := h.st.UpsertSeminars(ctx, []store.Seminar{{ID: "dx", Title: "観光DXセミナー", StartsAt: start, EndsAt: start.Add(90 * time.Minute), OnlineURL: "https://meet.example.jp/dx"}}); err != nil {
				t.Fatal(err)
			}
			user := newUser()
			if _, err := h.st.Register(ctx, store.RegisterRequest{SeminarID: "dx", UserID: user, Attendance: store.Online, Name: "山田", Company: "山田商店", Now: now.Add(-72 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			fs, err := h.st.DueFollowups(ctx, now)
			if err != nil || len(fs) != 1 {
				t.Fatalf("DueFollowups = %+v, %v", fs, err)
			}
			got := h.srv.WaitMessages(t, user, 1, wait)
			if !strings.HasPrefix(got[0].Text, "昨日は「観光DXセミナー」にご参加いただき") || !slices.Equal(got[0].QuickReplies, []string{"1", "2", "3", "4", "5", "個別相談を予約する"}) {
				t.Fatalf("the follow-up is %+v", got[0])
			}
			if err := h.st.InsertJob(ctx, store.FollowupArgs{FollowupID: fs[0].ID}, nil); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(wait)
			for pushes(h) < 2 {
				if time.Now().After(deadline) {
					t.Fatal("the follow-up's job did not run again")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if got := h.srv.Messages(user); len(got) != 1 {
				t.Errorf("the attendee got %d messages, want the follow-up once (LINE's 409 on the retry key)", len(got))
			}
		})
	}
}

func pushes(h *harness) int {
	n := 0
	for _, r := range h.srv.Requests() {
		if r.Operation == "pushMessage" {
			n++
		}
	}
	return n
}
