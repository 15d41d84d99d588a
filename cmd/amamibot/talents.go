package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// liveIndex is the talent index the flows search. It follows the pool in the
// store, so an import on any replica reaches every replica within
// followEvery.
type liveIndex struct {
	ix      atomic.Pointer[match.Index]
	version int64 // of the pool ix was built from; only refresh touches it
}

const followEvery = 5 * time.Second

func (l *liveIndex) Search(text string, k int) match.Result { return l.ix.Load().Search(text, k) }

func (l *liveIndex) SearchCategory(text, category string, k int) match.Result {
	return l.ix.Load().SearchCategory(text, category, k)
}

// refresh rebuilds the index when the pool or the accepted lexicon rows
// have changed since the last build.
func (l *liveIndex) refresh(ctx context.Context, st store.Talents) error {
	v, err := st.TalentsVersion(ctx)
	if err != nil {
		return fmt.Errorf("talent pool version: %w", err)
	}
	if l.ix.Load() != nil && v == l.version {
		return nil
	}
	talents, err := st.Talents(ctx)
	if err != nil {
		return fmt.Errorf("load talent pool: %w", err)
	}
	ix, err := newIndex(ctx, st, talents)
	if err != nil {
		return err
	}
	l.ix.Store(ix)
	l.version = v
	return nil
}

// newIndex indexes talents with the shipped lexicon and the rows staff
// accepted (amamibot import lexicon).
func newIndex(ctx context.Context, st store.Talents, talents []match.Talent) (*match.Index, error) {
	rows, err := st.LexiconAdditions(ctx)
	if err != nil {
		return nil, err
	}
	lex, err := match.ParseLexicon(rows)
	if err != nil {
		// Checked when imported; a new build may have renamed a word group
		// they use. Import them again, corrected.
		return nil, fmt.Errorf("the imported lexicon rows no longer parse (fix them and run amamibot import lexicon again): %w", err)
	}
	return lex.NewIndex(talents), nil
}

// follow refreshes the index until ctx ends.
func (l *liveIndex) follow(ctx context.Context, st store.Talents, logger *slog.Logger) {
	tick := time.NewTicker(followEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			before := l.version
			if err := l.refresh(ctx, st); err != nil {
				logger.WarnContext(ctx, "talent index not refreshed", "err", err)
			} else if l.version != before {
				logger.InfoContext(ctx, "talent index rebuilt", "talents", l.ix.Load().Len(), "version", l.version)
			}
		}
	}
}

// importTalents reads a talents CSV (a bad line imports nothing) and
// replaces or adds its rows in the pool.
func importTalents(ctx context.Context, st store.Store, file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	talents, err := match.ReadTalentsCSV(f)
	if err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	if err := st.UpsertTalents(ctx, talents); err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	return len(talents), nil
}
