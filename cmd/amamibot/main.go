// Command amamibot runs the Amami Islands programme's LINE assistant.
//
//	amamibot [serve [--demo]]        run the server (the default)
//	amamibot migrate                 apply database migrations
//	amamibot import seminars FILE    create or update seminars from CSV
//	amamibot import talents FILE     create or update the professionals pool from CSV
//	amamibot import slots FILE       create or update consultation slots from CSV
//	amamibot import faq FILE         create or update the FAQ from CSV
//	amamibot import lexicon FILE     replace the accepted lexicon rows (lexicon.tsv's format)
//	amamibot export [--excel] registrations|bookings|matches|questions   write records as CSV to stdout
//	amamibot suggest --talents FILE  rank professionals for JSONL queries on stdin
//	amamibot lexicon suggest         propose lexicon rows from what owners and staff did
//	amamibot healthcheck             exit 0 when the local server is alive (for containers)
//	amamibot richmenu apply          make the shipped rich menu the LINE channel's default
//	amamibot announce --topic T --text-file F [--dry-run]  send an announcement to the topic's subscribers
//	amamibot report [--png FILE]     the programme's figures by month, and the funnel as a chart
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the display zone must load in minimal containers too
)

const usage = `usage:
  amamibot [serve [--demo]]        run the server (the default command)
  amamibot migrate                 apply database migrations and exit
  amamibot import seminars FILE    create or update seminars from a CSV file
  amamibot import talents FILE     create or update the professionals pool from a CSV file
  amamibot import slots FILE       create or update consultation slots from a CSV file
  amamibot import faq FILE         create or update the FAQ (id,questions,answer) from a CSV file
  amamibot import lexicon FILE     replace the accepted lexicon rows (match/lexicon.tsv's format;
                                   amamibot lexicon suggest proposes them); every server applies them
  amamibot export [--excel] registrations  write all seminar registrations as CSV to stdout
  amamibot export [--excel] bookings       write all consultation bookings as CSV to stdout
  amamibot export [--excel] matches        write all introduction requests and decisions as CSV to stdout
  amamibot export [--excel] questions      write the questions kept for staff as CSV to stdout
  amamibot suggest --talents FILE [--k 5] < queries.jsonl > results.jsonl
  amamibot lexicon suggest [--min-owners 2]  propose lexicon rows from owners' choices and staff decisions
  amamibot healthcheck             exit 0 when the server on ADDR is alive
  amamibot richmenu apply          create the LINE rich menu and make it the default
  amamibot announce --topic TOPIC --text-file FILE [--link URL [--link-label L] | --seminar ID] [--at TIME] [--dry-run]
                                   send an announcement to the users who chose TOPIC
                                   (セミナー, 求人・副業案件, ツアー・現地交流 or a business field)
  amamibot report [--png FILE]     print the programme's figures by month; --png draws the funnel
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "amamibot:", err)
		os.Exit(1)
	}
}

// errUsage marks a command line that is not understood.
var errUsage = errors.New("see the usage above")

// run is main without the process: testable with its own environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	logger := slog.New(requestLogs{slog.NewTextHandler(stderr, nil)})
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, getenv, logger)
	case "migrate":
		err = migrate(ctx, args, getenv, logger)
	case "import":
		err = importCmd(ctx, args, getenv, stdout, logger)
	case "export":
		err = exportCmd(ctx, args, getenv, stdout, logger)
	case "suggest":
		err = suggest(args, stdin, stdout)
	case "lexicon":
		err = lexiconCmd(ctx, args, getenv, stdout, logger)
	case "healthcheck":
		err = healthcheck(ctx, getenv)
	case "richmenu":
		err = richmenuCmd(ctx, args, getenv, stdout)
	case "announce":
		err = announceCmd(ctx, args, getenv, stdout, logger)
	case "report":
		err = reportCmd(ctx, args, getenv, stdout, logger)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		err = fmt.Errorf("unknown command %q: %w", cmd, errUsage)
	}
	if errors.Is(err, errUsage) {
		fmt.Fprint(stderr, usage)
	}
	return err
}
