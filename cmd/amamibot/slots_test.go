package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// slotRow is a CSV row for a consultation days from now at hour in Tokyo,
// for 45 minutes.
func slotRow(id string, days, hour int, host, mode string) string {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	d := time.Now().In(tokyo).AddDate(0, 0, days)
	start := time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, tokyo)
	return strings.Join([]string{id, start.Format(time.RFC3339), start.Add(45 * time.Minute).Format(time.RFC3339), host, mode}, ",")
}

func importSlotsFile(t *testing.T, e env, rows ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "slots.csv")
	if err := os.WriteFile(path, []byte("id,starts_at,ends_at,host,mode\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, err := amamibot(t, e, "import", "slots", path)
	return stdout, err
}

func availableSlots(t *testing.T, dir string) []store.Slot {
	t.Helper()
	var slots []store.Slot
	openData(t, dir, func(st store.Store) {
		var err error
		if slots, err = st.AvailableSlots(t.Context(), time.Now(), 0); err != nil {
			t.Fatal(err)
		}
	})
	return slots
}

func TestImportSlots(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	out, err := importSlotsFile(t, e,
		slotRow("a", 2, 10, "田中", "venue"),
		slotRow("b", 2, 10, "森", "online"), // the same time, another host
		slotRow("c", 3, 14, "田中", "online"),
	)
	if err != nil || !strings.Contains(out, "imported 3 slots") {
		t.Fatalf("import: %q, %v; want 3 slots imported", out, err)
	}
	if got := availableSlots(t, dir); len(got) != 3 || got[2].ID != "c" || got[2].Mode != store.ConsultOnline {
		t.Fatalf("available slots %+v, want a, b and c, c online", got)
	}
}

func TestImportSlotsRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	if _, err := importSlotsFile(t, e, slotRow("keep", 5, 10, "田中", "venue")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		rows []string
		want []string
	}{
		{"past", []string{slotRow("new", 1, 10, "森", "venue"), slotRow("old", -1, 10, "森", "venue")}, []string{"line 3:", "in the past"}},
		{"overlap", []string{
			slotRow("x", 2, 10, "田中", "venue"),
			strings.Replace(slotRow("y", 2, 10, "田中", "online"), "T10:00", "T10:30", 1),
		}, []string{"line 3: overlaps line 2", "田中"}},
		{"mode", []string{slotRow("z", 2, 10, "森", "zoom")}, []string{"line 2:", `mode "zoom" must be venue or online`}},
		{"host", []string{slotRow("h", 2, 10, "", "venue")}, []string{"line 2:", "host is empty"}},
		{"duplicate", []string{slotRow("d", 2, 10, "森", "venue"), slotRow("d", 3, 10, "森", "venue")}, []string{"line 3:", `id "d" is already used on line 2`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importSlotsFile(t, e, tt.rows...)
			if err == nil {
				t.Fatal("import succeeded, want an error")
			}
			checkMessage(t, err.Error(), append(tt.want, "nothing imported"))
			if got := availableSlots(t, dir); len(got) != 1 || got[0].ID != "keep" {
				t.Errorf("after a refused import the store has %+v, want only the slot from before", got)
			}
		})
	}
}

// TestExportBookingsAndMatches exports what an owner did: an introduction
// request, decided by staff, and a booking.
func TestExportBookingsAndMatches(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	if _, err := importSlotsFile(t, e, slotRow("s1", 2, 10, "田中", "venue")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	openData(t, dir, func(st store.Store) {
		ctx := t.Context()
		must(t, st.UpsertTalents(ctx, []match.Talent{{ID: "T1", DisplayName: "島 一郎", Headline: "MEO対策の専門家",
			Skills: []string{"MEO対策"}, Categories: []string{"marketing"}, YearsExperience: 10, WorkStyle: "remote"}}))
		must(t, st.SaveOwner(ctx, store.Owner{UserID: "U1", Company: "奄美黒糖本舗", Contact: "0997-12-3456", UpdatedAt: now}))
		in, err := st.RequestIntroduction(ctx, store.IntroRequest{UserID: "U1", TalentID: "T1", Problem: "地図に店が出てこない",
			Category: "marketing", Reasons: []string{"「MEO対策」の経験があります"}, Now: now})
		must(t, err)
		_, err = st.DecideIntroduction(ctx, in.ID, store.Decision{Status: store.Approved, By: "森", Now: now})
		must(t, err)
		_, err = st.BookSlot(ctx, store.BookRequest{SlotID: "s1", UserID: "U1", IntroductionID: in.ID, Now: now})
		must(t, err)
	})

	bookings := exportRows(t, e, "bookings")
	if len(bookings) != 2 || strings.Join(bookings[0], ",") != strings.Join(export.BookingColumns, ",") {
		t.Fatalf("export bookings:\n%v\nwant the header and one booking", bookings)
	}
	b := bookings[1]
	if b[1] != "s1" || b[4] != "venue" || b[5] != "田中" || b[6] != "booked" || b[7] != "奄美黒糖本舗" || b[8] != "0997-12-3456" || !strings.HasSuffix(b[2], "+09:00") {
		t.Errorf("booking row %q, want slot s1, venue, 田中, booked, the owner's company and contact, Tokyo time", b)
	}

	matches := exportRows(t, e, "matches")
	if len(matches) != 2 || strings.Join(matches[0], ",") != strings.Join(export.MatchColumns, ",") {
		t.Fatalf("export matches:\n%v\nwant the header and one request", matches)
	}
	m := matches[1]
	if m[2] != "奄美黒糖本舗" || m[4] != "地図に店が出てこない" || m[6] != "T1" || m[7] != "島 一郎" || m[9] != "approved" || m[10] != "森" || m[11] == "" {
		t.Errorf("match row %q, want the owner, the problem, the talent by id and name, and who approved when", m)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func exportRows(t *testing.T, e env, what string) [][]string {
	t.Helper()
	out, _, err := amamibot(t, e, "export", what)
	if err != nil {
		t.Fatalf("export %s: %v", what, err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export %s is not CSV: %v\n%s", what, err, out)
	}
	return rows
}
