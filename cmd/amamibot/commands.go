package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
	"github.com/amamibot/amamibot/store/sqlite"
)

// openStore opens the backend the configuration names: Postgres when
// DATABASE_URL is set, else the embedded store in DATA_DIR. Opening applies
// migrations.
func openStore(ctx context.Context, c config, opts store.Options) (store.Store, error) {
	if c.DatabaseURL != "" {
		return postgres.Open(ctx, c.DatabaseURL, opts)
	}
	return sqlite.Open(ctx, c.DataDir, opts)
}

// withStore runs f on the configured store, for the one-shot commands.
func withStore(ctx context.Context, getenv func(string) string, logger *slog.Logger, f func(config, store.Store) error) error {
	c, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c, store.Options{Logger: logger, Reminders: c.Reminders, OfferWindow: c.OfferWindow})
	if err != nil {
		return err
	}
	defer st.Close()
	return f(c, st)
}

func migrate(ctx context.Context, args []string, getenv func(string) string, logger *slog.Logger) error {
	if len(args) > 0 {
		return fmt.Errorf("migrate takes no arguments: %w", errUsage)
	}
	return withStore(ctx, getenv, logger, func(_ config, st store.Store) error {
		logger.Info("migrations applied", "store", st.Backend())
		return nil
	})
}

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	importers := map[string]func(context.Context, store.Store, string) (int, error){
		"seminars": importSeminars,
		"talents":  importTalents,
		"slots":    importSlots,
		"faq":      importFAQ,
		"lexicon":  importLexicon,
	}
	if len(args) != 2 || importers[args[0]] == nil {
		return fmt.Errorf("import needs a kind (seminars, talents, slots, faq or lexicon) and a file, such as: import seminars seminars.csv: %w", errUsage)
	}
	return withStore(ctx, getenv, logger, func(_ config, st store.Store) error {
		n, err := importers[args[0]](ctx, st, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %d %s from %s\n", n, args[0], args[1])
		return nil
	})
}

func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	excel := fs.Bool("excel", false, "write for Excel: a UTF-8 BOM and CRLF line ends")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w: %w", fs.Name(), err, errUsage)
	}
	args = fs.Args()
	if len(args) != 1 || export.Kinds[args[0]] == nil {
		return fmt.Errorf("export needs what to export (registrations, bookings, matches or questions), such as: export [--excel] registrations: %w", errUsage)
	}
	return withStore(ctx, getenv, logger, func(c config, st store.Store) error {
		table, err := export.Kinds[args[0]](ctx, st, c.Loc, "")
		if err != nil {
			return err
		}
		return table.Write(stdout, *excel)
	})
}

func suggest(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("suggest", flag.ContinueOnError)
	talents := fs.String("talents", "", "talent pool CSV (docs/ARCHITECTURE.md §6)")
	k := fs.Int("k", 5, "candidates per query")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w: %w", fs.Name(), err, errUsage)
	}
	if *talents == "" || *k < 1 {
		return fmt.Errorf("suggest needs --talents FILE and --k of at least 1: %w", errUsage)
	}
	f, err := os.Open(*talents)
	if err != nil {
		return err
	}
	defer f.Close()
	pool, err := match.ReadTalentsCSV(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *talents, err)
	}
	return match.Suggest(stdin, stdout, match.NewIndex(pool), *k)
}
