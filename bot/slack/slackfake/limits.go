package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit's limits, from Slack's reference of blocks, elements and
// composition objects.
const (
	maxBlocks          = 50
	maxBlockID         = 255
	maxHeaderText      = 150
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxFieldText       = 2000
	maxActionsElements = 25
	maxContextElements = 10
	maxButtonText      = 75
	maxActionID        = 255
	maxButtonValue     = 2000
	maxButtonURL       = 3000
)

type textObject struct {
	Type     string          `json:"type"`
	Text     *string         `json:"text"`
	Emoji    json.RawMessage `json:"emoji"`
	Verbatim json.RawMessage `json:"verbatim"`
}

type element struct {
	Type     string      `json:"type"`
	Text     *textObject `json:"text"`
	ActionID *string     `json:"action_id"`
	Value    *string     `json:"value"`
	Style    *string     `json:"style"`
	URL      *string     `json:"url"`
}

type block struct {
	Type     string            `json:"type"`
	BlockID  *string           `json:"block_id"`
	Text     *textObject       `json:"text"`
	Fields   []textObject      `json:"fields"`
	Elements []json.RawMessage `json:"elements"`
}

// checkBlocks returns what Slack would find wrong with a message's blocks,
// for the kinds of block amamibot sends (header, section, actions with
// buttons, context, divider); any other kind is refused too, so that a new
// one is added here with its limits before it is used.
func checkBlocks(raw []byte) []string {
	var blocks []block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return []string{"blocks must be a JSON array of block objects: " + err.Error()}
	}
	var p []string
	bad := func(i int, f string, a ...any) { p = append(p, fmt.Sprintf("blocks[%d]: ", i)+fmt.Sprintf(f, a...)) }
	if len(blocks) == 0 {
		p = append(p, "no blocks")
	}
	if len(blocks) > maxBlocks {
		p = append(p, fmt.Sprintf("%d blocks, more than %d", len(blocks), maxBlocks))
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for i, b := range blocks {
		if b.BlockID != nil {
			switch id := *b.BlockID; {
			case id == "" || utf8.RuneCountInString(id) > maxBlockID:
				bad(i, "block_id must be 1 to %d characters", maxBlockID)
			case blockIDs[id]:
				bad(i, "block_id %q repeated", id)
			}
			blockIDs[*b.BlockID] = true
		}
		switch b.Type {
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" {
				bad(i, "a header's text must be plain_text")
			} else {
				checkText(*b.Text, maxHeaderText, func(f string, a ...any) { bad(i, "text: "+f, a...) })
			}
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				bad(i, "a section needs text or fields")
			}
			if b.Text != nil {
				checkText(*b.Text, maxSectionText, func(f string, a ...any) { bad(i, "text: "+f, a...) })
			}
			if len(b.Fields) > maxSectionFields {
				bad(i, "%d fields, more than %d", len(b.Fields), maxSectionFields)
			}
			for j, f := range b.Fields {
				checkText(f, maxFieldText, func(f string, a ...any) { bad(i, fmt.Sprintf("fields[%d]: ", j)+f, a...) })
			}
		case "actions":
			if len(b.Elements) == 0 || len(b.Elements) > maxActionsElements {
				bad(i, "an actions block needs 1 to %d elements", maxActionsElements)
			}
			for j, raw := range b.Elements {
				checkButton(raw, actionIDs, func(f string, a ...any) { bad(i, fmt.Sprintf("elements[%d]: ", j)+f, a...) })
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > maxContextElements {
				bad(i, "a context block needs 1 to %d elements", maxContextElements)
			}
			for j, raw := range b.Elements {
				var t textObject
				if err := json.Unmarshal(raw, &t); err != nil {
					bad(i, "elements[%d]: %v", j, err)
					continue
				}
				checkText(t, maxSectionText, func(f string, a ...any) { bad(i, fmt.Sprintf("elements[%d]: ", j)+f, a...) })
			}
		case "divider":
		default:
			bad(i, "block type %q is not one the fake knows", b.Type)
		}
	}
	return p
}

// checkText checks a text object against its limit of characters.
func checkText(t textObject, limit int, bad func(string, ...any)) {
	switch t.Type {
	case "plain_text":
	case "mrkdwn":
		if t.Emoji != nil {
			bad("emoji is only allowed in plain_text")
		}
	default:
		bad("text type %q, want plain_text or mrkdwn", t.Type)
		return
	}
	if t.Text == nil || *t.Text == "" {
		bad("empty text")
		return
	}
	if n := utf8.RuneCountInString(*t.Text); n > limit {
		bad("%d characters, more than %d", n, limit)
	}
}

func checkButton(raw json.RawMessage, actionIDs map[string]bool, bad func(string, ...any)) {
	var e element
	if err := json.Unmarshal(raw, &e); err != nil {
		bad("%v", err)
		return
	}
	if e.Type != "button" {
		bad("element type %q is not one the fake knows", e.Type)
		return
	}
	if e.Text == nil || e.Text.Type != "plain_text" {
		bad("a button's text must be plain_text")
	} else {
		checkText(*e.Text, maxButtonText, bad)
	}
	if e.ActionID != nil {
		switch id := *e.ActionID; {
		case id == "" || utf8.RuneCountInString(id) > maxActionID:
			bad("action_id must be 1 to %d characters", maxActionID)
		case actionIDs[id]:
			bad("action_id %q repeated in the message", id)
		}
		actionIDs[*e.ActionID] = true
	}
	if e.Value != nil && (*e.Value == "" || utf8.RuneCountInString(*e.Value) > maxButtonValue) {
		bad("value must be 1 to %d characters", maxButtonValue)
	}
	if e.URL != nil && utf8.RuneCountInString(*e.URL) > maxButtonURL {
		bad("url longer than %d characters", maxButtonURL)
	}
	if e.Style != nil && *e.Style != "primary" && *e.Style != "danger" {
		bad("style %q, want primary or danger", *e.Style)
	}
}
