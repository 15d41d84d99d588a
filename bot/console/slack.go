package console

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
)

// The emulated Slack Web API, under slackPrefix on the console's loopback
// port: the methods bot/slack calls (auth.test, chat.postMessage,
// chat.update, conversations.history) on one channel, the staff channel,
// and the response_url of each click.

const (
	slackPrefix   = "/slack/api"
	respondPrefix = "/slack/respond/"
	// A response_url takes 5 posts within 30 minutes.
	responseUses = 5
	responseTTL  = 30 * time.Minute
	// keptPosts bounds the staff channel shown.
	keptPosts = 200
	// staffChannel names the emulated staff channel.
	staffChannel = "amami-staff"
	// handoffAlert is the metadata event type of a hand-off's alert
	// (bot/slack), whose thread staff reply in.
	handoffAlert = "amamibot_handoff"
)

type slackState struct {
	botUser   string // the bot's user ID in the workspace
	lastTS    int64  // microseconds of the last timestamp given
	posts     []*slackPost
	responses map[string]*responseURL // by the ID in its path
}

func (s *slackState) init() {
	s.botUser = "U" + upperID(10)
	s.responses = map[string]*responseURL{}
}

// slackPost is a message in the staff channel: one the app posted, or one
// only the staff member who clicked or asked sees (Ephemeral).
type slackPost struct {
	TS        string          `json:"ts"`
	ThreadTS  string          `json:"thread_ts,omitempty"` // the thread it was posted in, if any
	Staff     string          `json:"staff,omitempty"`     // the staff member who posted it; empty: the app
	Handoff   bool            `json:"handoff,omitempty"`   // a hand-off's alert: staff reply in its thread
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	Metadata  json.RawMessage `json:"-"`
	Edited    bool            `json:"edited,omitempty"`
	Ephemeral bool            `json:"ephemeral,omitempty"`
	Command   string          `json:"command,omitempty"` // what an ephemeral answer answers
	At        time.Time       `json:"at"`
}

type responseURL struct {
	uses    int
	expires time.Time
}

// slackAPI serves the emulated Web API.
func (c *Console) slackAPI() http.Handler {
	want := []byte(c.slack.BotToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			slackError(w, "invalid_form_data")
			return
		}
		// slack-go sends the token as a form value, other clients as a
		// bearer token; Slack takes either.
		token := cmp.Or(r.PostForm.Get("token"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		if subtle.ConstantTimeCompare([]byte(token), want) != 1 {
			slackError(w, "invalid_auth")
			return
		}
		method := strings.TrimPrefix(r.URL.Path, slackPrefix+"/")
		switch method {
		case "auth.test":
			writeJSON(w, http.StatusOK, map[string]any{
				"ok": true, "url": "https://amami-console.slack.com/", "team": "amamibot コンソール",
				"user": "amamibot", "team_id": c.team, "user_id": c.botUser,
			})
		case "chat.postMessage":
			c.postMessage(w, r.Form)
		case "chat.update":
			c.updateMessage(w, r.Form)
		case "conversations.history":
			c.history(w, r.Form)
		default:
			slackError(w, "unknown_method")
		}
	})
}

func (c *Console) postMessage(w http.ResponseWriter, f url.Values) {
	if f.Get("channel") != c.slack.ChannelID {
		slackError(w, "channel_not_found")
		return
	}
	p, errCode := newPost(f)
	if errCode != "" {
		slackError(w, errCode)
		return
	}
	c.mu.Lock()
	p.TS = c.timestampLocked(p.At)
	c.addPostLocked(p)
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "channel": c.slack.ChannelID, "ts": p.TS,
		"message": map[string]any{"type": "message", "text": p.Text, "ts": p.TS, "user": c.botUser},
	})
}

