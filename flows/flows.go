// Package flows holds amamibot's conversations.
//
// A step takes the session and the user's input and returns the next session
// and the replies. It reads and commits what it needs through small
// interfaces and never sends a message, opens a connection or reads the
// clock: the caller passes the time. Replies are channel-neutral; bot/line
// renders them as LINE messages.
package flows

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/amamibot/amamibot/understand"
)

// InputKind is what kind of thing the user did.
type InputKind string

const (
	Text     InputKind = "text"     // typed a message
	Postback InputKind = "postback" // tapped a button; Input.Text is the Choice's Data
	Follow   InputKind = "follow"   // added the account as a friend
	Media    InputKind = "media"    // sent a sticker, image, location...; Input.Text names it
)

// Input is one thing the user did.
type Input struct {
	Kind InputKind
	Text string
}

// Reply is one message to the user: text, then optional cards, with optional
// choices offered under it.
type Reply struct {
	Text    string
	Cards   []Card
	Choices []Choice
}

// Choice is a button. Tapping it sends Data; typing its Label does the same.
type Choice struct {
	Label string `json:"label"` // at most 20 characters (LINE's quick reply limit)
	Data  string `json:"data"`
}

// Card is one panel of a carousel.
type Card struct {
	Title   string
	Lines   []string
	Buttons []Choice
}

// Session is a user's place in a conversation. It is stored as JSON between turns.
type Session struct {
	Flow    string            `json:"flow,omitempty"`
	Step    string            `json:"step,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
	Offered []Choice          `json:"offered,omitempty"` // the choices last shown, for typed labels
	Misses  int               `json:"misses,omitempty"`  // unexpected inputs in a row at this step
	Asked   string            `json:"asked,omitempty"`   // the step's question, to ask again after an aside
	// Paused is the flow left waiting while the user says whether to drop
	// it for something else they asked; 「いいえ、続ける」 resumes it.
	Paused     *Session  `json:"paused,omitempty"`
	LastActive time.Time `json:"last_active"`
	LastEvent  string    `json:"last_event,omitempty"` // the last event applied, so a retried turn is not applied twice
	// LastReplies are what LastEvent was answered, so that a retried turn
	// still delivers them (a push's retry key, made from the event, keeps
	// LINE from showing them twice).
	LastReplies []Reply `json:"last_replies,omitempty"`
}

// IdleTimeout is how long a started flow waits for the user.
const IdleTimeout = 30 * time.Minute

// normalize folds what people type on phones (full-width letters, half-width
// kana, stray spaces) so that 「ｷｬﾝｾﾙ」 and 「 キャンセル 」 mean キャンセル.
func normalize(s string) string {
	return strings.TrimSpace(norm.NFKC.String(s))
}

// containsAny reports whether s contains any of words.
var containsAny = understand.ContainsAny

// listNumber reads 「1」「２」「3番」 as a list position.
func listNumber(s string) (int, bool) {
	s = strings.TrimSuffix(s, "番")
	if s == "" || utf8.RuneCountInString(s) > 2 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, n > 0
}
