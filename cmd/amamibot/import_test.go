package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlite"
)

// The import and export tests run the commands as staff would, on the
// embedded store in a temporary DATA_DIR, and look at the store directly
// between commands (no server holds DATA_DIR then).

// openData opens the embedded store in dir for the test to look at or
// arrange, and closes it before returning to the commands.
func openData(t *testing.T, dir string, f func(store.Store)) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), dir, store.Options{})
	if err != nil {
		t.Fatalf("open the embedded store: %v", err)
	}
	defer st.Close()
	f(st)
}

// seminarsIn returns the seminars in the embedded store in dir, by id.
func seminarsIn(t *testing.T, dir string) map[string]store.Seminar {
	t.Helper()
	out := map[string]store.Seminar{}
	openData(t, dir, func(st store.Store) {
		upcoming, err := st.UpcomingSeminars(t.Context(), time.Now(), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range upcoming {
			out[s.ID] = s
		}
	})
	return out
}

func importSeminarsFile(t *testing.T, e env, rows ...string) (stdout string, err error) {
	t.Helper()
	file := writeSeminarsCSV(t, rows...)
	stdout, stderr, err := amamibot(t, e, "import", "seminars", file)
	checkMessage(t, stderr, nil)
	return stdout, err
}

func TestImportSeminars(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	out, err := importSeminarsFile(t, e,
		seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 20),
		seminarRow("intro", "副業人材の活用入門", 12, "", "https://meet.example.jp/amami-intro", 0),
		seminarRow("shokei", "事業承継を考える勉強会", 14, "徳之島町文化会館 小ホール", "", 12),
	)
	if err != nil || !strings.Contains(out, "imported 3 seminars") {
		t.Fatalf("import: %q, %v; want 3 seminars imported", out, err)
	}
	got := seminarsIn(t, dir)
	if len(got) != 3 {
		t.Fatalf("store has %v, want the 3 seminars", got)
	}
	dx, intro, shokei := got["dx"], got["intro"], got["shokei"]
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if dx.Title != dxTitle || dx.Venue != dxVenue || dx.OnlineURL != dxURL || dx.Capacity != 20 ||
		dx.StartsAt.In(tokyo).Hour() != 15 || dx.EndsAt.Sub(dx.StartsAt) != 90*time.Minute || dx.StartsAt.Location() != time.UTC {
		t.Errorf("dx imported as %+v", dx)
	}
	if intro.HasVenue() || !intro.HasOnline() || shokei.HasOnline() || shokei.Capacity != 12 {
		t.Errorf("online-only %+v, venue-only %+v: want an empty venue and an empty URL kept", intro, shokei)
	}

	// Re-importing a row with the same id updates it; seats taken stay taken.
	openData(t, dir, func(st store.Store) {
		for i := range 3 {
			if _, err := st.Register(t.Context(), store.RegisterRequest{
				SeminarID: "dx", UserID: newUserID(), Attendance: store.Venue, Name: fmt.Sprint("参加者 ", i), Now: time.Now(),
			}); err != nil {
				t.Fatal(err)
			}
		}
	})
	out, err = importSeminarsFile(t, e, seminarRow("dx", "観光DXセミナー（第2回）", 11, dxVenue, dxURL, 25))
	if err != nil || !strings.Contains(out, "imported 1 seminars") {
		t.Fatalf("re-import: %q, %v", out, err)
	}
	got = seminarsIn(t, dir)
	if s := got["dx"]; s.Title != "観光DXセミナー（第2回）" || s.Capacity != 25 || s.Booked != 3 || !s.StartsAt.After(dx.StartsAt) {
		t.Errorf("dx after re-import: %+v, want the new title, date and capacity, and the 3 seats taken", s)
	}
	if len(got) != 3 {
		t.Errorf("re-importing one row left %d seminars, want 3", len(got))
	}

	// A capacity below the seats taken is refused, and nothing is imported.
	before := seminarsIn(t, dir)
	_, err = importSeminarsFile(t, e,
		seminarRow("intro", "副業人材の活用入門（改）", 12, "", "https://meet.example.jp/amami-intro", 0),
		seminarRow("dx", "観光DXセミナー（第2回）", 11, dxVenue, dxURL, 2),
	)
	if err == nil || !strings.Contains(err.Error(), "capacity 2 is below the 3 venue seats already taken") || !strings.Contains(err.Error(), "nothing imported") {
		t.Errorf("capacity below seats taken: %v, want a refusal that says so", err)
	}
	if after := seminarsIn(t, dir); !seminarsEqual(before, after) {
		t.Errorf("a refused import changed the store:\nbefore %v\nafter  %v", before, after)
	}
}

