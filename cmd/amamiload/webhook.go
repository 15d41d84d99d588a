package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A sender posts signed LINE webhooks, one event per request, as LINE does
// for a busy account, and records them in a tracker. With more than one
// webhook endpoint (replicas of the server) it spreads the events over them
// as a load balancer without stickiness would.
type sender struct {
	urls   []string // the webhook endpoints
	secret string   // the channel secret
	client *http.Client
	track  *tracker
	run    string // distinguishes this run's ids from another's
	seq    atomic.Int64

	mu   sync.Mutex
	next int            // the endpoint of the next user not seen yet
	last map[string]int // per user, the endpoint of their latest event
	acks []atomic.Int64 // per endpoint, the webhooks it acknowledged with 200
}

func newSender(urls []string, secret, run string, track *tracker) *sender {
	transport := &http.Transport{MaxIdleConnsPerHost: 1024, IdleConnTimeout: 30 * time.Second}
	return &sender{
		urls: urls, secret: secret, run: run, track: track,
		client: &http.Client{Transport: transport, Timeout: 10 * time.Second},
		last:   map[string]int{}, acks: make([]atomic.Int64, len(urls)),
	}
}

func (s *sender) close() { s.client.CloseIdleConnections() }

// endpoint picks the endpoint of user's next event: round robin per event,
// turning per user. One counter over all events would alias with the open
// loop, which takes the users round robin too: with an even number of
// users and two replicas every user would stay on one replica. Turning per
// user (a user's first event goes to the next endpoint in turn) spreads the
// load as evenly and sends every next event of a user to another replica
// than the previous one, which is what one user's order across replicas
// must survive.
func (s *sender) endpoint(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.last[user]
	if ok {
		i = (i + 1) % len(s.urls)
	} else {
		i, s.next = s.next, (s.next+1)%len(s.urls)
	}
	s.last[user] = i
	return i
}

// acksPerURL is how many webhooks each endpoint acknowledged with 200.
func (s *sender) acksPerURL() []int64 {
	n := make([]int64, len(s.acks))
	for i := range s.acks {
		n[i] = s.acks[i].Load()
	}
	return n
}

// userID returns the LINE user id of a simulated user: U and 32 hex digits.
func (s *sender) userID(slot, walk int) string {
	return fmt.Sprintf("U%s%08x%08x", s.run, slot, walk)
}

// send posts one text message event from user and waits for the
// acknowledgement. The event is tracked from just before the request.
func (s *sender) send(ctx context.Context, user, text string) *event {
	return s.deliver(ctx, user, text, 1, 0)
}

// deliver sends like send and, while the webhook is not acknowledged, posts
// it again after pause, up to attempts times in all, as LINE redelivers:
// the same event id, reply token and timestamp, marked isRedelivery.
func (s *sender) deliver(ctx context.Context, user, text string, attempts int, pause time.Duration) *event {
	n := s.seq.Add(1)
	token := fmt.Sprintf("%s%016x", s.run, n)
	id := fmt.Sprintf("01%s%08X", s.run[:16], n)
	messageID := strconv.FormatInt(600000000000000000+n, 10)
	now := time.Now()
	e := s.track.add(user, token, id, now)
	// A redelivery goes where the event went first: only the chaos mode
	// redelivers, and it has one server.
	to := s.endpoint(user)
	for i := range attempts {
		if i > 0 {
			sleep(ctx, pause)
		}
		errMsg := s.post(ctx, s.urls[to], webhookBody(user, token, id, messageID, text, now, i > 0))
		s.track.ack(e, time.Now(), errMsg)
		if errMsg == "" {
			s.acks[to].Add(1)
		}
		if errMsg == "" || ctx.Err() != nil {
			break
		}
	}
	return e
}

// post sends a signed body; it returns "" for a 200 and otherwise what went wrong.
func (s *sender) post(ctx context.Context, url string, body []byte) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", sign(s.secret, body))
	res, err := s.client.Do(req)
	if err != nil {
		var timeout interface{ Timeout() bool }
		switch {
		case ctx.Err() != nil:
			return "cancelled"
		case errors.As(err, &timeout) && timeout.Timeout():
			return fmt.Sprintf("no answer within %v", s.client.Timeout)
		}
		return "transport error"
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "status " + strconv.Itoa(res.StatusCode)
	}
	return ""
}

// sign returns the X-Line-Signature of body: base64 HMAC-SHA256 with the channel secret.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// webhookBody is the body LINE posts for one text message from user.
// redelivery marks a delivery LINE retries because the first was not acknowledged.
func webhookBody(user, replyToken, eventID, messageID, text string, at time.Time, redelivery bool) []byte {
	type message struct {
		Type       string `json:"type"`
		ID         string `json:"id"`
		Text       string `json:"text"`
		QuoteToken string `json:"quoteToken"`
	}
	type source struct {
		Type   string `json:"type"`
		UserID string `json:"userId"`
	}
	type delivery struct {
		IsRedelivery bool `json:"isRedelivery"`
	}
	type ev struct {
		Type            string   `json:"type"`
		Mode            string   `json:"mode"`
		Timestamp       int64    `json:"timestamp"`
		Source          source   `json:"source"`
		WebhookEventID  string   `json:"webhookEventId"`
		DeliveryContext delivery `json:"deliveryContext"`
		ReplyToken      string   `json:"replyToken"`
		Message         message  `json:"message"`
	}
	b, err := json.Marshal(struct {
		Destination string `json:"destination"`
		Events      []ev   `json:"events"`
	}{
		Destination: "U0123456789abcdef0123456789abcdef",
		Events: []ev{{
			Type: "message", Mode: "active", Timestamp: at.UnixMilli(),
			Source:          source{Type: "user", UserID: user},
			WebhookEventID:  eventID,
			DeliveryContext: delivery{IsRedelivery: redelivery},
			ReplyToken:      replyToken,
			Message:         message{Type: "text", ID: messageID, Text: text, QuoteToken: "q" + replyToken},
		}},
	})
	if err != nil {
		panic(err) // only strings and numbers: cannot fail
	}
	return b
}
