package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFakeLINE(t *testing.T) {
	track := newTracker()
	f, err := startFakeLINE("token", track)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	e := track.add("Ua", "tok", "ev-tok", time.Now())
	track.ack(e, time.Now(), "")
	call := func(path, auth, retryKey, body string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		if retryKey != "" {
			req.Header.Set("X-Line-Retry-Key", retryKey)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	if got := call("/v2/bot/message/reply", "Bearer wrong", "", `{"replyToken":"tok"}`); got != http.StatusUnauthorized {
		t.Errorf("reply with a wrong access token: %d, want 401", got)
	}
	if got := call("/v2/bot/message/reply", "Bearer token", "", `{"replyToken":"tok","messages":[]}`); got != http.StatusOK {
		t.Errorf("reply: %d, want 200", got)
	}
	if got := call("/v2/bot/message/reply", "Bearer token", "", `{"replyToken":"tok","messages":[]}`); got != http.StatusBadRequest {
		t.Errorf("second reply with one token: %d, want 400", got)
	}
	e2 := track.add("Ua", "tok2", "ev-tok2", time.Now())
	track.ack(e2, time.Now(), "")
	if got := call("/v2/bot/message/push", "Bearer token", "key-1", `{"to":"Ua","messages":[]}`); got != http.StatusOK {
		t.Errorf("push: %d, want 200", got)
	}
	if got := call("/v2/bot/message/push", "Bearer token", "key-1", `{"to":"Ua","messages":[]}`); got != http.StatusConflict {
		t.Errorf("push again under one retry key: %d, want 409", got)
	}
	if e.replied.IsZero() || e2.replied.IsZero() || !e2.viaPush {
		t.Error("the reply and the push were not matched to their events")
	}
	if f.invalidTokens.Load() != 1 || f.unexpected.Load() != 1 || track.unmatched != 1 {
		t.Errorf("invalid tokens %d, unexpected calls %d, unmatched %d; want 1 each", f.invalidTokens.Load(), f.unexpected.Load(), track.unmatched)
	}
}
