package line

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/amamibot/amamibot/flows"
)

// Limits of a card's content, well inside a bubble's 30 KB.
const (
	maxCardLines = 10
	maxCardText  = 300 // characters of a title or a line
)

// obj is a JSON object of the Flex Message format.
type obj = map[string]any

// carousel lays cards out as a Flex carousel: one bubble per card with the
// title in bold, the lines wrapped below it and the buttons at the bottom.
//
// The JSON is built here and sent as it is (carouselJSON), not through the
// SDK's component structs: reading it into them cost a JSON round trip per
// reply (6% of the CPU under load), and they write "flex":0 on every
// component.
//
// Cards past LINE's 12 bubbles or its 50 KB carousel are left out; with no
// card to show, carousel returns nil.
func carousel(cards []flows.Card) messaging_api.FlexContainerInterface {
	var bubbles []json.RawMessage
	size := 0
	for _, c := range cards {
		if len(bubbles) == maxBubbles {
			break
		}
		b, ok := bubble(c)
		if !ok {
			continue
		}
		raw, err := json.Marshal(b)
		if err != nil {
			panic(fmt.Sprintf("line: marshal bubble: %v", err)) // maps of strings always marshal
		}
		if size+len(raw) > maxCarouselSize*4/5 { // room for what the SDK adds
			break
		}
		size += len(raw)
		bubbles = append(bubbles, raw)
	}
	if len(bubbles) == 0 {
		return nil
	}
	raw, err := json.Marshal(obj{"type": "carousel", "contents": bubbles})
	if err != nil {
		panic(fmt.Sprintf("line: marshal carousel: %v", err))
	}
	return carouselJSON(raw)
}

// carouselJSON is a Flex carousel as its JSON, which a FlexMessage sends as
// it is.
type carouselJSON json.RawMessage

func (carouselJSON) GetType() string { return "carousel" }

func (c carouselJSON) MarshalJSON() ([]byte, error) { return c, nil }

// bubble is one card, or ok=false when the card shows nothing.
func bubble(c flows.Card) (b obj, ok bool) {
	var body []obj
	if t := strings.TrimSpace(c.Title); t != "" {
		body = append(body, obj{
			"type": "text", "text": truncate(t, maxCardText),
			"weight": "bold", "size": "md", "wrap": true,
		})
	}
	for _, line := range c.Lines {
		if len(body) > maxCardLines {
			break
		}
		if line = strings.TrimSpace(line); line != "" {
			body = append(body, obj{
				"type": "text", "text": truncate(line, maxCardText),
				"size": "sm", "color": "#555555", "wrap": true,
			})
		}
	}
	var buttons []obj
	for _, choice := range c.Buttons {
		a := postback(choice)
		if a == nil {
			continue
		}
		style := "primary"
		if len(buttons) > 0 {
			style = "secondary" // one main action per card
		}
		buttons = append(buttons, obj{
			"type": "button", "style": style, "height": "sm",
			"action": obj{"type": "postback", "label": a.Label, "data": a.Data, "displayText": a.DisplayText},
		})
	}
	if len(body) == 0 && len(buttons) == 0 {
		return nil, false
	}
	b = obj{"type": "bubble"}
	if len(body) > 0 {
		b["body"] = obj{"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}
	}
	if len(buttons) > 0 {
		b["footer"] = obj{"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons}
	}
	return b, true
}
