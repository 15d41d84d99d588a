package calendar_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/calendar"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// server serves the .ics handler on a store with a venue registration and
// an online one of a seminar two days on.
func server(t *testing.T, now func() time.Time) (links calendar.Links, venue, online store.Registration, st store.Store) {
	st = storetest.OpenSQLite(t, store.Options{})
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	sem := store.Seminar{ID: "dx", Title: "観光DXセミナー; 予約, SNS", StartsAt: start, EndsAt: start.Add(90 * time.Minute),
		Venue: "奄美市AiAiひろば 2階 会議室", OnlineURL: "https://meet.example.jp/dx", Capacity: 5}
	if err := st.UpsertSeminars(t.Context(), []store.Seminar{sem}); err != nil {
		t.Fatal(err)
	}
	reg := func(user string, a store.Attendance) store.Registration {
		r, err := st.Register(t.Context(), store.RegisterRequest{SeminarID: "dx", UserID: user, Attendance: a, Name: "山田", Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	venue, online = reg("u1", store.Venue), reg("u2", store.Online)
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	links = calendar.Links{Base: web.URL, Secret: []byte("a secret of the programme")}
	mux.Handle("GET /calendar/{file}", &calendar.Handler{Links: links, Registrations: st, Logger: slog.New(slog.DiscardHandler), Now: now})
	return links, venue, online, st
}

func get(t *testing.T, link string) (int, string, string) {
	t.Helper()
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(body)
}

// TestICS: the signed link gives the event with the venue, or with the URL
// to join online.
func TestICS(t *testing.T) {
	links, venue, online, _ := server(t, nil)
	code, ctype, body := get(t, links.ICS(venue))
	if code != http.StatusOK || ctype != "text/calendar; charset=utf-8" {
		t.Fatalf("GET the venue attendee's .ics: %d %s", code, ctype)
	}
	for _, want := range []string{"BEGIN:VEVENT\r\n", "SUMMARY:観光DXセミナー\\; 予約\\, SNS\r\n", "LOCATION:奄美市AiAiひろば 2階 会議室\r\n",
		"DTSTART:" + venue.Seminar.StartsAt.UTC().Format("20060102T150405Z") + "\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf(".ics lacks %q:\n%s", want, body)
		}
	}
	for _, line := range strings.Split(body, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	if _, _, body := get(t, links.ICS(online)); !strings.Contains(body, "LOCATION:https://meet.example.jp/dx\r\n") || !strings.Contains(body, "URL:https://meet.example.jp/dx\r\n") {
		t.Errorf("the online attendee's .ics:\n%s\nwant the URL to join", body)
	}
	g, err := url.Parse(calendar.Google(online))
	if err != nil || g.Host != "calendar.google.com" || g.Query().Get("location") != "https://meet.example.jp/dx" || g.Query().Get("text") != online.Seminar.Title {
		t.Errorf("Google Calendar link %q, want the title and the URL to join", calendar.Google(online))
	}
}

// TestICSRefused: an altered, expired or foreign link, or one for a
// cancelled registration, answers 404.
func TestICSRefused(t *testing.T) {
	now := time.Now()
	links, venue, online, st := server(t, func() time.Time { return now })
	good := links.ICS(venue)
	other := calendar.Links{Base: links.Base, Secret: []byte("another secret")}
	for name, link := range map[string]string{
		"another registration": strings.Replace(good, "/"+itoa(venue.ID)+".ics", "/"+itoa(online.ID)+".ics", 1),
		"later expiry":         strings.Replace(good, "exp=", "exp=9", 1),
		"altered signature":    good[:len(good)-2] + "xx",
		"no signature":         strings.Split(good, "&sig=")[0],
		"another secret":       other.ICS(venue),
		"not .ics":             strings.Replace(good, ".ics", ".txt", 1),
	} {
		if code, _, _ := get(t, link); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, code)
		}
	}
	now = venue.Seminar.EndsAt // expired
	if code, _, _ := get(t, good); code != http.StatusNotFound {
		t.Errorf("expired: %d, want 404", code)
	}
	now = time.Now()
	if _, err := st.CancelRegistration(t.Context(), "u1", venue.ID, now); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := get(t, good); code != http.StatusNotFound {
		t.Errorf("cancelled registration: %d, want 404", code)
	}
	if code, _, _ := get(t, links.ICS(online)); code != http.StatusOK {
		t.Errorf("the online registration, still confirmed: %d, want 200", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
