package linetest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Destination is a bot user id for the "destination" of webhook bodies.
const Destination = "U0123456789abcdef0123456789abcdef"

// Event is a webhook event as LINE sends it (webhook.yml). It is a plain value for the test to change:
// Mode "standby", DeliveryContext.IsRedelivery, or the same event in two bodies, as LINE resends it.
type Event struct {
	Type            string          `json:"type"`
	Mode            string          `json:"mode"`
	Timestamp       int64           `json:"timestamp"` // Unix milliseconds
	Source          Source          `json:"source,omitzero"`
	WebhookEventID  string          `json:"webhookEventId"`
	DeliveryContext DeliveryContext `json:"deliveryContext"`
	ReplyToken      string          `json:"replyToken,omitempty"`
	Message         map[string]any  `json:"message,omitempty"`
	Postback        *Postback       `json:"postback,omitempty"`
	Follow          *Follow         `json:"follow,omitempty"`
}

// Source is where an event comes from. In groups and rooms UserID may be empty.
type Source struct {
	Type    string `json:"type"` // "user", "group" or "room"
	UserID  string `json:"userId,omitempty"`
	GroupID string `json:"groupId,omitempty"`
	RoomID  string `json:"roomId,omitempty"`
}

// DeliveryContext tells whether LINE is resending an event.
type DeliveryContext struct {
	IsRedelivery bool `json:"isRedelivery"`
}

// Postback is the postback of a postback event.
type Postback struct {
	Data   string            `json:"data"`
	Params map[string]string `json:"params,omitempty"` // datetime picker: "date", "time" or "datetime"
}

// Follow is the detail of a follow event.
type Follow struct {
	IsUnblocked bool `json:"isUnblocked"`
}

// TextEvent returns a text message event from userID with a fresh reply token.
func (s *Server) TextEvent(userID, text string) Event {
	return s.event("message", userID, map[string]any{"type": "text", "text": text, "quoteToken": randomToken()})
}

// StickerEvent returns a sticker message event from userID with a fresh reply token.
func (s *Server) StickerEvent(userID string) Event {
	return s.event("message", userID, map[string]any{
		"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC",
		"quoteToken": randomToken(),
	})
}

// ImageEvent returns an image message event from userID with a fresh reply token.
func (s *Server) ImageEvent(userID string) Event {
	return s.event("message", userID, map[string]any{
		"type": "image", "contentProvider": map[string]any{"type": "line"}, "quoteToken": randomToken(),
	})
}

// LocationEvent returns a location message event from userID (Naze port, Amami Ōshima) with a fresh reply
// token.
func (s *Server) LocationEvent(userID string) Event {
	return s.event("message", userID, map[string]any{
		"type": "location", "title": "名瀬港", "address": "鹿児島県奄美市名瀬港町",
		"latitude": 28.3790, "longitude": 129.4960,
	})
}

// PostbackEvent returns a postback event from userID with a fresh reply token.
func (s *Server) PostbackEvent(userID, data string) Event {
	ev := s.event("postback", userID, nil)
	ev.Postback = &Postback{Data: data}
	return ev
}

// FollowEvent returns a follow event (a new friend) from userID with a fresh reply token.
func (s *Server) FollowEvent(userID string) Event {
	ev := s.event("follow", userID, nil)
	ev.Follow = &Follow{}
	return ev
}

// UnfollowEvent returns an unfollow event (the user blocked the account) from userID; like LINE's, it has
// no reply token.
func (s *Server) UnfollowEvent(userID string) Event {
	return s.event("unfollow", userID, nil)
}

// event returns an active event from userID, timed by the server's clock, with a reply token unless it is
// an unfollow, and with message (given a fresh id) if not nil.
func (s *Server) event(typ, userID string, message map[string]any) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ev := Event{
		Type:           typ,
		Mode:           "active",
		Timestamp:      now.UnixMilli(),
		Source:         Source{Type: "user", UserID: userID},
		WebhookEventID: EventID(now),
	}
	s.known[userID] = true
	if typ != "unfollow" {
		ev.ReplyToken = s.newReplyToken(userID)
	}
	if message != nil {
		message["id"] = s.messageID()
		ev.Message = message
	}
	return ev
}

// Body returns the webhook request body LINE would send to the bot destination with events.
func Body(destination string, events ...Event) []byte {
	if events == nil {
		events = []Event{} // LINE sends an empty array, not null, to check the endpoint
	}
	b, err := json.Marshal(struct {
		Destination string  `json:"destination"`
		Events      []Event `json:"events"`
	}{destination, events})
	if err != nil {
		panic(fmt.Sprintf("linetest: encoding a webhook body: %v", err))
	}
	return b
}

// SignedWebhook returns the X-Line-Signature of body for the channel secret.
func SignedWebhook(secret string, body []byte) (signature string) {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
