package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// TestCalendarLinks: the confirmation offers 「カレンダーに追加」; its .ics
// link, served by the server, gives the seminar at the venue, and the same
// link altered answers 404.
func TestCalendarLinks(t *testing.T) {
	fake := linetest.NewServer(t)
	const public = "https://bot.example.jp"
	e := lineEnv(fake).with("DATA_DIR", t.TempDir(), "PUBLIC_URL", public, "CALENDAR_SECRET", strings.Repeat("s", 40))
	if _, stderr, err := amamibot(t, e, "import", "seminars", writeSeminarsCSV(t, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, venueSeats))); err != nil {
		t.Fatalf("import seminars: %v\n%s", err, stderr)
	}
	s := startServer(t, "server", e)
	check := checker(t)
	u := newUser(t.Context(), fake, s.webhook())
	ans := check(u.ask("セミナー申込", saysList))
	ans = check(u.choose(ans, "申し込む", saysAttendance))
	ans = check(u.choose(ans, "会場で参加", saysNotice))
	check(u.choose(ans, "同意する", saysName))
	check(u.ask("山田 太郎", saysCompany))
	ans = check(u.ask("山田商店", saysSummary))
	done := check(u.choose(ans, "確定する", saysRegistered))
	links := check(u.choose(done, "カレンダーに追加", "次のリンクから、カレンダーに登録できます。"))
	ics := regexp.MustCompile(regexp.QuoteMeta(public) + `/calendar/\S+`).FindString(links.text())
	if ics == "" || !strings.Contains(links.text(), "https://calendar.google.com/calendar/render?") {
		t.Fatalf("calendar links:\n%swant a Google Calendar link and an .ics link on %s", links, public)
	}
	local := strings.Replace(ics, public, s.url, 1)
	get := func(link string) (int, string) {
		res, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := get(local); code != http.StatusOK || !strings.Contains(body, "LOCATION:"+dxVenue) {
		t.Errorf("GET %s: %d\n%s\nwant the event at the venue", local, code, body)
	}
	if code, _ := get(strings.Replace(local, "exp=", "exp=1", 1)); code != http.StatusNotFound {
		t.Errorf("an altered .ics link: %d, want 404", code)
	}
	checkFakeAndLogs(t, fake, s)
}
