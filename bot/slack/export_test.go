package slack_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

// TestExportCommand: /amami export posts the CSV, for Excel, as a file
// shared in the staff channel only, after answering the command at once;
// a seminar ID keeps its registrations.
func TestExportCommand(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	sem := h.seed(t)

	got := h.file(t, "export registrations "+sem.ID)
	if !strings.Contains(got, "セミナー申込者 DX入門セミナー（4件）の CSV をこのチャンネルに投稿しました。") {
		t.Errorf("answer: %q", got)
	}
	files := h.srv.Files(h.srv.Channel)
	if len(files) != 1 || !strings.HasPrefix(files[0].Name, "registrations-dx-1-") || !strings.HasSuffix(files[0].Name, ".csv") {
		t.Fatalf("files in the staff channel: %+v, want the registrations CSV", files)
	}
	content := string(files[0].Content)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(content, "\ufeff"))).ReadAll()
	if !strings.HasPrefix(content, "\ufeffregistration_id,") || !strings.Contains(content, "\r\n") || err != nil || len(rows) != 5 {
		t.Fatalf("CSV %q (%v): want a BOM, CRLF, the header and the 4 registrations of the seminar", content, err)
	}
	if !strings.Contains(content, "徳之島三郎") || strings.Contains(content, "online-1") {
		t.Errorf("CSV:\n%s\nwant the seminar's attendees alone", content)
	}

	for text, want := range map[string]string{
		"export bookings":             "個別相談の予約（1件）",
		"export questions":            "答えられなかった質問（2件）",
		"export matches":              "紹介依頼（1件）",
		"export":                      "書き出す記録を指定してください",
		"export bookings dx-1":        "書き出す記録を指定してください",
		"export registrations nope-1": "セミナー「nope-1」が見つかりません",
	} {
		if got := h.file(t, text); !strings.Contains(got, want) {
			t.Errorf("/amami %s: %q, want %q", text, got, want)
		}
	}
	if n := len(h.srv.Files(h.srv.Channel)); n != 4 {
		t.Errorf("%d files shared, want 4", n)
	}
	// Outside the staff channel, nothing is posted.
	h.command(t, "C0ELSEWHERE", "export registrations")
	if n := len(h.srv.Files(h.srv.Channel)) + len(h.srv.Files("C0ELSEWHERE")); n != 4 {
		t.Errorf("%d files after a command outside the staff channel, want still 4", n)
	}
}
