package line_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/bot/line/linetest"
)

// TestRenderAcceptedByLINE pushes every case to the strict fake, which
// checks each request against LINE's OpenAPI spec and documented limits.
func TestRenderAcceptedByLINE(t *testing.T) {
	srv := linetest.NewServer(t)
	client := line.NewClient(srv.Token, srv.URL, nil)
	const user = "U0123456789abcdef0123456789abcdef"
	for name, replies := range cases {
		t.Run(name, func(t *testing.T) {
			msgs := line.Render(replies)
			if err := client.Push(t.Context(), user, msgs, uuid.NewString()); err != nil {
				t.Errorf("push: %v", err)
			}
			if err := client.Reply(t.Context(), srv.NewReplyToken(user), msgs); err != nil {
				t.Errorf("reply: %v", err)
			}
		})
	}
	if got, want := len(srv.Messages(user)), 0; got == want {
		t.Error("nothing delivered")
	}
}
