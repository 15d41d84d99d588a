package slackfake

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Limits of modals (views), from Slack's reference of views and input
// blocks.
const (
	maxViewBlocks     = 100
	maxViewTitle      = 24 // title, submit and close
	maxCallbackID     = 255
	maxPrivateMeta    = 3000
	maxInputLabel     = 2000
	maxInputValue     = 3000 // a plain_text_input's max_length and initial_value
	maxSelectOptions  = 100
	maxOptionText     = 75
	maxOptionValue    = 150
	triggerIDRequired = "trigger_id"
)

// View is a modal the app opened (views.open) or changed by answering a
// submission (response_action "update").
type View struct {
	ID              string
	CallbackID      string
	PrivateMetadata string
	JSON            json.RawMessage
	inputs          []input
}

// input is an input block of a view and its element.
type input struct {
	BlockID, ActionID, Type string
	Optional                bool
	Options                 []string // a static_select's option values
	label                   string
}

type viewObject struct {
	Type            string          `json:"type"`
	Title           *textObject     `json:"title"`
	Submit          *textObject     `json:"submit"`
	Close           *textObject     `json:"close"`
	CallbackID      string          `json:"callback_id"`
	PrivateMetadata string          `json:"private_metadata"`
	Blocks          json.RawMessage `json:"blocks"`
}

// checkView returns what Slack would find wrong with a modal, and its input
// blocks. Input blocks take a plain_text_input or a static_select; the other
// blocks are checked as a message's are.
func checkView(raw []byte) (View, []string) {
	var v viewObject
	if err := json.Unmarshal(raw, &v); err != nil {
		return View{}, []string{"view must be a JSON object: " + err.Error()}
	}
	var p []string
	if v.Type != "modal" {
		p = append(p, fmt.Sprintf("view.type %q, want modal", v.Type))
	}
	for name, t := range map[string]*textObject{"title": v.Title, "submit": v.Submit, "close": v.Close} {
		if t == nil {
			if name == "title" {
				p = append(p, "view.title is required")
			}
			continue
		}
		if t.Type != "plain_text" || t.Text == nil || *t.Text == "" || utf8.RuneCountInString(*t.Text) > maxViewTitle {
			p = append(p, fmt.Sprintf("view.%s must be plain_text of 1 to %d characters", name, maxViewTitle))
		}
	}
	if utf8.RuneCountInString(v.CallbackID) > maxCallbackID {
		p = append(p, "view.callback_id too long")
	}
	if utf8.RuneCountInString(v.PrivateMetadata) > maxPrivateMeta {
		p = append(p, fmt.Sprintf("view.private_metadata is %d characters, more than %d", utf8.RuneCountInString(v.PrivateMetadata), maxPrivateMeta))
	}
	var blocks []json.RawMessage
	if err := json.Unmarshal(v.Blocks, &blocks); err != nil || len(blocks) == 0 || len(blocks) > maxViewBlocks {
		return View{}, append(p, fmt.Sprintf("view.blocks must be 1 to %d blocks", maxViewBlocks))
	}
	out := View{CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, JSON: raw}
	var others []json.RawMessage
	hasInput := false
	for i, b := range blocks {
		var in struct {
			Type     string      `json:"type"`
			BlockID  string      `json:"block_id"`
			Label    *textObject `json:"label"`
			Optional bool        `json:"optional"`
			Element  *struct {
				Type         string       `json:"type"`
				ActionID     string       `json:"action_id"`
				MaxLength    int          `json:"max_length"`
				InitialValue string       `json:"initial_value"`
				Options      []optionJSON `json:"options"`
			} `json:"element"`
		}
		json.Unmarshal(b, &in)
		if in.Type != "input" {
			others = append(others, b)
			continue
		}
		hasInput = true
		bad := func(f string, a ...any) { p = append(p, fmt.Sprintf("view.blocks[%d]: ", i)+fmt.Sprintf(f, a...)) }
		if in.BlockID == "" || slices.ContainsFunc(out.inputs, func(x input) bool { return x.BlockID == in.BlockID }) {
			bad("an input block needs a block_id of its own")
		}
		if in.Label == nil || in.Label.Type != "plain_text" || in.Label.Text == nil || *in.Label.Text == "" || utf8.RuneCountInString(*in.Label.Text) > maxInputLabel {
			bad("label must be plain_text of 1 to %d characters", maxInputLabel)
		}
		if in.Element == nil || in.Element.ActionID == "" {
			bad("element with an action_id is required")
			continue
		}
		it := input{BlockID: in.BlockID, ActionID: in.Element.ActionID, Type: in.Element.Type, Optional: in.Optional}
		if in.Label != nil && in.Label.Text != nil {
			it.label = *in.Label.Text
		}
		switch in.Element.Type {
		case "plain_text_input":
			if in.Element.MaxLength > maxInputValue || utf8.RuneCountInString(in.Element.InitialValue) > maxInputValue {
				bad("max_length and initial_value are at most %d", maxInputValue)
			}
		case "static_select":
			if len(in.Element.Options) == 0 || len(in.Element.Options) > maxSelectOptions {
				bad("a static_select needs 1 to %d options", maxSelectOptions)
			}
			for j, o := range in.Element.Options {
				if o.Text.Type != "plain_text" || o.Text.Text == nil || *o.Text.Text == "" || utf8.RuneCountInString(*o.Text.Text) > maxOptionText ||
					o.Value == "" || utf8.RuneCountInString(o.Value) > maxOptionValue {
					bad("options[%d]: plain_text of 1 to %d characters and a value of 1 to %d", j, maxOptionText, maxOptionValue)
				}
				it.Options = append(it.Options, o.Value)
			}
		default:
			bad("element type %q is not one the fake knows (plain_text_input, static_select)", in.Element.Type)
		}
		out.inputs = append(out.inputs, it)
	}
	if hasInput && v.Submit == nil {
		p = append(p, "a view with input blocks needs a submit button")
	}
	if len(others) > 0 {
		rest, _ := json.Marshal(others)
		p = append(p, checkBlocks(rest)...)
	}
	return out, p
}

