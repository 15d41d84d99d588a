package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// The emulated LINE Messaging API, under linePrefix on the console's
// loopback port: reply and push, the only calls bot/line makes. It checks
// what LINE checks and the bot relies on: the access token, single-use
// reply tokens that expire, push targets, and X-Line-Retry-Key.

const (
	linePrefix    = "/line"
	replyTokenTTL = time.Minute    // LINE: "about a minute"
	retryKeyTTL   = 24 * time.Hour // how long LINE remembers a retry key
	maxMessages   = 5              // per reply or push
	maxBody       = 1 << 20
	// keptMessages bounds each chat shown, so that a console left running
	// does not grow without end.
	keptMessages = 200
)

var (
	userIDPattern   = regexp.MustCompile(`^U[0-9a-f]{32}$`)
	retryKeyPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

type lineState struct {
	destination string // the bot's user ID, the webhook's "destination"
	users       []*chatUser
	byID        map[string]*chatUser
	replyTokens map[string]replyToken
	retryKeys   map[string]time.Time // accepted X-Line-Retry-Key → when
}

func (s *lineState) init() {
	s.destination = newUserID()
	s.byID = map[string]*chatUser{}
	s.replyTokens = map[string]replyToken{}
	s.retryKeys = map[string]time.Time{}
}

type replyToken struct {
	userID  string
	expires time.Time
}

// chatUser is a simulated LINE user and their chat with the bot.
type chatUser struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Messages []chatMessage `json:"messages"`
}

// chatMessage is one line of a chat: what the user did, or one message the
// bot sent, as LINE received it.
type chatMessage struct {
	Seq     int64           `json:"seq"`
	From    string          `json:"from"`              // "user", "bot" or "system"
	Text    string          `json:"text,omitempty"`    // user and system lines
	Via     string          `json:"via,omitempty"`     // bot: "reply" or "push"
	Message json.RawMessage `json:"message,omitempty"` // bot: the message object sent
	At      time.Time       `json:"at"`
}

// lineAPI serves the emulated Messaging API.
func (c *Console) lineAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+linePrefix+"/v2/bot/message/reply", c.lineReply)
	mux.HandleFunc("POST "+linePrefix+"/v2/bot/message/push", c.linePush)
	mux.HandleFunc("GET "+linePrefix+"/v2/bot/profile/{userId}", c.lineProfile)
	mux.HandleFunc(linePrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		lineError(w, http.StatusNotFound, "Not found: the console emulates reply, push and profiles only")
	})
	return c.lineAuth(mux)
}

// lineProfile answers a user's profile: the name the page shows them by,
// for the staff's hand-off alerts.
func (c *Console) lineProfile(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	u := c.byID[r.PathValue("userId")]
	var name string
	if u != nil {
		name = u.Name
	}
	c.mu.Unlock()
	if u == nil {
		lineError(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"userId": u.ID, "displayName": name})
}

