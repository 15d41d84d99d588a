package main

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestFlagsRefuseWhatCannotWork(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--backend", "mysql"}, "--backend"},
		{[]string{"--mode", "half"}, "--mode"},
		{[]string{"--rate", "0"}, "--rate"},
		{[]string{"--duration", "2h"}, "--duration"},
		{[]string{"--mix", "problem"}, "--talents"},
		{[]string{"--server-env", "NOEQUALS"}, "KEY=VALUE"},
		{[]string{"stray"}, "unexpected"},
		{[]string{"--backend", "postgres", "--replicas", "0"}, "--replicas"},
		{[]string{"--backend", "postgres", "--replicas", "9"}, "--replicas"},
		{[]string{"--replicas", "2"}, "one DATA_DIR is served by one process"},
		{[]string{"--backend", "postgres", "--replicas", "2", "--chaos-kills", "1"}, "--chaos-kills"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %s", tc.args, err, tc.want)
		}
	}
	if _, err := parseFlags([]string{"--mix", "mixed", "--talents", "t.csv", "--mode", "closed", "--users", "8"}, io.Discard); err != nil {
		t.Errorf("a good command line was refused: %v", err)
	}
	if c, err := parseFlags([]string{"--backend", "postgres", "--replicas", "8"}, io.Discard); err != nil || c.replicas != 8 {
		t.Errorf("--backend postgres --replicas 8: %+v, %v; want it taken", c, err)
	}
	if c, _ := parseFlags(nil, io.Discard); c.replicas != 1 {
		t.Errorf("--replicas defaults to %d, want 1", c.replicas)
	}
}

// A short run against the real binary on the embedded store: every
// acknowledged event gets its reply. Speed is reported, not asserted.
func TestSmokeSQLite(t *testing.T) {
	cfg, err := parseFlags([]string{"--backend", "sqlite", "--rate", "20", "--duration", "2s",
		"--mix", "seminar", "--users", "10", "--bare-duration", "500ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.grace = 30 * time.Second // a loaded test machine is slow, not wrong
	rep, err := run(t.Context(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", *rep)
	checkAnswered(t, rep, 40)
	if rep.Bare == nil || rep.Bare.AcksOK == 0 || rep.Bare.AckErrors != 0 {
		t.Errorf("bare handler: %+v, want its acknowledgements", rep.Bare)
	}
}

// checkAnswered checks that a run sent sent events, all acknowledged, each
// answered once, with no error in the servers' logs.
func checkAnswered(t *testing.T, rep *report, sent int) {
	t.Helper()
	if rep.Sent != sent || rep.AcksOK != rep.Sent {
		t.Errorf("sent %d, acknowledged %d; want %d and all", rep.Sent, rep.AcksOK, sent)
	}
	if rep.Replies != rep.AcksOK || rep.Missing != 0 || rep.Unmatched != 0 || rep.InvalidReplyTokens != 0 {
		t.Errorf("replies %d for %d acknowledged events (missing %d, unmatched %d, invalid tokens %d); want one each",
			rep.Replies, rep.AcksOK, rep.Missing, rep.Unmatched, rep.InvalidReplyTokens)
	}
	if rep.ServerLogErrors != 0 {
		t.Errorf("the server logged %d errors: %q", rep.ServerLogErrors, rep.ServerErrorSamples)
	}
}

// A short open-loop run through two replicas on one Postgres and one Redis
// (TEST_DATABASE_URL and TEST_REDIS_URL, as the store's Postgres tests), a
// user's messages alternating between them, every 10 ms whatever the
// answers: every acknowledged event gets its reply, in its user's order.
func TestSmokePostgresTwoReplicas(t *testing.T) {
	args := []string{"--backend", "postgres", "--replicas", "2", "--rate", "100", "--users", "1", "--duration", "1s",
		"--mix", "seminar", "--bare-duration", "0"}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		args = append(args, "--database-url", u)
	}
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		args = append(args, "--redis-url", u)
	}
	cfg, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.grace = 30 * time.Second
	rep, err := run(t.Context(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", *rep)
	if rep.Replicas != 2 || len(rep.AcksPerReplica) != 2 || rep.AcksPerReplica[0] == 0 || rep.AcksPerReplica[1] == 0 ||
		rep.AcksPerReplica[0]+rep.AcksPerReplica[1] != int64(rep.AcksOK) {
		t.Errorf("acks per replica %v of %d, want both replicas to acknowledge their share", rep.AcksPerReplica, rep.AcksOK)
	}
	checkAnswered(t, rep, 100)
	if rep.OutOfOrder != 0 {
		t.Errorf("%d users got their replies out of order", rep.OutOfOrder)
	}
}
