package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// TestLexiconSuggest: owners who wrote of a need in a word the lexicon
// lacks and then picked its field (or booked) give a row in lexicon.tsv's
// format, with counts and examples, and without their names or contacts.
func TestLexiconSuggest(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	openData(t, dir, func(st store.Store) {
		if err := st.UpsertTalents(t.Context(), match.DemoTalents()); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveOwner(t.Context(), store.Owner{UserID: "U1", Name: "奄美 花子", Company: "喜界ごま店", Contact: "0997-12-3456", UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []store.Signal{
			{UserID: "U1", Kind: store.SignalField, Problem: "喜界ごま店の奄美です。帳尻がいつも合わない 0997-12-3456", Category: "finance"},
			{UserID: "U2", Kind: store.SignalBooked, Problem: "月末の帳尻が合わない。taro@example.jp", Category: "finance", TalentID: "D0001"},
			{UserID: "U3", Kind: store.SignalField, Problem: "帳尻合わせに追われてます", Category: "finance"},
			{UserID: "U4", Kind: store.SignalMore, Problem: "帳尻が合わない", Category: "marketing"},
		} {
			s.At = at
			if err := st.RecordSignal(t.Context(), s); err != nil {
				t.Fatal(err)
			}
		}
	})
	out, stderr, err := amamibot(t, env{"DATA_DIR": dir}, "lexicon", "suggest")
	if err != nil {
		t.Fatalf("lexicon suggest: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "\n帳尻\t") || !strings.Contains(out, "\tfinance\t1\n") || !strings.Contains(out, "3 owners for, 0 against") {
		t.Errorf("no row 帳尻 → finance of full weight resting on 3 owners in:\n%s", out)
	}
	for _, private := range []string{"奄美", "喜界ごま", "0997", "taro@"} {
		if strings.Contains(out, private) {
			t.Errorf("the proposals show %q:\n%s", private, out)
		}
	}
	if _, _, err := amamibot(t, env{"DATA_DIR": dir}, "lexicon", "propose"); err == nil {
		t.Error("lexicon propose: no error, want the usage")
	}
}

// TestImportLexicon: rows staff accept apply to the index a server builds
// (at start, or within seconds of the import), without a new build; a file
// that does not parse is refused with its line and changes nothing.
func TestImportLexicon(t *testing.T) {
	dir := t.TempDir()
	const problem = "てぃーだ便の手配で毎月頭を抱えています"
	searched := func() match.Result {
		t.Helper()
		var r match.Result
		openData(t, dir, func(st store.Store) {
			var live liveIndex
			if err := live.refresh(t.Context(), st); err != nil {
				t.Fatalf("refresh: %v", err)
			}
			r = live.Search(problem, 5)
		})
		return r
	}
	openData(t, dir, func(st store.Store) {
		if err := st.UpsertTalents(t.Context(), match.DemoTalents()); err != nil {
			t.Fatal(err)
		}
	})
	if searched().Confident {
		t.Fatalf("the shipped lexicon knows %q already: pick a word it lacks", problem)
	}
	file := filepath.Join(dir, "accepted.tsv")
	write := func(content string) {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("# accepted by 森 2026-12-01\nてぃーだ便 手配\t配送網設計;物流コスト削減\tlogistics\n")
	out, stderr, err := amamibot(t, env{"DATA_DIR": dir}, "import", "lexicon", file)
	if err != nil || !strings.Contains(out, "imported 1 lexicon") {
		t.Fatalf("import lexicon: %q, %v\n%s", out, err, stderr)
	}
	if r := searched(); !r.Confident || r.Candidates[0].Talent.Categories[0] != "logistics" {
		t.Errorf("after the import, %q gives %v; want a confident search led by logistics", problem, r.Categories)
	}

	write("てぃーだ便 手配\t配送網設計\n")
	if _, _, err := amamibot(t, env{"DATA_DIR": dir}, "import", "lexicon", file); err == nil || !strings.Contains(err.Error(), "nothing imported: line 1:") {
		t.Errorf("import of a bad row: %v; want nothing imported, naming line 1", err)
	}
	if r := searched(); !r.Confident {
		t.Error("a refused import dropped the rows imported before")
	}
}
