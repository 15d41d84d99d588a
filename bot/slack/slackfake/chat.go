package slackfake

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Slack's limits on a message's text.
const maxTextRunes = 40000

// refused is Slack's answer about the state of things rather than the
// request (a message deleted meanwhile): not a bug of the caller's.
func refused(code string) reply {
	return reply{status: http.StatusOK, body: map[string]any{"ok": false, "error": code}}
}

func (s *Server) authTest(url.Values) reply {
	return ok(map[string]any{
		"url":     "https://amami-test.slack.com/",
		"team":    "Amami test",
		"user":    "amamibot",
		"team_id": s.Team,
		"user_id": s.BotUser,
		"bot_id":  "B0AMAMIBOT",
	})
}

// content checks and decodes what a posted or updated message shows: text,
// blocks, metadata. It returns a refusal when Slack would refuse them.
func content(args url.Values, requireContent bool) (text string, blocks json.RawMessage, meta *Metadata, refusal *reply) {
	text = args.Get("text")
	if utf8.RuneCountInString(text) > maxTextRunes {
		r := slackError("msg_too_long")
		return "", nil, nil, &r
	}
	if raw := args.Get("blocks"); raw != "" {
		if problems := checkBlocks([]byte(raw)); len(problems) > 0 {
			r := slackError("invalid_blocks", problems...)
			return "", nil, nil, &r
		}
		blocks = json.RawMessage(raw)
	}
	if requireContent && text == "" && len(blocks) == 0 && args.Get("attachments") == "" {
		r := slackError("no_text")
		return "", nil, nil, &r
	}
	if raw := args.Get("metadata"); raw != "" {
		var m Metadata
		if err := json.Unmarshal([]byte(raw), &m); err != nil || m.EventType == "" || m.EventPayload == nil {
			r := slackError("invalid_metadata_format", "metadata needs an event_type and an event_payload object")
			return "", nil, nil, &r
		}
		meta = &m
	}
	return text, blocks, meta, nil
}

func (s *Server) postMessage(args url.Values) reply {
	channel := args.Get("channel")
	if channel == "" {
		return slackError("channel_not_found", "channel is required")
	}
	if channel != s.Channel {
		return refused("channel_not_found")
	}
	text, blocks, meta, refusal := content(args, true)
	if refusal != nil {
		return *refusal
	}
	m := &Message{Channel: channel, TS: s.ts(), ThreadTS: args.Get("thread_ts"), Text: text, Blocks: blocks, Metadata: meta}
	s.messages[channel] = append(s.messages[channel], m)
	s.notify()
	return ok(map[string]any{"channel": channel, "ts": m.TS, "message": m.json(true, s.BotUser)})
}

func (s *Server) update(args url.Values) reply {
	channel, ts := args.Get("channel"), args.Get("ts")
	if channel == "" || ts == "" {
		return slackError("invalid_arguments", "channel and ts are required")
	}
	m := s.find(channel, ts)
	if m == nil {
		return refused("message_not_found")
	}
	text, blocks, meta, refusal := content(args, true)
	if refusal != nil {
		return *refusal
	}
	m.Text, m.Blocks, m.Edits = text, blocks, m.Edits+1
	if meta != nil {
		m.Metadata = meta
	}
	s.notify()
	return ok(map[string]any{"channel": channel, "ts": ts, "text": text})
}

func (s *Server) postEphemeral(args url.Values) reply {
	channel, user := args.Get("channel"), args.Get("user")
	if channel == "" || user == "" {
		return slackError("invalid_arguments", "channel and user are required")
	}
	if channel != s.Channel {
		return refused("channel_not_found")
	}
	text, blocks, _, refusal := content(args, true)
	if refusal != nil {
		return *refusal
	}
	ts := s.ts()
	s.ephemerals = append(s.ephemerals, Ephemeral{Channel: channel, User: user, Text: text, Blocks: blocks})
	s.notify()
	return ok(map[string]any{"message_ts": ts})
}

// history answers conversations.history: the channel's messages (not the
// replies in threads), newest first, after oldest and before latest (exclusive unless inclusive), at
// most limit a page (default 100, Slack's maximum 999), with metadata only
// when include_all_metadata asks for it.
func (s *Server) history(args url.Values) reply {
	channel := args.Get("channel")
	if channel == "" {
		return slackError("channel_not_found", "channel is required")
	}
	if channel != s.Channel {
		return refused("channel_not_found")
	}
	limit := 100
	if v := args.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 999 {
			return slackError("invalid_limit")
		}
		limit = n
	}
	inclusive := args.Get("inclusive") == "1" || args.Get("inclusive") == "true"
	oldest, err := micros(args.Get("oldest"), 0)
	if err != nil {
		return slackError("invalid_ts_oldest")
	}
	latest, err := micros(args.Get("latest"), math.MaxInt64)
	if err != nil {
		return slackError("invalid_ts_latest")
	}
	withMeta := args.Get("include_all_metadata") == "1" || args.Get("include_all_metadata") == "true"

	var in []*Message
	for _, m := range slices.Backward(s.messages[channel]) {
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			continue // a reply in a thread: Slack lists those with conversations.replies
		}
		t, _ := micros(m.TS, 0)
		if t < oldest || t > latest || !inclusive && (t == oldest || t == latest) {
			continue
		}
		in = append(in, m)
	}
	start := 0
	if c := args.Get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > len(in) {
			return slackError("invalid_cursor")
		}
		start = n
	}
	end := min(start+limit, len(in))
	page := make([]map[string]any, 0, end-start)
	for _, m := range in[start:end] {
		page = append(page, m.json(withMeta, s.BotUser))
	}
	next := ""
	if end < len(in) {
		next = strconv.Itoa(end)
	}
	return ok(map[string]any{
		"messages":          page,
		"has_more":          next != "",
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

// micros reads a message timestamp ("1700000000.000100") as microseconds;
// empty is def.
func micros(ts string, def int64) (int64, error) {
	if ts == "" {
		return def, nil
	}
	sec, frac, _ := strings.Cut(ts, ".")
	if len(frac) > 6 {
		return 0, errors.New("more than 6 decimals")
	}
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, err
	}
	var us int64
	if frac != "" {
		if us, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil {
			return 0, err
		}
	}
	return s*1e6 + us, nil
}

// find returns the channel's message with the timestamp; s.mu is held.
func (s *Server) find(channel, ts string) *Message {
	for _, m := range s.messages[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}
