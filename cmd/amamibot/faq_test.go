package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/store"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func faqsIn(t *testing.T, dir string) map[string]store.FAQ {
	t.Helper()
	out := map[string]store.FAQ{}
	openData(t, dir, func(st store.Store) {
		faqs, err := st.FAQs(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range faqs {
			out[f.ID] = f
		}
	})
	return out
}

// TestImportFAQ: staff's FAQ imports with its example phrasings; importing
// an id again updates it; a bad line names itself and imports nothing.
func TestImportFAQ(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	file := writeFile(t, "faq.csv", "id,questions,answer\n"+
		"childcare,託児はありますか; 子ども連れで行けますか ,会場に託児はありませんが、お子さま連れでのご参加は歓迎です。\n"+
		"parking,駐車場はありますか,会場の駐車場（20台）をご利用いただけます。\n")
	out, stderr, err := amamibot(t, e, "import", "faq", file)
	if err != nil || !strings.Contains(out, "imported 2 faq") {
		t.Fatalf("import faq: %q %v\n%s", out, err, stderr)
	}
	got := faqsIn(t, dir)
	if c := got["childcare"]; !slices.Equal(c.Questions, []string{"託児はありますか", "子ども連れで行けますか"}) || !strings.HasPrefix(c.Answer, "会場に託児は") {
		t.Errorf("childcare imported as %+v, want its two phrasings and answer", c)
	}

	again := writeFile(t, "faq.csv", "id,questions,answer\nparking,駐車場はありますか;車で行けますか,駐車場は10台分です。\n")
	if _, stderr, err := amamibot(t, e, "import", "faq", again); err != nil {
		t.Fatalf("re-import: %v\n%s", err, stderr)
	}
	if p := faqsIn(t, dir)["parking"]; p.Answer != "駐車場は10台分です。" || len(p.Questions) != 2 {
		t.Errorf("parking after re-import %+v, want the new answer and phrasings", p)
	}

	for _, bad := range []struct{ csv, want string }{
		{"id,questions,answer\nfee,参加費は？,無料です。\nrec,,録画はありません。\n", "line 3: questions is empty"},
		{"id,questions,answer\nfee,参加費は？,\n", "line 2: answer is empty"},
		{"id,question,answer\nfee,参加費は？,無料です。\n", "line 1: the header must be id,questions,answer"},
		{"id,questions,answer\nfee,参加費は？," + strings.Repeat("長", maxFieldRunes+1) + "\n", "line 2: answer has 4001 characters"},
	} {
		_, _, err := amamibot(t, e, "import", "faq", writeFile(t, "bad.csv", bad.csv))
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "nothing imported") {
			t.Errorf("import of a bad FAQ: %v\nwant an error with %q", err, bad.want)
		}
	}
	if n := len(faqsIn(t, dir)); n != 2 {
		t.Errorf("%d FAQ rows after bad imports, want the 2 from before", n)
	}
}

// TestExportQuestions: what the bot could not answer reaches staff, with
// when, what kind and who.
func TestExportQuestions(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	asked := time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	openData(t, dir, func(st store.Store) {
		for _, q := range []store.Question{
			{UserID: "U1", Text: "=ペットは連れて行けますか", Kind: "unanswered", AskedAt: asked},
			{UserID: "U2", Text: "人と話したいです", Kind: "staff", AskedAt: asked.Add(time.Minute)},
		} {
			if err := st.RecordQuestion(t.Context(), q); err != nil {
				t.Fatal(err)
			}
		}
	})
	out, _, err := amamibot(t, e, "export", "questions")
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		export.QuestionColumns,
		{"2026-12-01T10:30:00+09:00", "unanswered", "'=ペットは連れて行けますか", "U1"},
		{"2026-12-01T10:31:00+09:00", "staff", "人と話したいです", "U2"},
	}
	if !slices.EqualFunc(records, want, slices.Equal) {
		t.Errorf("export questions:\n%q\nwant\n%q", records, want)
	}
}

// TestImportSeminarFeeAndDescription: the optional columns reach the store,
// and a file written before them still imports.
func TestImportSeminarFeeAndDescription(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	file := writeFile(t, "seminars.csv", "id,title,starts_at,ends_at,venue,online_url,capacity,fee,description\n"+
		seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 20)+",無料,\"島の事業者向けに、副業人材との始め方をお話しします。\"\n")
	if _, stderr, err := amamibot(t, e, "import", "seminars", file); err != nil {
		t.Fatalf("import with fee and description: %v\n%s", err, stderr)
	}
	if s := seminarsIn(t, dir)["dx"]; s.Fee != "無料" || !strings.HasPrefix(s.Description, "島の事業者向けに") {
		t.Errorf("seminar imported as fee %q, description %q", s.Fee, s.Description)
	}
	// The old seven columns update the rest and clear what they do not give.
	if _, err := importSeminarsFile(t, e, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 25)); err != nil {
		t.Fatalf("import of the old columns: %v", err)
	}
	if s := seminarsIn(t, dir)["dx"]; s.Capacity != 25 || s.Fee != "" {
		t.Errorf("after the old file: capacity %d fee %q, want 25 and no fee", s.Capacity, s.Fee)
	}
	if _, _, err := amamibot(t, e, "import", "seminars", writeFile(t, "s.csv", "id,title,starts_at,ends_at,venue,online_url,capacity,description\n")); err == nil ||
		!strings.Contains(err.Error(), "optionally followed by fee,description") {
		t.Errorf("a header with description but not fee: %v, want it refused with the header it needs", err)
	}
}
