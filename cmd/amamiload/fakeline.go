package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeLINE is a minimal LINE Messaging API on loopback: it takes reply and
// push calls, tells the tracker when each arrived, and answers at once.
// The strict fake (bot/line/linetest) validates every call against LINE's
// OpenAPI spec, which costs far more than a real LINE answer would; this
// one checks only what the measurement relies on: the token, the reply
// token and the retry key.
type fakeLINE struct {
	token string
	track *tracker
	srv   *http.Server
	url   string

	mu        sync.Mutex
	retryKeys map[string]bool

	invalidTokens atomic.Int64 // replies with an unknown or used reply token
	unexpected    atomic.Int64 // calls the fake does not serve, or with a wrong access token
}

func startFakeLINE(token string, track *tracker) (*fakeLINE, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeLINE{token: token, track: track, url: "http://" + ln.Addr().String(), retryKeys: map[string]bool{}}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeLINE) close() { f.srv.Close() }

func (f *fakeLINE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		f.unexpected.Add(1)
		answer(w, http.StatusUnauthorized, `{"message":"Authentication failed"}`)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/bot/message/reply":
		var req struct {
			ReplyToken string `json:"replyToken"`
		}
		if json.Unmarshal(body, &req) != nil || !f.track.reply(req.ReplyToken, string(body), at) {
			f.invalidTokens.Add(1)
			answer(w, http.StatusBadRequest, `{"message":"Invalid reply token"}`)
			return
		}
		answer(w, http.StatusOK, `{"sentMessages":[]}`)
	case r.Method == http.MethodPost && r.URL.Path == "/v2/bot/message/push":
		var req struct {
			To string `json:"to"`
		}
		json.Unmarshal(body, &req)
		key := r.Header.Get("X-Line-Retry-Key")
		if key != "" && f.seen(key) {
			// LINE sends nothing twice under one retry key.
			answer(w, http.StatusConflict, `{"message":"The retry key is already accepted"}`)
			return
		}
		f.track.push(req.To, key, string(body), at)
		answer(w, http.StatusOK, `{"sentMessages":[]}`)
	case r.Method == http.MethodPost && r.URL.Path == "/v2/bot/chat/loading/start":
		answer(w, http.StatusAccepted, `{}`)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/bot/profile/"):
		answer(w, http.StatusNotFound, `{"message":"Not found"}`)
	default:
		f.unexpected.Add(1)
		answer(w, http.StatusNotFound, `{"message":"Not found"}`)
	}
}

// seen reports whether key was accepted before, and remembers it.
func (f *fakeLINE) seen(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.retryKeys[key] {
		return true
	}
	f.retryKeys[key] = true
	return false
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}
