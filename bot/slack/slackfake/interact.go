package slackfake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// A response URL takes 5 posts within 30 minutes.
const (
	responseURLUses = 5
	responseURLTTL  = 30 * time.Minute
)

type responseURL struct {
	issued time.Time
	uses   int
}

// Response is a post to a response URL.
type Response struct {
	ResponseType    string          `json:"response_type"` // "ephemeral" or "in_channel"
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
}

// User is a person clicking or typing a command.
type User struct {
	ID, Name string
}

// NewResponseURL issues a response URL, as Slack does with each interaction
// and command.
func (s *Server) NewResponseURL() string {
	id := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responseURLs[id] = &responseURL{issued: s.now()}
	return s.URL + "/response/" + id
}

func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	c := Call{Method: "response_url", Body: body}
	var res Response
	switch {
	case err != nil:
		s.answer(w, c, reply{status: http.StatusRequestEntityTooLarge, body: []byte("too large"), rejected: true})
		return
	case !isJSON(r.Header.Get("Content-Type")):
		s.answer(w, c, reply{status: http.StatusBadRequest, body: []byte("invalid_payload"), rejected: true})
		return
	case json.Unmarshal(body, &res) != nil:
		s.answer(w, c, reply{status: http.StatusBadRequest, body: []byte("invalid_payload"), rejected: true})
		return
	case res.Text == "" && len(res.Blocks) == 0 && !res.DeleteOriginal:
		s.answer(w, c, reply{status: http.StatusBadRequest, body: []byte("no_text"), rejected: true})
		return
	case res.ResponseType != "" && res.ResponseType != "ephemeral" && res.ResponseType != "in_channel":
		s.answer(w, c, reply{status: http.StatusBadRequest, body: []byte("invalid_response_type"), rejected: true})
		return
	}
	if len(res.Blocks) > 0 && string(res.Blocks) != "null" {
		if problems := checkBlocks(res.Blocks); len(problems) > 0 {
			s.answer(w, c, reply{status: http.StatusBadRequest, body: []byte("invalid_blocks"), rejected: true})
			return
		}
	}

	s.mu.Lock()
	u := s.responseURLs[r.PathValue("id")]
	var rep reply
	switch {
	case u == nil:
		rep = reply{status: http.StatusNotFound, body: []byte("no_service"), rejected: true}
	case s.now().Sub(u.issued) > responseURLTTL:
		rep = reply{status: http.StatusNotFound, body: []byte("expired_url"), rejected: true}
	case u.uses >= responseURLUses:
		rep = reply{status: http.StatusNotFound, body: []byte("used_url"), rejected: true}
	default:
		u.uses++
		s.responses = append(s.responses, res)
		rep = reply{status: http.StatusOK, header: http.Header{"Content-Type": {"text/html"}}, body: []byte("ok")}
	}
	out := s.record(c, rep)
	s.mu.Unlock()
	write(w, rep, out)
}

func isJSON(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	return err == nil && t == "application/json"
}

// Responses returns the posts to response URLs, in order.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses)
}

// WaitResponses waits until at least n posts reached response URLs and
// returns them; after timeout it fails the test.
func (s *Server) WaitResponses(t testing.TB, n int, timeout time.Duration) []Response {
	t.Helper()
	return wait(s, t, timeout, fmt.Sprintf("%d post(s) to response URLs", n), func() ([]Response, bool) {
		r := s.Responses()
		return r, len(r) >= n
	})
}

// Click returns the payload of an interaction (block_actions) that Slack
// sends when u clicks the button of message m whose action_id is actionID,
// with a fresh response URL. It fails the test if m has no such button: a
// person cannot click what is not shown.
func (s *Server) Click(t testing.TB, m Message, actionID string, u User) []byte {
	t.Helper()
	i := slices.IndexFunc(m.Buttons(), func(b Button) bool { return b.ActionID == actionID })
	if i < 0 {
		t.Fatalf("slackfake: message %s has no button %q to click; it shows:\n%s", m.TS, actionID, m.Shown())
	}
	b := m.Buttons()[i]
	now := s.now()
	actionTS := fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	payload, err := json.Marshal(map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": s.Team, "domain": "amami-test"},
		"user":         map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.Team},
		"api_app_id":   "A0AMAMI",
		"token":        "legacy-verification-token",
		"container":    map[string]any{"type": "message", "message_ts": m.TS, "channel_id": m.Channel, "is_ephemeral": false},
		"trigger_id":   "1.2.3",
		"channel":      map[string]any{"id": m.Channel, "name": "staff"},
		"message":      m.json(false, s.BotUser),
		"response_url": s.NewResponseURL(),
		"actions": []map[string]any{{
			"type": "button", "action_id": b.ActionID, "block_id": b.BlockID, "value": b.Value,
			"text": map[string]any{"type": "plain_text", "text": b.Text}, "style": b.Style, "action_ts": actionTS,
		}},
	})
	if err != nil {
		t.Fatalf("slackfake: %v", err)
	}
	return payload
}

// Form is the body Slack posts to the interactivity URL for a payload.
func Form(payload []byte) []byte {
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// Command returns the form of a slash command, as Slack posts it to the
// command's URL (or as the payload of a Socket Mode envelope).
func (s *Server) Command(channel string, u User, command, text string) url.Values {
	return url.Values{
		"token":        {"legacy-verification-token"},
		"team_id":      {s.Team},
		"team_domain":  {"amami-test"},
		"channel_id":   {channel},
		"channel_name": {"staff"},
		"user_id":      {u.ID},
		"user_name":    {u.Name},
		"command":      {command},
		"text":         {text},
		"api_app_id":   {"A0AMAMI"},
		"response_url": {s.NewResponseURL()},
		"trigger_id":   {"1.2.3"},
	}
}

// Sign returns the headers of a request Slack signs with the app's signing
// secret at time at: X-Slack-Request-Timestamp and X-Slack-Signature (v0).
func Sign(secret string, at time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return http.Header{
		"X-Slack-Request-Timestamp": {ts},
		"X-Slack-Signature":         {"v0=" + hex.EncodeToString(mac.Sum(nil))},
		"Content-Type":              {"application/x-www-form-urlencoded"},
	}
}