// lineAuth answers 401, as LINE does, to a request without the channel
// access token.
func (c *Console) lineAuth(next http.Handler) http.Handler {
	want := []byte("Bearer " + c.line.AccessToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			lineError(w, http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sendRequest is the body of a reply or a push.
type sendRequest struct {
	ReplyToken string            `json:"replyToken"`
	To         string            `json:"to"`
	Messages   []json.RawMessage `json:"messages"`
}

func readSend(w http.ResponseWriter, r *http.Request) (sendRequest, bool) {
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
		lineError(w, http.StatusBadRequest, "The request body has 1 error(s): "+err.Error())
		return req, false
	}
	if len(req.Messages) == 0 || len(req.Messages) > maxMessages {
		lineError(w, http.StatusBadRequest, fmt.Sprintf("The request body has 1 error(s): messages: size must be between 1 and %d", maxMessages))
		return req, false
	}
	for _, m := range req.Messages {
		var typed struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(m, &typed) != nil || typed.Type == "" {
			lineError(w, http.StatusBadRequest, "The request body has 1 error(s): messages: every message needs a type")
			return req, false
		}
	}
	return req, true
}

func (c *Console) lineReply(w http.ResponseWriter, r *http.Request) {
	req, ok := readSend(w, r)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	tok, found := c.replyTokens[req.ReplyToken]
	delete(c.replyTokens, req.ReplyToken) // single use, even when expired
	if !found || !time.Now().Before(tok.expires) {
		lineError(w, http.StatusBadRequest, "Invalid reply token")
		return
	}
	sentOK(w, c.deliverLocked(tok.userID, "reply", req.Messages))
}

func (c *Console) linePush(w http.ResponseWriter, r *http.Request) {
	req, ok := readSend(w, r)
	if !ok {
		return
	}
	if !userIDPattern.MatchString(req.To) {
		lineError(w, http.StatusBadRequest, "The property, 'to', in the request body is invalid (line: -, column: -)")
		return
	}
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" && !retryKeyPattern.MatchString(key) {
		lineError(w, http.StatusBadRequest, "The value of the X-Line-Retry-Key header is invalid: use a UUID")
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for k, at := range c.retryKeys {
		if now.Sub(at) >= retryKeyTTL {
			delete(c.retryKeys, k)
		}
	}
	if _, seen := c.retryKeys[key]; seen {
		// Accepted before: LINE delivers nothing and answers 409.
		lineError(w, http.StatusConflict, "The retry key is already accepted")
		return
	}
	if key != "" {
		c.retryKeys[key] = now
	}
	sentOK(w, c.deliverLocked(req.To, "push", req.Messages))
}

// deliverLocked adds the bot's messages to the user's chat and returns their
// IDs; c.mu is held. A user the console does not know (one from before a
// restart, say) gets a chat of their own.
func (c *Console) deliverLocked(to, via string, msgs []json.RawMessage) []string {
	u := c.byID[to]
	if u == nil {
		u = c.addUserLocked(to, "")
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		seq := c.nextSeq()
		ids[i] = messageID(seq)
		u.add(chatMessage{Seq: seq, From: "bot", Via: via, Message: m, At: time.Now()})
	}
	c.changedLocked()
	return ids
}

// messageID is a message ID for seq: a decimal number like LINE's.
func messageID(seq int64) string { return strconv.FormatInt(500000000000000000+seq, 10) }

func (u *chatUser) add(m chatMessage) {
	u.Messages = append(u.Messages, m)
	if n := len(u.Messages) - keptMessages; n > 0 {
		u.Messages = append([]chatMessage(nil), u.Messages[n:]...)
	}
}

func sentOK(w http.ResponseWriter, ids []string) {
	type sent struct {
		ID string `json:"id"`
	}
	out := struct {
		SentMessages []sent `json:"sentMessages"`
	}{make([]sent, len(ids))}
	for i, id := range ids {
		out.SentMessages[i] = sent{ID: id}
	}
	writeJSON(w, http.StatusOK, out)
}

func lineError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

// Sending what a user did to the server, as LINE's webhook would.

// input is what a simulated user did.
type input struct {
	Kind        string `json:"kind"` // "text", "postback" or "follow"
	Text        string `json:"text"` // text: what was typed
	Data        string `json:"data"` // postback: the action's data
	DisplayText string `json:"displayText"`
}

// maxText is LINE's limit on a text message a user sends.
const maxText = 5000

// sendLINE shows what the user did in their chat and delivers it to the
// server's webhook as a signed event with a fresh reply token.
func (c *Console) sendLINE(ctx context.Context, userID string, in input) error {
	now := time.Now()
	c.mu.Lock()
	u := c.byID[userID]
	if u == nil {
		c.mu.Unlock()
		return errUnknownUser
	}
	ev := linetest.Event{
		Mode:           "active",
		Timestamp:      now.UnixMilli(),
		Source:         linetest.Source{Type: "user", UserID: userID},
		WebhookEventID: linetest.EventID(now),
		ReplyToken:     c.newReplyTokenLocked(userID, now),
	}
	line := chatMessage{Seq: c.nextSeq(), From: "user", At: now}
	switch in.Kind {
	case "text":
		ev.Type = "message"
		ev.Message = map[string]any{"type": "text", "id": messageID(line.Seq), "quoteToken": rand.Text(), "text": in.Text}
		line.Text = in.Text
	case "postback":
		ev.Type = "postback"
		ev.Postback = &linetest.Postback{Data: in.Data}
		line.Text = in.DisplayText // LINE shows the displayText as if typed; without one, nothing
	case "follow":
		ev.Type = "follow"
		ev.Follow = &linetest.Follow{}
		line.From, line.Text = "system", "友だち追加しました"
	}
	if line.Text != "" {
		u.add(line)
		c.changedLocked()
	}
	secret := c.line.ChannelSecret
	c.mu.Unlock()

	body := linetest.Body(c.destination, ev)
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("User-Agent", "LineBotWebhook/2.0")
	h.Set("X-Line-Signature", linetest.SignedWebhook(secret, body))
	if rec := c.deliver(ctx, "/line/webhook", h, body); rec.status != http.StatusOK {
		return fmt.Errorf("the server's /line/webhook answered %d", rec.status)
	}
	return nil
}

// newReplyTokenLocked issues a reply token for one reply within a minute,
// dropping the expired ones; c.mu is held.
func (c *Console) newReplyTokenLocked(userID string, now time.Time) string {
	for t, rt := range c.replyTokens {
		if !now.Before(rt.expires) {
			delete(c.replyTokens, t)
		}
	}
	tok := randomHex(16)
	c.replyTokens[tok] = replyToken{userID: userID, expires: now.Add(replyTokenTTL)}
	return tok
}

// names are given to simulated users in turn.
var names = []string{"山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健", "伊藤 さくら"}

// addUser adds a simulated user, who then follows the bot.
func (c *Console) addUser(ctx context.Context) (*chatUser, error) {
	c.mu.Lock()
	u := c.addUserLocked(newUserID(), "")
	c.changedLocked()
	c.mu.Unlock()
	return u, c.sendLINE(ctx, u.ID, input{Kind: "follow"})
}

// addUserLocked adds a chat; c.mu is held.
func (c *Console) addUserLocked(id, name string) *chatUser {
	if name == "" {
		name = names[len(c.users)%len(names)]
	}
	u := &chatUser{ID: id, Name: name}
	c.users = append(c.users, u)
	c.byID[id] = u
	return u
}

// newUserID returns a LINE user ID: U and 32 hex digits.
func newUserID() string { return "U" + randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// deliver sends a platform's request to the server's handler, in-process,
// and returns its answer. Like the platform's, the request does not end
// when the page that caused it goes away.
func (c *Console) deliver(ctx context.Context, path string, h http.Header, body []byte) *recorder {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, path, bytes.NewReader(body))
	if err != nil {
		panic(fmt.Sprintf("console: request for %s: %v", path, err)) // a constant path: a bug
	}
	r.Header = h
	r.RemoteAddr = "console"
	rec := &recorder{header: http.Header{}}
	c.app.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec
}

// recorder is the response of an in-process request: the status and what
// the server answered, for Slack commands.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
