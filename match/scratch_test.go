package match

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestScratch(t *testing.T) {
	f, _ := os.Open("/work/shared/eval/suggest/talents.csv")
	ts, err := ReadTalentsCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	LoadTokenizer()
	fmt.Println("load", time.Since(t0))
	t0 = time.Now()
	ix := NewIndex(ts)
	fmt.Println("build", time.Since(t0))
	q, _ := os.Open(os.Getenv("Q"))
	out, _ := os.Create("/tmp/results.jsonl")
	t0 = time.Now()
	if err := Suggest(q, out, ix, 5); err != nil {
		t.Fatal(err)
	}
	fmt.Println("suggest", time.Since(t0))
	out.Close()
}
