package line

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/amamibot/amamibot/flows"
)

// LINE's limits on what one reply or push may carry.
const (
	maxMessages     = 5     // messages per reply or push
	maxTextUnits    = 5000  // UTF-16 code units per text message
	maxAltText      = 1500  // characters of a Flex message's altText
	maxQuickReplies = 13    // quick reply items
	maxLabel        = 20    // characters of an action label
	maxData         = 300   // characters of postback data and displayText
	maxBubbles      = 12    // bubbles per carousel
	maxCarouselSize = 50000 // bytes of a carousel's JSON
)

// Render turns a turn's replies into at most five LINE messages: each reply's
// text (split when longer than LINE allows), then its cards as one Flex
// carousel. The choices of the last reply that offers any become quick reply
// buttons on the last message, the only one whose quick reply LINE shows.
func Render(replies []flows.Reply) []messaging_api.MessageInterface {
	var parts []part
	var choices []flows.Choice
	for _, r := range replies {
		for _, t := range splitText(r.Text, maxTextUnits) {
			parts = append(parts, part{text: t})
		}
		if c := carousel(r.Cards); c != nil {
			parts = append(parts, part{flex: c, alt: altText(r)})
		}
		if len(r.Choices) > 0 {
			choices = r.Choices
		}
	}
	parts = fit(parts)
	if len(parts) == 0 {
		return nil
	}
	msgs := make([]messaging_api.MessageInterface, 0, len(parts))
	for i, p := range parts {
		var qr *messaging_api.QuickReply
		if i == len(parts)-1 {
			qr = quickReply(choices)
		}
		if p.flex != nil {
			msgs = append(msgs, &messaging_api.FlexMessage{AltText: p.alt, Contents: p.flex, QuickReply: qr})
			continue
		}
		msgs = append(msgs, &messaging_api.TextMessage{Text: p.text, QuickReply: qr})
	}
	return msgs
}

// part is one message to be: a text or a carousel.
type part struct {
	text string
	flex messaging_api.FlexContainerInterface
	alt  string // the flex message's altText
}

// fit brings parts within the five-message limit: first by joining
// neighbouring texts that fit in one message, then, if the turn still says
// too much, by keeping the first four and the last (which asks the question
// the quick replies answer).
func fit(parts []part) []part {
	for len(parts) > maxMessages {
		joined := false
		for i := 0; i+1 < len(parts); i++ {
			a, b := parts[i], parts[i+1]
			if a.flex == nil && b.flex == nil && units(a.text)+units(b.text)+2 <= maxTextUnits {
				parts[i].text = a.text + "\n\n" + b.text
				parts = append(parts[:i+1], parts[i+2:]...)
				joined = true
				break
			}
		}
		if !joined {
			return append(parts[:maxMessages-1], parts[len(parts)-1])
		}
	}
	return parts
}

// quickReply offers choices as postback buttons. The displayText makes the
// chat show what was tapped, as if the user had typed it. Past LINE's 13
// items, the first twelve and the last (the way out: キャンセル) are kept.
func quickReply(choices []flows.Choice) *messaging_api.QuickReply {
	var items []messaging_api.QuickReplyItem
	for _, c := range choices {
		if a := postback(c); a != nil {
			items = append(items, messaging_api.QuickReplyItem{Type: "action", Action: a})
		}
	}
	if len(items) > maxQuickReplies {
		items = append(items[:maxQuickReplies-1], items[len(items)-1])
	}
	if len(items) == 0 {
		return nil
	}
	return &messaging_api.QuickReply{Items: items}
}

// postback is a choice as a postback action, or nil when its data is too
// long for LINE: a cut-off data would select something else.
func postback(c flows.Choice) *messaging_api.PostbackAction {
	if c.Data == "" || utf8.RuneCountInString(c.Data) > maxData || strings.TrimSpace(c.Label) == "" {
		return nil
	}
	return &messaging_api.PostbackAction{
		Label:       truncate(c.Label, maxLabel),
		Data:        c.Data,
		DisplayText: truncate(c.Label, maxData),
	}
}

// altText is what notifications and the chat list show for a carousel.
func altText(r flows.Reply) string {
	alt := r.Text
	if strings.TrimSpace(alt) == "" {
		titles := make([]string, 0, len(r.Cards))
		for _, c := range r.Cards {
			titles = append(titles, c.Title)
		}
		alt = strings.Join(titles, "\n")
	}
	if strings.TrimSpace(alt) == "" {
		alt = "選択肢をお送りしました。"
	}
	return truncate(alt, maxAltText)
}

// splitText cuts text into pieces of at most max UTF-16 units, at a line
// break where one falls in the second half of a piece, else between
// characters. Blank text gives no pieces.
func splitText(text string, max int) []string {
	text = strings.TrimSpace(text)
	var pieces []string
	for text != "" {
		if units(text) <= max {
			return append(pieces, text)
		}
		cut, n := 0, 0
		for i, r := range text {
			n += utf16.RuneLen(r)
			if n > max {
				cut = i
				break
			}
		}
		if nl := strings.LastIndexByte(text[:cut], '\n'); nl > cut/2 {
			cut = nl
		}
		pieces = append(pieces, strings.TrimSpace(text[:cut]))
		text = strings.TrimSpace(text[cut:])
	}
	return pieces
}

// units counts s in UTF-16 code units, as LINE measures text.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncate shortens s to at most max characters, ending in "…" when cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