type optionJSON struct {
	Text  textObject `json:"text"`
	Value string     `json:"value"`
}

// openView serves views.open: a modal opened with the trigger of a command
// or click.
func (s *Server) openView(args url.Values) reply {
	if args.Get(triggerIDRequired) == "" {
		return slackError("invalid_arguments", "trigger_id is required")
	}
	v, problems := checkView([]byte(args.Get("view")))
	if len(problems) > 0 {
		return slackError("invalid_arguments", problems...)
	}
	s.seq++
	v.ID = fmt.Sprintf("V%08d", s.seq)
	s.views = append(s.views, v)
	s.notify()
	return ok(map[string]any{"view": map[string]any{"id": v.ID, "type": "modal", "callback_id": v.CallbackID}})
}

// Views returns the modals opened so far, in order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.views)
}

// Submit returns the payload of the view_submission Slack sends when u
// fills in view v with values (by block_id: the text typed, or the value of
// the option picked) and presses its submit button. It fails the test for
// what a person cannot do: fill in a block the view does not have, pick an
// option it does not offer, or submit with a required input empty.
func (s *Server) Submit(t testing.TB, v View, u User, values map[string]string) []byte {
	t.Helper()
	state := map[string]map[string]any{}
	for block := range values {
		if !slices.ContainsFunc(v.inputs, func(in input) bool { return in.BlockID == block }) {
			t.Fatalf("slackfake: view %s has no input %q to fill in", v.ID, block)
		}
	}
	for _, in := range v.inputs {
		val := values[in.BlockID]
		if val == "" && !in.Optional {
			t.Fatalf("slackfake: Slack does not submit view %s with the required input %q (%s) empty", v.ID, in.BlockID, in.label)
		}
		switch in.Type {
		case "plain_text_input":
			state[in.BlockID] = map[string]any{in.ActionID: map[string]any{"type": in.Type, "value": val}}
		case "static_select":
			if val != "" && !slices.Contains(in.Options, val) {
				t.Fatalf("slackfake: input %q of view %s offers no option %q", in.BlockID, v.ID, val)
			}
			sel := map[string]any{"type": in.Type, "selected_option": nil}
			if val != "" {
				sel["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": val}, "value": val}
			}
			state[in.BlockID] = map[string]any{in.ActionID: sel}
		}
	}
	var view map[string]any
	json.Unmarshal(v.JSON, &view)
	view["id"], view["state"] = v.ID, map[string]any{"values": state}
	payload, err := json.Marshal(map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": s.Team, "domain": "amami-test"},
		"user":       map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.Team},
		"api_app_id": "A0AMAMI",
		"token":      "legacy-verification-token",
		"trigger_id": "1.2.4",
		"view":       view,
	})
	if err != nil {
		t.Fatalf("slackfake: %v", err)
	}
	return payload
}

// Answered checks the app's answer to a submission of v as Slack would: an
// empty body closes the modal (closed true); "errors" must name input
// blocks of v (returned by block_id, and the modal stays); "update" must
// carry a valid modal, returned as the view now shown. It fails the test
// when Slack would refuse the answer.
func (s *Server) Answered(t testing.TB, v View, body []byte) (next View, errors map[string]string, closed bool) {
	t.Helper()
	if len(strings.TrimSpace(string(body))) == 0 {
		return View{}, nil, true
	}
	var ans struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatalf("slackfake: the answer to a view_submission is not JSON: %v: %s", err, body)
	}
	switch ans.ResponseAction {
	case "clear":
		return View{}, nil, true
	case "errors":
		if len(ans.Errors) == 0 {
			t.Fatalf("slackfake: response_action errors without errors")
		}
		for block := range ans.Errors {
			if !slices.ContainsFunc(v.inputs, func(in input) bool { return in.BlockID == block }) {
				t.Fatalf("slackfake: errors name %q, which is not an input block of view %s: Slack shows nothing", block, v.ID)
			}
		}
		return v, ans.Errors, false
	case "update":
		next, problems := checkView(ans.View)
		if len(problems) > 0 {
			t.Fatalf("slackfake: Slack refuses the updated view: %s", strings.Join(problems, "; "))
		}
		next.ID = v.ID
		s.mu.Lock()
		s.views = append(s.views, next)
		s.notify()
		s.mu.Unlock()
		return next, nil, false
	}
	t.Fatalf("slackfake: unknown response_action %q", ans.ResponseAction)
	return View{}, nil, false
}

// Text is what the view shows in its section and context blocks, joined by
// newlines.
func (v View) Text() string {
	var view struct {
		Blocks []struct {
			Text     *struct{ Text string }  `json:"text"`
			Elements []struct{ Text string } `json:"elements"`
		} `json:"blocks"`
	}
	json.Unmarshal(v.JSON, &view)
	var out []string
	for _, b := range view.Blocks {
		if b.Text != nil {
			out = append(out, b.Text.Text)
		}
		for _, e := range b.Elements {
			if e.Text != "" {
				out = append(out, e.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}
