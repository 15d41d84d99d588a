package match

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// maxLineBytes bounds one input line of Suggest: a 5,000-character message
// is at most 20 kB of UTF-8, so a megabyte leaves room for any other fields.
const maxLineBytes = 1 << 20

// Suggest answers a batch of problem texts, the contract of `amamibot
// suggest` (docs/ARCHITECTURE.md §6): it reads JSON lines {"id": "...", "text": "..."}
// (other fields are ignored, blank lines skipped) and writes, in input order,
// one line {"id": "...", "candidates": [{"talent_id", "score", "reasons"}],
// "confidence": 0.67} with the k best professionals for each and how clearly
// the text named a need (Result.Confidence; below 0.5 the bot would first ask
// which field the problem is in). The whole input is read first, so
// that a malformed line stops the batch before anything is written, with an
// error naming its line number.
func Suggest(r io.Reader, w io.Writer, ix *Index, k int) error {
	queries, err := readSuggestQueries(r)
	if err != nil {
		return err
	}
	type candidate struct {
		TalentID string   `json:"talent_id"`
		Score    float64  `json:"score"`
		Reasons  []string `json:"reasons"`
	}
	type output struct {
		ID         string      `json:"id"`
		Candidates []candidate `json:"candidates"`
		Confidence float64     `json:"confidence"`
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, q := range queries {
		res := ix.Search(q.text, k)
		out := output{ID: q.id, Candidates: []candidate{}, Confidence: math.Round(res.Confidence*1e3) / 1e3}
		for _, c := range res.Candidates {
			out.Candidates = append(out.Candidates, candidate{
				TalentID: c.Talent.ID,
				Score:    math.Round(c.Score*1e4) / 1e4,
				Reasons:  c.Reasons,
			})
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing the answer to %q: %w", q.id, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing answers: %w", err)
	}
	return nil
}

type suggestQuery struct{ id, text string }

func readSuggestQueries(r io.Reader) ([]suggestQuery, error) {
	var input struct {
		ID   string  `json:"id"`
		Text *string `json:"text"`
	}
	var qs []suggestQuery
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		input.ID, input.Text = "", nil
		if err := json.Unmarshal(sc.Bytes(), &input); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		switch {
		case input.ID == "":
			return nil, fmt.Errorf(`line %d: "id" is missing or empty`, line)
		case input.Text == nil:
			return nil, fmt.Errorf(`line %d: "text" is missing`, line)
		}
		qs = append(qs, suggestQuery{input.ID, *input.Text})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", line+1, maxLineBytes)
		}
		return nil, fmt.Errorf("reading queries: %w", err)
	}
	return qs, nil
}
