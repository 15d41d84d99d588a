package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
)

// A Slack token that Slack refuses stops the server at start with the
// variable to fix; the token itself is not shown.
func TestSlackTokenRefusedAtStart(t *testing.T) {
	fake := slackfake.NewServer(t)
	fake.ExpectRejections()
	e := env{
		"DATA_DIR": t.TempDir(), "ADDR": freeAddr(t),
		"SLACK_BOT_TOKEN": "xoxb-" + tokenValue, "SLACK_CHANNEL_ID": fake.Channel,
		"SLACK_SIGNING_SECRET": secretValue, "SLACK_API_URL": fake.APIURL,
	}
	_, _, err := amamibot(t, e, "serve")
	if err == nil {
		t.Fatal("serve started with a token Slack refuses")
	}
	checkMessage(t, err.Error(), []string{"SLACK_BOT_TOKEN", "invalid_auth"})
}

// Slack unreachable at start does not take LINE down: the server runs
// without Slack's routes, says why, and its alerts wait in the queue.
func TestSlackUnreachableAtStart(t *testing.T) {
	e := env{
		"DATA_DIR":        t.TempDir(),
		"SLACK_BOT_TOKEN": "xoxb-" + tokenValue, "SLACK_CHANNEL_ID": "C0STAFF",
		"SLACK_SIGNING_SECRET": secretValue, "SLACK_API_URL": "http://" + freeAddr(t) + "/api/",
	}
	s := startServer(t, "without slack", e)
	if errs := strings.Join(s.log.lines("ERROR"), "\n"); !strings.Contains(errs, "Slack unreachable at start") {
		t.Errorf("error lines:\n%s\nwant one saying Slack is unreachable", errs)
	}
	checkMessage(t, s.log.String(), nil)
	res, err := http.Post(s.url+"/slack/actions", "application/x-www-form-urlencoded", strings.NewReader("payload={}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /slack/actions answered %d, want no Slack route", res.StatusCode)
	}
}
