package flows_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// handoffDirective matches the transcripts' directives about hand-offs:
// "(staff on Slack)" puts users through to staff from then on;
// "(staff answers user: text)" posts text in the user's thread, "(staff
// ends user)" clicks 終了 and "(idle time-out ends user)" ends the
// hand-off for lack of messages, each showing what the user is pushed;
// "(staff reads the thread of user)" shows what reached the thread since
// it was last read.
var handoffDirective = regexp.MustCompile(`^\((staff on Slack|staff answers|staff ends|idle time-out ends|staff reads the thread of)(?: (user\d*))?(?:: (.*))?\)$`)

func (c *conversation) handoff(what, user, text string) {
	ctx := c.t.Context()
	if what == "staff on Slack" {
		c.bot.Handoffs = c.st
		c.bot.Staff = flows.Staff{Hours: "平日 9:00〜17:00（年末年始を除く）"}
		return
	}
	h, err := c.st.ActiveHandoff(ctx, "U"+user)
	switch {
	case errors.Is(err, store.ErrNotFound) && c.handoffs[user] != 0:
		h.ID = c.handoffs[user] // ended: staff still read its thread
	case err != nil:
		c.t.Fatalf("(%s %s): %v", what, user, err)
	}
	c.handoffs[user] = h.ID
	switch what {
	case "staff answers":
		_, _, err = c.st.AddHandoffMessage(ctx, store.HandoffMessage{HandoffID: h.ID, ToUser: true, Kind: store.HandoffText, Text: text, Author: "森", CreatedAt: c.now}, "")
	case "staff ends":
		_, err = c.st.CloseHandoff(ctx, h.ID, "森", c.now, time.Time{})
	case "idle time-out ends":
		_, err = c.st.CloseHandoff(ctx, h.ID, store.EndedByIdle, c.now, c.now.Add(-flows.DefaultHandoffIdle))
	case "staff reads the thread of":
		for _, m := range c.deliver(h.ID, false) {
			switch m.Kind {
			case store.HandoffText:
				fmt.Fprintf(&c.out, "thread: %s\n", m.Text)
			case store.HandoffMedia:
				fmt.Fprintf(&c.out, "thread: (%s)\n", m.Text)
			default:
				fmt.Fprintf(&c.out, "thread: [%s %s]\n", m.Kind, m.Author)
			}
		}
		return
	}
	if err != nil {
		c.t.Fatalf("(%s %s): %v", what, user, err)
	}
	var replies []flows.Reply
	for _, m := range c.deliver(h.ID, true) {
		replies = append(replies, c.bot.HandoffPush(m)...)
	}
	c.last[user] = replies
	for _, r := range replies {
		c.out.WriteString("push to " + user + ":" + strings.TrimPrefix(render(r), "bot:"))
	}
}

// deliver takes the hand-off's undelivered messages that way, in order, as
// the jobs do.
func (c *conversation) deliver(id int64, toUser bool) []store.HandoffMessage {
	ctx := c.t.Context()
	var ms []store.HandoffMessage
	for {
		m, err := c.st.NextHandoffMessage(ctx, id, toUser)
		if errors.Is(err, store.ErrNotFound) {
			return ms
		}
		if err != nil {
			c.t.Fatal(err)
		}
		if err := c.st.MarkHandoffMessageSent(ctx, m.Seq, c.now, false); err != nil {
			c.t.Fatal(err)
		}
		ms = append(ms, m)
	}
}
