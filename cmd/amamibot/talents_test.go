package main

import (
	"strings"
	"testing"

	"github.com/amamibot/amamibot/store"
)

// TestImportTalentsLimits: a talent file with one 3 MB bio (which once took
// the server to 4.4 GB) is refused with its line and the reason, and the
// pool keeps what it had.
func TestImportTalentsLimits(t *testing.T) {
	dir := t.TempDir()
	e := env{"DATA_DIR": dir}
	const header = "id,display_name,headline,skills,categories,years_experience,work_style,region,hours_per_month,bio\n"
	row := func(id, bio string) string {
		return id + ",佐藤 健,見出し,SEO対策,marketing,5,remote,東京都,20," + bio + "\n"
	}
	if _, stderr, err := amamibot(t, e, "import", "talents", writeFile(t, "ok.csv", header+row("T1", "自己紹介"))); err != nil {
		t.Fatalf("import talents: %v\n%s", err, stderr)
	}
	huge := writeFile(t, "huge.csv", header+row("T2", "自己紹介")+row("T3", strings.Repeat("長", 1_000_000)))
	_, _, err := amamibot(t, e, "import", "talents", huge)
	if err == nil || !strings.Contains(err.Error(), "nothing imported: line 3: bio has 1000000 characters, more than the 4000 allowed") {
		t.Errorf("import of a 3 MB bio: %v, want it refused at line 3 with the reason", err)
	}
	openData(t, dir, func(st store.Store) {
		pool, err := st.Talents(t.Context())
		if err != nil || len(pool) != 1 || pool[0].ID != "T1" {
			t.Errorf("pool after the refused import: %v %v, want T1 alone", pool, err)
		}
	})
}
