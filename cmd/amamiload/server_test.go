package main

import "testing"

func TestMessageKeepsWhatTellsErrorsApart(t *testing.T) {
	line := `time=2026-11-30T20:10:00Z level=ERROR msg="line webhook: record events" events=1 err="record events: context canceled" request_id=07760605b467c97f`
	want := `msg="line webhook: record events" err="record events: context canceled"`
	if got := message(line); got != want {
		t.Errorf("message() = %s, want %s", got, want)
	}
	if got := message(`time=x level=ERROR msg=stopped`); got != "msg=stopped" {
		t.Errorf("message() of an unquoted msg = %s", got)
	}
}