// TestImportSeminarsMalformed: a bad file names each bad line and why, and
// imports nothing, not even its good rows.
func TestImportSeminarsMalformed(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	if _, err := importSeminarsFile(t, e, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 20)); err != nil {
		t.Fatal(err)
	}
	before := seminarsIn(t, dir)
	// A good first row that would change dx, so that a half import shows.
	good := seminarRow("dx", "変わってはいけない題名", 10, dxVenue, dxURL, 20)
	header := strings.Join(seminarColumns, ",")
	tests := []struct {
		name string
		text string   // the whole file
		want []string // in the error
	}{
		{"bad time", header + "\n" + good + "\n" +
			"new,新しいセミナー,2026-12-11 15:00,2026-12-11T16:30:00+09:00,会場,,20\n",
			[]string{"line 3", "starts_at", "RFC 3339"}},
		{"time without offset", header + "\n" + good + "\n" +
			"new,新しいセミナー,2026-12-11T15:00:00,2026-12-11T16:30:00+09:00,会場,,20\n",
			[]string{"line 3", "starts_at", "offset"}},
		{"ends before it starts", header + "\n" + good + "\n" +
			"new,新しいセミナー,2026-12-11T15:00:00+09:00,2026-12-11T14:00:00+09:00,会場,,20\n",
			[]string{"line 3", "ends_at", "not after"}},
		{"neither venue nor url", header + "\n" + good + "\n" +
			"new,新しいセミナー,2026-12-11T15:00:00+09:00,2026-12-11T16:30:00+09:00,,,\n",
			[]string{"line 3", "venue", "online_url"}},
		{"venue without capacity", header + "\n" + good + "\n" +
			"new,新しいセミナー,2026-12-11T15:00:00+09:00,2026-12-11T16:30:00+09:00,会場,,\n",
			[]string{"line 3", "capacity"}},
		{"url not http", header + "\n" + good + "\n" +
			"new,新しいセミナー,2026-12-11T15:00:00+09:00,2026-12-11T16:30:00+09:00,,meet.example.jp/x,\n",
			[]string{"line 3", "online_url"}},
		{"duplicate id", header + "\n" + good + "\n" +
			seminarRow("other", "別のセミナー", 11, "", dxURL, 0) + "\n" + seminarRow("other", "同じid", 12, "", dxURL, 0) + "\n",
			[]string{"line 4", `"other"`, "line 3"}},
		{"wrong header", "id,title,starts,ends,venue,online_url,capacity\n" + good + "\n",
			[]string{"line 1", header}},
		{"wrong field count", header + "\n" + good + "\n" + "new,新しいセミナー,2026-12-11T15:00:00+09:00\n",
			[]string{"line 3", "wrong number of fields"}},
		{"bare quote", header + "\n" + good + "\n" +
			`new,新しい"セミナー",2026-12-11T15:00:00+09:00,2026-12-11T16:30:00+09:00,会場,,20` + "\n",
			[]string{"line 3"}},
		{"unterminated quote", header + "\n" + good + "\n" + `"new,新しいセミナー` + "\n",
			[]string{"line 3", `extraneous or missing " in quoted-field`}},
		{"several bad lines", header + "\n" + good + "\n" +
			"a,,2026-12-11T15:00:00+09:00,2026-12-11T16:30:00+09:00,会場,,20\n" +
			"b,題名,2026-12-11T15:00:00+09:00,2026-12-11T16:30:00+09:00,会場,,many\n",
			[]string{"line 3", "title", "line 4", `capacity "many"`}},
		{"capacity beyond any hall", header + "\n" + good + "\n" +
			seminarRow("huge", "大きすぎる会場", 11, dxVenue, "", 1_000_000_000) + "\n",
			[]string{"line 3", "capacity 1000000000", "more than 10000"}},
		{"already ended", header + "\n" + good + "\n" +
			seminarRow("past", "終わったセミナー", -1, dxVenue, "", 20) + "\n",
			[]string{"line 3", "ends_at", "already ended"}},
		{"empty file", "", []string{"line 1", "header"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "seminars.csv")
			if err := os.WriteFile(file, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			out, stderr, err := amamibot(t, e, "import", "seminars", file)
			if err == nil {
				t.Fatalf("imported a malformed file: %q", out)
			}
			checkMessage(t, err.Error(), append(tc.want, file, "nothing imported"))
			checkMessage(t, stderr, nil)
			if after := seminarsIn(t, dir); !seminarsEqual(before, after) {
				t.Errorf("a refused import changed the store:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestImportUsage(t *testing.T) {
	e := env{"DATA_DIR": t.TempDir()}
	for _, args := range [][]string{{"import"}, {"import", "seminars"}, {"import", "bananas", "x.csv"}} {
		if _, stderr, err := amamibot(t, e, args...); err == nil || !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: %v, want an error and the usage", args, err)
		}
	}
	_, _, err := amamibot(t, e, "import", "seminars", filepath.Join(t.TempDir(), "missing.csv"))
	if err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("a missing file: %v, want an error naming it", err)
	}
}

func seminarsEqual(a, b map[string]store.Seminar) bool {
	if len(a) != len(b) {
		return false
	}
	for id, s := range a {
		o, ok := b[id]
		if !ok || o.Title != s.Title || !o.StartsAt.Equal(s.StartsAt) || !o.EndsAt.Equal(s.EndsAt) ||
			o.Venue != s.Venue || o.OnlineURL != s.OnlineURL || o.Capacity != s.Capacity || o.Booked != s.Booked {
			return false
		}
	}
	return true
}

// TestExportRegistrations: the CSV staff get has the header of docs/ARCHITECTURE.md §6
// and a row per registration, every status, with times in Japan time.
func TestExportRegistrations(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	out, _, err := amamibot(t, e, "export", "registrations")
	if err != nil || out != strings.Join(export.RegistrationColumns, ",")+"\n" {
		t.Fatalf("export of an empty store: %q, %v; want the header alone", out, err)
	}
	if _, err := importSeminarsFile(t, e,
		seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 1),
		seminarRow("intro", "副業人材の活用入門, 基礎編", 12, "", "https://meet.example.jp/amami-intro", 0),
	); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	openData(t, dir, func(st store.Store) {
		now := time.Now()
		reg := func(seminar string, a store.Attendance, name, company string, waitlist bool) store.Registration {
			r, err := st.Register(ctx, store.RegisterRequest{SeminarID: seminar, UserID: newUserID(), Attendance: a,
				Name: name, Company: company, Waitlist: waitlist, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		reg("dx", store.Venue, "山田 太郎", "山田商店", false)
		reg("dx", store.Venue, "中村 美咲", "", true)
		gone := reg("intro", store.Online, "佐藤 花子", `"はなこ"デザイン`, false)
		if _, err := st.CancelRegistration(ctx, gone.UserID, gone.ID, now); err != nil {
			t.Fatal(err)
		}
	})

	out, _, err = amamibot(t, e, "export", "registrations")
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, out)
	}
	if !slices.Equal(records[0], export.RegistrationColumns) {
		t.Errorf("header %q, want %q", records[0], export.RegistrationColumns)
	}
	type row struct{ seminar, title, attendance, status, name, company string }
	var rows []row
	for _, r := range records[1:] {
		rows = append(rows, row{r[1], r[2], r[4], r[5], r[6], r[7]})
		for _, col := range []int{3, 8} {
			when, err := time.Parse(time.RFC3339, r[col])
			if err != nil || !strings.HasSuffix(r[col], "+09:00") {
				t.Errorf("%s %q, want an RFC 3339 time in +09:00", records[0][col], r[col])
			}
			if col == 8 && time.Since(when) > time.Hour {
				t.Errorf("registered_at %q, want the time of registration", r[col])
			}
		}
		if _, err := time.Parse(time.RFC3339, r[3]); err == nil && !strings.Contains(r[3], "T15:00:00") {
			t.Errorf("starts_at %q, want 15:00 Japan time", r[3])
		}
	}
	want := []row{
		{"dx", dxTitle, "venue", "confirmed", "山田 太郎", "山田商店"},
		{"dx", dxTitle, "venue", "waitlisted", "中村 美咲", ""},
		{"intro", "副業人材の活用入門, 基礎編", "online", "cancelled", "佐藤 花子", `"はなこ"デザイン`},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows:\n%v\nwant\n%v", rows, want)
	}

	// TZ_DISPLAY changes the zone of the times.
	out, _, err = amamibot(t, e.with("TZ_DISPLAY", "UTC"), "export", "registrations")
	if err != nil || !strings.Contains(out, "T06:00:00Z") {
		t.Errorf("export with TZ_DISPLAY=UTC: %v\n%s\nwant starts_at in UTC", err, out)
	}
}

// TestExportNeutralisesFormulas: a name typed as a formula reaches staff as
// text, and --excel writes what Japanese Excel reads as UTF-8.
func TestExportNeutralisesFormulas(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	if _, err := importSeminarsFile(t, e, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 10)); err != nil {
		t.Fatal(err)
	}
	typed := []string{`=HYPERLINK("http://evil.example","押して")`, "+81 90", "-1+1", "@SUM(A1)", "\tタブ", "\r改行"}
	openData(t, dir, func(st store.Store) {
		for _, name := range typed {
			if _, err := st.Register(t.Context(), store.RegisterRequest{SeminarID: "dx", UserID: newUserID(),
				Attendance: store.Venue, Name: name, Company: "奄美商店", Now: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
	})
	for _, excel := range []bool{false, true} {
		args := []string{"export", "registrations"}
		if excel {
			args = []string{"export", "--excel", "registrations"}
		}
		out, _, err := amamibot(t, e, args...)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(out, "\ufeff"); got != excel {
			t.Errorf("%v: starts with a BOM: %v, want %v", args, got, excel)
		}
		if got := strings.Contains(out, "\r\n"); got != excel {
			t.Errorf("%v: CRLF line ends: %v, want %v", args, got, excel)
		}
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("%v: not CSV: %v", args, err)
		}
		var names []string
		for _, r := range records[1:] {
			names = append(names, r[6])
			if r[7] != "奄美商店" {
				t.Errorf("%v: company %q changed, want it as typed", args, r[7])
			}
		}
		for _, name := range typed {
			if excel {
				name = strings.ReplaceAll(name, "\r", "") // encoding/csv drops a lone CR in CRLF mode
			}
			if !slices.Contains(names, "'"+name) {
				t.Errorf("%v: name %q exported as one of %q, want it prefixed with a quote", args, name, names)
			}
		}
	}
}
