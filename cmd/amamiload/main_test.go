package main

import (
	"io"
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
	} {
		_, err := parseFlags(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %s", tc.args, err, tc.want)
		}
	}
	if _, err := parseFlags([]string{"--mix", "mixed", "--talents", "t.csv", "--mode", "closed", "--users", "8"}, io.Discard); err != nil {
		t.Errorf("a good command line was refused: %v", err)
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
	if rep.Sent != 40 || rep.AcksOK != rep.Sent {
		t.Errorf("sent %d, acknowledged %d; want 40 and all", rep.Sent, rep.AcksOK)
	}
	if rep.Replies != rep.AcksOK || rep.Missing != 0 || rep.Unmatched != 0 || rep.InvalidReplyTokens != 0 {
		t.Errorf("replies %d for %d acknowledged events (missing %d, unmatched %d, invalid tokens %d); want one each",
			rep.Replies, rep.AcksOK, rep.Missing, rep.Unmatched, rep.InvalidReplyTokens)
	}
	if rep.ServerLogErrors != 0 {
		t.Errorf("the server logged %d errors: %q", rep.ServerLogErrors, rep.ServerErrorSamples)
	}
	if rep.Bare == nil || rep.Bare.AcksOK == 0 || rep.Bare.AckErrors != 0 {
		t.Errorf("bare handler: %+v, want its acknowledgements", rep.Bare)
	}
}
