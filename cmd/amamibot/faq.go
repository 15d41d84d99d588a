package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/amamibot/amamibot/store"
)

var (
	faqColumns = []string{"id", "questions", "answer"}
)

func parseFAQ(rec []string) (store.FAQ, error) {
	f := store.FAQ{ID: strings.TrimSpace(rec[0]), Answer: strings.TrimSpace(rec[2])}
	for q := range strings.SplitSeq(rec[1], ";") {
		if q = strings.TrimSpace(q); q != "" {
			f.Questions = append(f.Questions, q)
		}
	}
	switch {
	case f.ID == "":
		return f, errors.New("id is empty")
	case len(f.Questions) == 0:
		return f, errors.New("questions is empty: give one or more example phrasings, separated by ;")
	case f.Answer == "":
		return f, errors.New("answer is empty")
	}
	return f, nil
}

// importFAQ reads an FAQ CSV (a bad line imports nothing) and creates or
// updates its rows; the bot answers from them at once.
func importFAQ(ctx context.Context, st store.Store, file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := readRows(f, faqColumns, parseFAQ, func(f store.FAQ) string { return f.ID })
	if err != nil {
		return 0, fmt.Errorf("%s: nothing imported:\n%w", file, err)
	}
	if err := st.UpsertFAQs(ctx, values(rows)); err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	return len(rows), nil
}
