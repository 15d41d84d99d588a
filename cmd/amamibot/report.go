package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/amamibot/amamibot/chart"
	"github.com/amamibot/amamibot/store"
)

// reportCmd is `amamibot report [--png FILE]`: the programme's figures by
// month as a table, and the funnel over all months as a PNG chart.
func reportCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	pngFile := fs.String("png", "", "also draw the funnel as a PNG chart into FILE")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("report takes only --png FILE: %w", errUsage)
	}
	return withStore(ctx, getenv, logger, func(c config, st store.Store) error {
		months, err := st.Months(ctx, c.Loc)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "month\trequests\tapproved\tconsultations\tstarted\tcontinuing\tregistrations\tattended\tno-shows\tasked\tanswered\t")
		for _, m := range months {
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", m.Month, m.Requests, m.Approved, m.Consultations, m.Started, m.Continuing,
				m.Registrations, m.Attended, m.NoShows, m.Asked, m.Answered)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if *pngFile == "" {
			return nil
		}
		var b bytes.Buffer
		if err := chart.Funnel(months).Draw(&b); err != nil {
			return err
		}
		return os.WriteFile(*pngFile, b.Bytes(), 0o644)
	})
}
