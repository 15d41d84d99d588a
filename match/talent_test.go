package match

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const header = "id,display_name,headline,skills,categories,years_experience,work_style,region,hours_per_month,bio\n"

func TestReadTalentsCSV(t *testing.T) {
	// A spreadsheet export: byte-order mark, columns reordered, an extra
	// column, spaces around list items, a bio running over two lines.
	in := "\uFEFFbio,id,display_name,headline,skills,categories,years_experience,work_style,region,hours_per_month,memo\n" +
		`"島の事業者を支援しています。` + "\n" + `土日も対応します。",T1,山田 花子,EC支援のプロ, Shopify ; 楽天市場出店 ;,ec;marketing,12,remote,東京都,20,社内メモ` + "\n" +
		",T2,元 翔太,,MEO対策,,0,onsite,鹿児島県,0,\n"
	got, err := ReadTalentsCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Talent{
		{ID: "T1", DisplayName: "山田 花子", Headline: "EC支援のプロ", Skills: []string{"Shopify", "楽天市場出店"},
			Categories: []string{"ec", "marketing"}, YearsExperience: 12, WorkStyle: "remote", Region: "東京都",
			HoursPerMonth: 20, Bio: "島の事業者を支援しています。\n土日も対応します。"},
		{ID: "T2", DisplayName: "元 翔太", Skills: []string{"MEO対策"}, WorkStyle: "onsite", Region: "鹿児島県"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestReadTalentsCSVErrors(t *testing.T) {
	ok := "T1,佐藤 健,見出し,SEO対策,marketing,5,remote,東京都,20,自己紹介\n"
	for _, c := range []struct{ name, in, want string }{
		{"empty file", "", "line 1: empty file"},
		{"missing columns", "id,display_name,headline,skills,categories,years_experience,work_style,region\n",
			"line 1: header lacks column(s) hours_per_month, bio"},
		{"column twice", "id,id,display_name,headline,skills,categories,years_experience,work_style,region,hours_per_month,bio\n",
			`line 1: column "id" appears twice`},
		{"work style", header + ok + "T2,鈴木 愛,見出し,SEO対策,marketing,5,remote2,東京都,20,自己紹介\n",
			`line 3: work_style "remote2" must be remote, hybrid or onsite`},
		{"duplicate id", header + ok + strings.Replace(ok, "佐藤", "田中", 1),
			`line 3: id "T1" already used on line 2`},
		{"line numbers count the lines of a multi-line field", header +
			"T1,佐藤 健,見出し,SEO対策,marketing,5,remote,東京都,20,\"一行目\n二行目\"\n" +
			"T2,鈴木 愛,見出し,SEO対策,marketing,five,remote,東京都,20,自己紹介\n",
			`line 4: years_experience "five" must be a whole number from 0 to 80`},
		{"hours", header + strings.Replace(ok, ",20,", ",1000,", 1), `line 2: hours_per_month "1000" must be a whole number from 0 to 744`},
		{"empty id", header + strings.Replace(ok, "T1", "", 1), "line 2: id is empty"},
		{"empty name", header + strings.Replace(ok, "佐藤 健", " ", 1), "line 2: display_name is empty"},
		{"no skills", header + strings.Replace(ok, "SEO対策", ";", 1), "line 2: skills is empty"},
		{"category code", header + strings.Replace(ok, "marketing", "集客", 1), `line 2: category "集客" must be a code`},
		{"field count", header + "T1,佐藤 健,見出し\n", "line 2: wrong number of fields"},
		{"quotes", header + "T1,\"佐藤\" 健,見出し,SEO対策,marketing,5,remote,東京都,20,自己紹介\n", "line 2: "},
		{"not UTF-8", header + strings.Replace(ok, "佐藤 健", "\x83\x54\x83\x67\x83\x45", 1), "line 2: display_name is not valid UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadTalentsCSV(strings.NewReader(c.in))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error = %v, want one starting %q", err, c.want)
			}
			if got != nil {
				t.Errorf("returned %d talents with the error; want none", len(got))
			}
		})
	}
}

// A broken file is refused or read whole, never half.
func FuzzReadTalentsCSV(f *testing.F) {
	f.Add(header + "T1,佐藤 健,見出し,SEO対策,marketing,5,remote,東京都,20,自己紹介\n")
	f.Add(header + "T1,\"佐藤\n健\",,SEO対策;;,,0,hybrid,,0,\n")
	f.Fuzz(func(t *testing.T, in string) {
		ts, err := ReadTalentsCSV(strings.NewReader(in))
		if err != nil && ts != nil {
			t.Errorf("returned %d talents with the error %v", len(ts), err)
		}
		for _, tl := range ts {
			if tl.ID == "" || len(tl.Skills) == 0 {
				t.Errorf("accepted an invalid talent %+v", tl)
			}
		}
	})
}

// TestReadTalentsCSVLimits: a huge bio, a long field, too many rows and too
// large a file are each refused with the line and the reason, before the
// pool is built.
func TestReadTalentsCSVLimits(t *testing.T) {
	row := func(id, headline, bio string) string {
		return id + ",佐藤 健," + headline + ",SEO対策,marketing,5,remote,東京都,20," + bio + "\n"
	}
	many := func(n int, bio string) string {
		var b strings.Builder
		b.WriteString(header)
		for i := range n {
			b.WriteString(row(fmt.Sprintf("T%d", i), "見出し", bio))
		}
		return b.String()
	}
	for _, c := range []struct{ name, in, want string }{
		{"bio of 3 MB", header + row("T1", "見出し", "自己紹介") + row("T2", "見出し", strings.Repeat("長", 1_000_000)),
			"line 3: bio has 1000000 characters, more than the 4000 allowed"},
		{"long headline", header + row("T1", strings.Repeat("見", MaxFieldRunes+1), "自己紹介"),
			"line 2: headline has 401 characters, more than the 400 allowed"},
		{"too many rows", many(MaxTalents+1, "短い"), fmt.Sprintf("line %d: more than 50000 talents: split the file", MaxTalents+2)},
		{"file too large", many(MaxTalentBytes/(3*MaxBioRunes)+100, strings.Repeat("長", MaxBioRunes)), "the file is larger than 64 MB: split it"},
	} {
		_, err := ReadTalentsCSV(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	at := many(2, strings.Repeat("長", MaxBioRunes))
	if got, err := ReadTalentsCSV(strings.NewReader(at)); err != nil || len(got) != 2 {
		t.Errorf("bios of exactly %d characters: %d talents, %v; want both read", MaxBioRunes, len(got), err)
	}
}
