package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// standIn is a webhook server that answers every event through the
// tracker a little later, as the real server answers through LINE, and
// notes any user who sent again before getting the previous answer.
type standIn struct {
	track   *tracker
	silent  bool // never answer
	mu      sync.Mutex
	waiting map[string]bool
	early   []string // users who did not wait
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cb, err := webhook.ParseRequest(channelSecret, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ev := cb.Events[0].(webhook.MessageEvent)
	user := ev.Source.(webhook.UserSource).UserId
	s.mu.Lock()
	if s.waiting[user] {
		s.early = append(s.early, user)
	}
	s.waiting[user] = true
	s.mu.Unlock()
	if s.silent {
		return
	}
	go func() {
		time.Sleep(2 * time.Millisecond)
		s.mu.Lock()
		s.waiting[user] = false // before the reply: it lets the user send again
		s.mu.Unlock()
		s.track.reply(ev.ReplyToken, "", time.Now())
	}()
}

func users(n int, mix string) []*user {
	us := make([]*user, n)
	for i := range us {
		us[i] = &user{slot: i, mix: mix}
	}
	return us
}

func TestClosedLoopUsersWaitForTheirReply(t *testing.T) {
	track := newTracker()
	si := &standIn{track: track, waiting: map[string]bool{}}
	srv := httptest.NewServer(si)
	defer srv.Close()
	s := newSender([]string{srv.URL}, channelSecret, newRunID(), track)
	defer s.close()

	start := time.Now()
	closedLoop(context.Background(), s, users(4, "seminar"), 300*time.Millisecond, 5*time.Second, 1000)
	awaitReplies(context.Background(), track, time.Second)
	got := track.tally(start, 300*time.Millisecond)
	if got.Sent < 4 || got.AcksOK != got.Sent || got.Replies != got.Sent || got.Missing != 0 {
		t.Errorf("tally = %+v, want every event acknowledged and answered", got)
	}
	if len(si.early) > 0 {
		t.Errorf("users %q sent before their previous message was answered", si.early)
	}
}

func TestClosedLoopGivesUpWaitingAfterTheReplyTimeout(t *testing.T) {
	track := newTracker()
	srv := httptest.NewServer(&standIn{track: track, silent: true, waiting: map[string]bool{}})
	defer srv.Close()
	s := newSender([]string{srv.URL}, channelSecret, newRunID(), track)
	defer s.close()

	start := time.Now()
	closedLoop(context.Background(), s, users(3, "menu"), 250*time.Millisecond, 100*time.Millisecond, 1000)
	got := track.tally(start, 250*time.Millisecond)
	// Each user sends at 0, 100 and 200 ms, and the run ends at 250 ms.
	if got.Sent < 3 || got.Sent > 3*3 {
		t.Errorf("sent %d events, want one to three per user: each waits 100 ms for a reply that never comes", got.Sent)
	}
	if got.Missing != got.Sent {
		t.Errorf("missing = %d of %d, want all", got.Missing, got.Sent)
	}
}

func TestOpenLoopStopsAtMaxEvents(t *testing.T) {
	url, stop, err := startBare(channelSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	track := newTracker()
	s := newSender([]string{url}, channelSecret, newRunID(), track)
	defer s.close()
	openLoop(context.Background(), s, users(5, "menu"), 1000, time.Minute, 25)
	got := track.tally(time.Now(), time.Minute)
	if got.Sent != 25 || got.AcksOK != 25 {
		t.Errorf("sent %d, acknowledged %d; want 25 of each (--max-events), all with a good signature", got.Sent, got.AcksOK)
	}
}

// Over two replicas every next event of a user goes to the other one, and
// the acknowledgements are counted per replica.
func TestSenderTurnsEachUserOverTheReplicas(t *testing.T) {
	var (
		track = newTracker()
		mu    sync.Mutex
		seen  = map[string][]int{} // per user, the replicas their events reached
	)
	replica := func(n int) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cb, err := webhook.ParseRequest(channelSecret, r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			user := cb.Events[0].(webhook.MessageEvent).Source.(webhook.UserSource).UserId
			mu.Lock()
			seen[user] = append(seen[user], n)
			mu.Unlock()
		}))
	}
	a, b := replica(0), replica(1)
	defer a.Close()
	defer b.Close()
	s := newSender([]string{a.URL, b.URL}, channelSecret, newRunID(), track)
	defer s.close()

	// Round robin over an even number of users: one counter over all
	// events would keep each user on one replica. (The seminar walk is one
	// LINE user for seven messages; the menu mix is a new user each time.)
	us := users(4, "seminar")
	for i := range 12 {
		id, text := us[i%len(us)].next(s.userID)
		s.send(context.Background(), id, text)
	}
	if len(seen) != 4 {
		t.Fatalf("%d users reached the replicas, want 4 with 3 events each", len(seen))
	}
	for user, got := range seen {
		for i := 1; i < len(got); i++ {
			if got[i] == got[i-1] {
				t.Errorf("user %s: replicas %v, want every next event on the other one", user, got)
				break
			}
		}
	}
	if got := s.acksPerURL(); got[0] != 6 || got[1] != 6 {
		t.Errorf("acks per replica = %v, want 6 and 6", got)
	}
}
