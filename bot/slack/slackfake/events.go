package slackfake

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
)

// Post records a message that u posts in the channel, in the thread of
// threadTS (empty: in the channel itself), and returns the Events API
// callback that Slack sends the app for it: an event_callback carrying a
// message event, with a fresh event ID. Slack escapes &, < and > in the
// text, and so does Post. Deliver the callback to the app's Events API
// handler (signed, see Sign) or as the payload of a Socket Mode
// "events_api" envelope; deliver it again to play Slack's retries.
func (s *Server) Post(t testing.TB, channel, threadTS string, u User, text string) (eventID string, callback []byte) {
	t.Helper()
	text = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
	s.mu.Lock()
	if threadTS != "" && s.find(channel, threadTS) == nil {
		s.mu.Unlock()
		t.Fatalf("slackfake: %s posts in thread %s, which %s does not have", u.Name, threadTS, channel)
	}
	m := &Message{Channel: channel, TS: s.ts(), ThreadTS: threadTS, User: u.ID, Text: text}
	s.messages[channel] = append(s.messages[channel], m)
	s.notify()
	s.mu.Unlock()
	eventID = "Ev" + rand.Text()[:10]
	event := map[string]any{
		"type": "message", "user": u.ID, "text": text, "ts": m.TS, "channel": channel,
		"channel_type": "channel", "event_ts": m.TS, "client_msg_id": rand.Text(),
	}
	if threadTS != "" {
		event["thread_ts"] = threadTS
	}
	callback, err := json.Marshal(map[string]any{
		"token": "legacy-verification-token", "team_id": s.Team, "api_app_id": "A0AMAMI",
		"type": "event_callback", "event_id": eventID, "event_time": s.now().Unix(), "event": event,
	})
	if err != nil {
		t.Fatalf("slackfake: %v", err)
	}
	return eventID, callback
}
