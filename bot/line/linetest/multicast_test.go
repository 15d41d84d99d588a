package linetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// multicastBody is a multicast of n messages to the users.
func multicastBody(users []string, n int) string {
	msgs := make([]map[string]string, n)
	for i := range msgs {
		msgs[i] = map[string]string{"type": "text", "text": fmt.Sprintf("お知らせ %d", i+1)}
	}
	b, _ := json.Marshal(map[string]any{"to": users, "messages": msgs})
	return string(b)
}

// users returns n user IDs of the shape LINE issues.
func users(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("U%032x", i+1)
	}
	return ids
}

func TestMulticastChecksItsLimits(t *testing.T) {
	srv := NewServer(t)
	path := "/v2/bot/message/multicast"
	for _, tc := range []struct {
		name, body string
		header     []string
		want       string
	}{
		{"501 users", multicastBody(users(501), 1), nil, `to`},
		{"no user", multicastBody(nil, 1), nil, `to`},
		{"6 messages", multicastBody(users(2), 6), nil, `messages`},
		{"a group", multicastBody([]string{"C" + repeat("0", 32)}, 1), nil, `to[0]`},
		{"retry key not a UUID", multicastBody(users(1), 1), []string{"X-Line-Retry-Key", "announce-1-0"}, `X-Line-Retry-Key`},
		{"text over 5000 characters", strings.Replace(multicastBody(users(1), 1), "お知らせ 1", repeat("あ", 5001), 1), nil, `messages[0].text`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, srv, path, srv.Token, tc.body, tc.header...)
			if status != 400 || !strings.Contains(body, tc.want) {
				t.Errorf("answered %d %s, want 400 naming %s", status, body, tc.want)
			}
			if r := srv.TakeRejections(); len(r) != 1 {
				t.Errorf("%d rejections recorded, want 1", len(r))
			}
		})
	}
	for _, u := range users(501) {
		if got := srv.Messages(u); len(got) != 0 {
			t.Fatalf("a rejected multicast delivered %d messages to %s", len(got), u)
		}
	}
}

func TestMulticastDeliversOncePerRetryKey(t *testing.T) {
	srv := NewServer(t)
	to := users(500)
	srv.Block(to[1])
	key := []string{"X-Line-Retry-Key", "123e4567-e89b-12d3-a456-426614174000"}
	if status, body := post(t, srv, "/v2/bot/message/multicast", srv.Token, multicastBody(to, 5), key...); status != 200 {
		t.Fatalf("multicast to 500 users with 5 messages answered %d %s, want 200", status, body)
	}
	if status, _ := post(t, srv, "/v2/bot/message/multicast", srv.Token, multicastBody(to, 5), key...); status != 409 {
		t.Errorf("the same retry key again answered %d, want 409", status)
	}
	if got := srv.Messages(to[499]); len(got) != 5 || got[0].Via != "multicast" || got[0].RetryKey != key[1] {
		t.Errorf("the last user got %+v, want the 5 messages once, by multicast", got)
	}
	if got := srv.Messages(to[1]); len(got) != 0 {
		t.Errorf("a user who blocked the account got %d messages", len(got))
	}
}
