package match

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	in := `{"id": "q1", "text": "インスタのフォロワーを増やしたい", "relevant": {"marketing": 2}}

{"id": "q2", "text": ""}
{"id": "q3", "text": "ﾎｰﾑﾍﾟｰｼﾞを作りたい", "extra": [1, 2]}
{"id": "q4", "text": "どうしたらいいか分からなくて"}
`
	var out strings.Builder
	if err := Suggest(strings.NewReader(in), &out, demoIndex(), 3); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		ID         string   `json:"id"`
		Confidence *float64 `json:"confidence"`
		Candidates []struct {
			TalentID string   `json:"talent_id"`
			Score    float64  `json:"score"`
			Reasons  []string `json:"reasons"`
		} `json:"candidates"`
	}
	var got []answer
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var a answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		got = append(got, a)
	}
	if len(got) != 4 || got[0].ID != "q1" || got[1].ID != "q2" || got[2].ID != "q3" || got[3].ID != "q4" {
		t.Fatalf("answers %+v, want q1 to q4 in order", got)
	}
	// Every text is ranked; the confidence says which ones the bot would
	// first ask about.
	for i, want := range []string{"sure", "none", "sure", "unsure"} {
		c := got[i].Confidence
		if c == nil || want == "sure" && *c < 0.5 || want == "none" && *c != 0 || want == "unsure" && (*c >= 0.5 || *c < 0) {
			t.Errorf("%s: confidence %v, want %s", got[i].ID, c, want)
		}
	}
	for _, a := range []answer{got[0], got[2], got[3]} {
		if len(a.Candidates) != 3 {
			t.Errorf("%s: %d candidates, want 3", a.ID, len(a.Candidates))
		}
		for _, c := range a.Candidates {
			if c.TalentID == "" || c.Score <= 0 || len(c.Reasons) == 0 {
				t.Errorf("%s: candidate %+v lacks an id, a score or a reason", a.ID, c)
			}
		}
	}
	// No candidates is an empty list, not null: callers index into it.
	if !strings.Contains(out.String(), `{"id":"q2","candidates":[],`) {
		t.Errorf("empty answer for q2 not written as []: %s", out.String())
	}
}

func TestSuggestRejectsMalformedLines(t *testing.T) {
	ok := `{"id": "q1", "text": "求人"}` + "\n"
	for _, c := range []struct{ in, want string }{
		{ok + "{\"id\": \"q2\", \"text\": \n", "line 2: "},
		{ok + "\n" + `["q3", "送料"]` + "\n", "line 3: "},
		{ok + `{"text": "送料"}` + "\n", `line 2: "id" is missing`},
		{ok + `{"id": "q2"}` + "\n", `line 2: "text" is missing`},
		{ok + `{"id": "q2", "text": 5}` + "\n", "line 2: "},
		{ok + `{"id": "q2", "text": "` + strings.Repeat("あ", maxLineBytes/3+1) + `"}` + "\n", "line 2: longer than"},
	} {
		var out strings.Builder
		err := Suggest(strings.NewReader(c.in), &out, demoIndex(), 5)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Suggest(%.40q…) = %v, want an error starting %q", c.in, err, c.want)
		}
		if out.Len() > 0 {
			t.Errorf("Suggest(%.40q…) wrote %q before failing; want nothing", c.in, out.String())
		}
	}
}