func (c *Console) updateMessage(w http.ResponseWriter, f url.Values) {
	if f.Get("channel") != c.slack.ChannelID {
		slackError(w, "channel_not_found")
		return
	}
	next, errCode := newPost(f)
	if errCode != "" {
		slackError(w, errCode)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.postLocked(f.Get("ts"))
	if p == nil || p.Ephemeral {
		slackError(w, "message_not_found")
		return
	}
	p.Text, p.Blocks, p.Edited = next.Text, next.Blocks, true
	if next.Metadata != nil {
		p.Metadata = next.Metadata
	}
	c.changedLocked()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": c.slack.ChannelID, "ts": p.TS, "text": p.Text})
}

// newPost reads a message's text, blocks and metadata, or returns Slack's
// error code for what is wrong with them.
func newPost(f url.Values) (p *slackPost, errCode string) {
	p = &slackPost{Text: f.Get("text"), ThreadTS: f.Get("thread_ts"), At: time.Now()}
	if b := f.Get("blocks"); b != "" {
		var blocks []map[string]any
		if json.Unmarshal([]byte(b), &blocks) != nil {
			return nil, "invalid_blocks_format"
		}
		if len(blocks) > 50 {
			return nil, "invalid_blocks"
		}
		// Slack gives every block a block_id; clicks carry it.
		for _, bl := range blocks {
			if id, _ := bl["block_id"].(string); id == "" {
				bl["block_id"] = upperID(5)
			}
		}
		p.Blocks, _ = json.Marshal(blocks) // read from JSON: marshals
	}
	if m := f.Get("metadata"); m != "" {
		if !json.Valid([]byte(m)) {
			return nil, "invalid_metadata_format"
		}
		p.Metadata = json.RawMessage(m)
		var meta struct {
			EventType string `json:"event_type"`
		}
		json.Unmarshal(p.Metadata, &meta)
		p.Handoff = meta.EventType == handoffAlert
	}
	if strings.TrimSpace(p.Text) == "" && p.Blocks == nil {
		return nil, "no_text"
	}
	return p, ""
}

// history answers conversations.history: the channel's messages after
// oldest, newest first, without the ephemeral ones, which Slack does not
// keep.
func (c *Console) history(w http.ResponseWriter, f url.Values) {
	if f.Get("channel") != c.slack.ChannelID {
		slackError(w, "channel_not_found")
		return
	}
	oldest, _ := strconv.ParseFloat(cmp.Or(f.Get("oldest"), "0"), 64)
	limit, err := strconv.Atoi(cmp.Or(f.Get("limit"), "100"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	withMeta := f.Get("include_all_metadata") == "true" || f.Get("include_all_metadata") == "1"
	c.mu.Lock()
	defer c.mu.Unlock()
	msgs := []map[string]any{}
	for _, p := range slices.Backward(c.posts) {
		if ts, _ := strconv.ParseFloat(p.TS, 64); p.Ephemeral || ts <= oldest {
			continue
		}
		if len(msgs) == limit {
			break
		}
		m := map[string]any{"type": "message", "ts": p.TS, "text": p.Text, "user": c.botUser, "blocks": p.Blocks}
		if p.ThreadTS != "" {
			m["thread_ts"] = p.ThreadTS
		}
		if withMeta && p.Metadata != nil {
			m["metadata"] = p.Metadata
		}
		msgs = append(msgs, m)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "messages": msgs, "has_more": false,
		"response_metadata": map[string]string{"next_cursor": ""},
	})
}

// respond serves a click's response_url: what the app answers there is
// shown to the staff member who clicked.
func (c *Console) respond(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&msg); err != nil {
		slackError(w, "invalid_payload")
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id := r.PathValue("id")
	ru := c.responses[id]
	if ru == nil || ru.uses == 0 || time.Now().After(ru.expires) {
		delete(c.responses, id)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	ru.uses--
	now := time.Now()
	p := &slackPost{TS: c.timestampLocked(now), Text: msg.Text, Ephemeral: msg.ResponseType != "in_channel", At: now}
	if len(msg.Blocks) > 0 && string(msg.Blocks) != "null" {
		p.Blocks = msg.Blocks
	}
	c.addPostLocked(p)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// addPostLocked adds a post to the channel; c.mu is held.
func (c *Console) addPostLocked(p *slackPost) {
	c.posts = append(c.posts, p)
	if n := len(c.posts) - keptPosts; n > 0 {
		c.posts = append([]*slackPost(nil), c.posts[n:]...)
	}
	c.changedLocked()
}

func (c *Console) postLocked(ts string) *slackPost {
	for _, p := range c.posts {
		if p.TS == ts {
			return p
		}
	}
	return nil
}

// timestampLocked returns a message timestamp (seconds.microseconds) for t,
// unique in the channel as Slack's are; c.mu is held.
func (c *Console) timestampLocked(t time.Time) string {
	c.lastTS = max(t.UnixMicro(), c.lastTS+1)
	return fmt.Sprintf("%d.%06d", c.lastTS/1e6, c.lastTS%1e6)
}

func slackError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

// Sending what a staff member did to the server, as Slack would.

var errNoButton = errors.New("no such button on that message")

// click delivers a click on a button of a post to POST /slack/actions as a
// signed block_actions interaction, with a response_url back to the
// console.
func (c *Console) click(ctx context.Context, ts, actionID, staff string) error {
	now := time.Now()
	c.mu.Lock()
	p := c.postLocked(ts)
	if p == nil || p.Ephemeral {
		c.mu.Unlock()
		return errNoButton
	}
	button, blockID := findButton(p.Blocks, actionID)
	if button == nil {
		c.mu.Unlock()
		return errNoButton
	}
	respondID := rand.Text()
	c.responses[respondID] = &responseURL{uses: responseUses, expires: now.Add(responseTTL)}
	for id, ru := range c.responses {
		if now.After(ru.expires) {
			delete(c.responses, id)
		}
	}
	var blocks any = json.RawMessage(p.Blocks)
	text := p.Text
	c.mu.Unlock()

	button["block_id"] = blockID
	button["action_ts"] = fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	user := c.staffUser(staff)
	payload := map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": c.team, "domain": "amami-console"},
		"user":         user,
		"api_app_id":   "A0CONSOLE",
		"trigger_id":   randomHex(8),
		"container":    map[string]any{"type": "message", "message_ts": ts, "channel_id": c.slack.ChannelID, "is_ephemeral": false},
		"channel":      map[string]any{"id": c.slack.ChannelID, "name": staffChannel},
		"message":      map[string]any{"type": "message", "ts": ts, "text": text, "user": c.botUser, "blocks": blocks},
		"response_url": c.base + respondPrefix + respondID,
		"actions":      []any{button},
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	body := slackfake.Form(raw)
	rec := c.deliver(ctx, "/slack/actions", c.slackHeader(body, now), body)
	if rec.status != http.StatusOK {
		return fmt.Errorf("the server's /slack/actions answered %d", rec.status)
	}
	return nil
}

// findButton returns a copy of the button with actionID in blocks, and the
// block_id of its actions block.
func findButton(raw json.RawMessage, actionID string) (map[string]any, string) {
	var blocks []struct {
		Type     string           `json:"type"`
		BlockID  string           `json:"block_id"`
		Elements []map[string]any `json:"elements"`
	}
	json.Unmarshal(raw, &blocks)
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			if e["type"] == "button" && e["action_id"] == actionID {
				return e, b.BlockID
			}
		}
	}
	return nil, ""
}

// command delivers /amami with text to POST /slack/commands as Slack would
// and shows the answer to the staff member who asked.
func (c *Console) command(ctx context.Context, text, staff string) error {
	now := time.Now()
	user := c.staffUser(staff)
	c.mu.Lock()
	respondID := rand.Text()
	c.responses[respondID] = &responseURL{uses: responseUses, expires: now.Add(responseTTL)}
	c.mu.Unlock()
	body := url.Values{
		"command":      {"/amami"},
		"text":         {text},
		"team_id":      {c.team},
		"team_domain":  {"amami-console"},
		"channel_id":   {c.slack.ChannelID},
		"channel_name": {staffChannel},
		"user_id":      {user["id"]},
		"user_name":    {user["name"]},
		"api_app_id":   {"A0CONSOLE"},
		"trigger_id":   {randomHex(8)},
		"response_url": {c.base + respondPrefix + respondID},
	}.Encode()
	rec := c.deliver(ctx, "/slack/commands", c.slackHeader([]byte(body), now), []byte(body))
	if rec.status != http.StatusOK {
		return fmt.Errorf("the server's /slack/commands answered %d", rec.status)
	}
	var answer struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(rec.body.Bytes(), &answer); err != nil || answer.Text == "" {
		return nil // answered with nothing to show
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addPostLocked(&slackPost{TS: c.timestampLocked(now), Text: answer.Text, Ephemeral: true, Command: "/amami " + text, At: now})
	return nil
}

// threadReply posts a staff member's reply in the thread of the post ts
// and delivers it to POST /slack/events as the Events API's message event,
// signed, as Slack would.
func (c *Console) threadReply(ctx context.Context, ts, text, staff string) error {
	now := time.Now()
	user := c.staffUser(staff)
	text = slackEscaper.Replace(text)
	c.mu.Lock()
	parent := c.postLocked(ts)
	if parent == nil || parent.Ephemeral || parent.ThreadTS != "" {
		c.mu.Unlock()
		return errNoThread
	}
	p := &slackPost{TS: c.timestampLocked(now), ThreadTS: ts, Staff: staff, Text: text, At: now}
	c.addPostLocked(p)
	c.mu.Unlock()
	body, err := json.Marshal(map[string]any{
		"token": "console", "team_id": c.team, "api_app_id": "A0CONSOLE", "type": "event_callback",
		"event_id": "Ev" + upperID(10), "event_time": now.Unix(),
		"event": map[string]any{
			"type": "message", "user": user["id"], "text": text, "ts": p.TS, "thread_ts": ts,
			"channel": c.slack.ChannelID, "channel_type": "channel", "event_ts": p.TS,
		},
	})
	if err != nil {
		return err
	}
	h := c.slackHeader(body, now)
	h.Set("Content-Type", "application/json")
	if rec := c.deliver(ctx, "/slack/events", h, body); rec.status != http.StatusOK {
		return fmt.Errorf("the server's /slack/events answered %d", rec.status)
	}
	return nil
}

var errNoThread = errors.New("no such post to reply to")

// slackEscaper escapes what a person types as Slack does: &, < and >.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// staffUser is the Slack user of the staff member named name: the same ID
// for the same name.
func (c *Console) staffUser(name string) map[string]string {
	sum := sha256.Sum256([]byte("amamibot/console:" + name))
	return map[string]string{
		"id": "U" + strings.ToUpper(hex.EncodeToString(sum[:5])), "name": name, "username": name, "team_id": c.team,
	}
}

// slackHeader is what Slack sends with a request body: its signature, made
// with the signing secret, and where it comes from.
func (c *Console) slackHeader(body []byte, now time.Time) http.Header {
	h := slackfake.Sign(c.slack.SigningSecret, now, body)
	h.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	return h
}

// upperID returns n random characters of Slack's IDs: A–Z and 0–9.
func upperID(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
