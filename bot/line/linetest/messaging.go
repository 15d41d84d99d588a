package linetest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// A chat id is "U" (user), "C" (group) or "R" (room) and 32 hex digits; the spec gives no pattern.
var (
	userIDPattern = regexp.MustCompile(`^U[0-9a-f]{32}$`)
	chatIDPattern = regexp.MustCompile(`^[UCR][0-9a-f]{32}$`)
)

// retryKeyTTL is how long LINE remembers an accepted X-Line-Retry-Key.
const retryKeyTTL = 24 * time.Hour

type replyToken struct {
	userID  string
	expires time.Time
}

type acceptedPush struct {
	requestID string
	sent      []sentMessage
	at        time.Time
}

type sentMessage struct {
	ID         string `json:"id"`
	QuoteToken string `json:"quoteToken,omitempty"`
}

type sentMessages struct {
	SentMessages []sentMessage `json:"sentMessages"`
}

// NewReplyToken issues a reply token for userID, as a webhook event would carry: it is good for one reply
// within the reply token TTL. userID becomes a known user.
func (s *Server) NewReplyToken(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newReplyToken(userID)
}

// newReplyToken issues a token; s.mu is held.
func (s *Server) newReplyToken(userID string) string {
	token := randomHex(16)
	s.replyTokens[token] = replyToken{userID: userID, expires: s.now().Add(s.replyTTL)}
	s.known[userID] = true
	return token
}

func (s *Server) reply(c *call) response {
	var req struct {
		ReplyToken string            `json:"replyToken"`
		Messages   []json.RawMessage `json:"messages"`
	}
	json.Unmarshal(c.body, &req) // shape checked against the spec
	tok, found := s.replyTokens[req.ReplyToken]
	if !found || !s.now().Before(tok.expires) {
		s.invalidTokens = append(s.invalidTokens, req.ReplyToken)
		return response{status: http.StatusBadRequest, body: errorBody{Message: "Invalid reply token"}}
	}
	delete(s.replyTokens, req.ReplyToken) // single use
	return sentOK(s.deliver(tok.userID, "reply", "", req.Messages))
}

func (s *Server) push(c *call) response {
	var req struct {
		To       string            `json:"to"`
		Messages []json.RawMessage `json:"messages"`
	}
	json.Unmarshal(c.body, &req)
	if !s.known[req.To] && !chatIDPattern.MatchString(req.To) {
		return reject(http.StatusBadRequest, "The property, 'to', in the request body is invalid (line: -, column: -)",
			detail{Message: "not a user, group or room id (U, C or R and 32 hex digits) nor a user the test made known", Property: "to"})
	}
	key := c.r.Header.Get("X-Line-Retry-Key")
	if a, ok := s.retryKeys[key]; ok && key != "" && s.now().Sub(a.at) < retryKeyTTL {
		// LINE answers a repeat of an accepted key with 409, the first request's id and what it sent, and
		// delivers nothing.
		return response{
			status: http.StatusConflict,
			header: http.Header{"X-Line-Accepted-Request-Id": {a.requestID}},
			body:   errorBody{Message: "The retry key is already accepted", SentMessages: a.sent},
		}
	}
	sent := s.deliver(req.To, "push", key, req.Messages)
	if key != "" {
		s.retryKeys[key] = acceptedPush{requestID: c.id, sent: sent, at: s.now()}
	}
	return sentOK(sent)
}

func sentOK(sent []sentMessage) response { return ok(sentMessages{SentMessages: sent}) }

// deliver records messages for to and wakes WaitMessages; s.mu is held.
func (s *Server) deliver(to, via, retryKey string, messages []json.RawMessage) []sentMessage {
	sent := make([]sentMessage, len(messages))
	for i, raw := range messages {
		var m struct {
			Type       string `json:"type"`
			Text       string `json:"text"`
			AltText    string `json:"altText"`
			QuickReply struct {
				Items []struct {
					Action struct {
						Label string `json:"label"`
					} `json:"action"`
				} `json:"items"`
			} `json:"quickReply"`
		}
		json.Unmarshal(raw, &m)
		d := Delivery{To: to, Via: via, RetryKey: retryKey, Type: m.Type, Text: m.Text, AltText: m.AltText, JSON: raw}
		for _, item := range m.QuickReply.Items {
			d.QuickReplies = append(d.QuickReplies, item.Action.Label)
		}
		s.deliveries[to] = append(s.deliveries[to], d)
		sent[i] = sentMessage{ID: s.messageID()}
		switch m.Type {
		case "text", "textV2", "sticker", "image", "video": // the types a user can quote
			sent[i].QuoteToken = randomToken()
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return sent
}

// messageID returns a fresh message id, a decimal number like LINE's; s.mu is held.
func (s *Server) messageID() string {
	s.seq++
	return strconv.FormatInt(500000000000000000+s.seq, 10)
}

func (s *Server) showLoading(c *call) response {
	var req struct {
		ChatID string `json:"chatId"`
	}
	json.Unmarshal(c.body, &req)
	if !s.known[req.ChatID] && !userIDPattern.MatchString(req.ChatID) {
		// The loading animation exists only in one-to-one chats.
		return reject(http.StatusBadRequest, "The property, 'chatId', in the request body is invalid (line: -, column: -)",
			detail{Message: "not a user id (U and 32 hex digits) nor a user the test made known", Property: "chatId"})
	}
	return response{status: http.StatusAccepted}
}

// SetProfile makes GET /v2/bot/profile/{userID} answer displayName, and makes userID a known user.
func (s *Server) SetProfile(userID, displayName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[userID] = displayName
	s.known[userID] = true
}

func (s *Server) profile(c *call) response {
	id := c.params["userId"]
	name, found := s.profiles[id]
	if !found {
		// What LINE answers for a user who is not a friend of the account: legitimate, not a caller bug.
		return response{status: http.StatusNotFound, body: errorBody{Message: "Not found"}}
	}
	return ok(map[string]string{"userId": id, "displayName": name, "language": "ja"})
}
