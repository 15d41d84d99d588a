package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// lexiconCmd runs `amamibot lexicon suggest`: lexicon rows proposed from
// what owners and staff did (store.Signal), for staff or a developer to
// read and accept: into a file that `amamibot import lexicon` applies on
// every replica within seconds, or into match/lexicon.tsv for the next
// build.
func lexiconCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("lexicon suggest", flag.ContinueOnError)
	minOwners := fs.Int("min-owners", 2, "owners a row must rest on")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if len(args) == 0 || args[0] != "suggest" {
		return fmt.Errorf("lexicon takes one command, suggest: %w", errUsage)
	}
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *minOwners < 1 {
		return fmt.Errorf("lexicon suggest [--min-owners N]: %w", errUsage)
	}
	return withStore(ctx, getenv, logger, func(_ config, st store.Store) error {
		signals, err := st.AllSignals(ctx)
		if err != nil {
			return err
		}
		pool, err := st.Talents(ctx)
		if err != nil {
			return err
		}
		lessons, names, err := lessonsOf(ctx, st, signals)
		if err != nil {
			return err
		}
		for _, t := range pool {
			names = append(names, t.DisplayName)
		}
		ix, err := newIndex(ctx, st, pool)
		if err != nil {
			return err
		}
		rows := ix.ProposeLexicon(lessons, names, *minOwners)
		return writeProposals(stdout, rows, len(signals), *minOwners)
	})
}

// lessonsOf turns signals into the matcher's lessons, and lists the names
// and companies of the owners who gave them, to keep out of the proposals.
func lessonsOf(ctx context.Context, st store.Store, signals []store.Signal) ([]match.Lesson, []string, error) {
	var lessons []match.Lesson
	var names []string
	seen := map[string]bool{}
	for _, s := range signals {
		lessons = append(lessons, match.Lesson{
			Owner: s.UserID, Text: s.Problem, Category: s.Category, TalentID: s.TalentID,
			Fits: s.Kind == store.SignalField || s.Kind == store.SignalBooked,
		})
		if seen[s.UserID] {
			continue
		}
		seen[s.UserID] = true
		o, err := st.Owner(ctx, s.UserID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
		}
		names = append(names, o.Name, o.Company)
	}
	return lessons, names, nil
}

// writeProposals writes the rows in lexicon.tsv's format, each under a
// comment saying what it rests on.
func writeProposals(w io.Writer, rows []match.LexiconRow, signals, minOwners int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# amamibot lexicon suggest: %d rows from %d signals (each resting on at least %d owners).\n", len(rows), signals, minOwners)
	b.WriteString("# Read each row; copy those that are right into match/lexicon.tsv under their field. Names, contacts and\n")
	b.WriteString("# numbers are masked in the examples. The rows apply once the server is built and restarted.\n")
	for _, r := range rows {
		var ex []string
		for _, e := range r.Examples {
			ex = append(ex, "「"+strings.Join(strings.Fields(e), " ")+"」")
		}
		fmt.Fprintf(&b, "\n# %s → %s（%s）: %d owners for, %d against; e.g. %s\n", r.Phrase, r.Skill, match.CategoryLabel(r.Category),
			r.Owners, r.Against, strings.Join(ex, " "))
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", r.Phrase, r.Skill, r.Category, strconv.FormatFloat(r.Weight, 'g', -1, 64))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxLexiconBytes bounds an imported lexicon file: rows are short, and
// every replica parses them whenever it rebuilds its index.
const maxLexiconBytes = 1 << 20

// importLexicon replaces the accepted lexicon rows with the file's, once
// they parse (match.ParseLexicon), and returns how many rows it holds.
func importLexicon(ctx context.Context, st store.Store, file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLexiconBytes+1))
	if err != nil {
		return 0, err
	}
	if len(data) > maxLexiconBytes {
		return 0, fmt.Errorf("%s: nothing imported: larger than %d bytes", file, maxLexiconBytes)
	}
	if !utf8.Valid(data) {
		return 0, fmt.Errorf("%s: nothing imported: not UTF-8 text", file)
	}
	if _, err := match.ParseLexicon(string(data)); err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	if err := st.SetLexiconAdditions(ctx, string(data)); err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	n := 0
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	return n, nil
}
