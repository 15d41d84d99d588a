package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// announcePace is the time between two multicasts of any announcements,
// whichever replica sends them: 500 users a second stays far below LINE's
// rate limit and leaves room for the conversations' pushes.
const announcePace = time.Second

// announceCmd is `amamibot announce --topic セミナー --text-file F`: the
// announcement is fixed in batches and queued for the server's workers,
// which send it (so it works while a server runs on the same store).
func announceCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("announce", flag.ContinueOnError)
	topicName := fs.String("topic", "", "who hears it: セミナー, 求人・副業案件, ツアー・現地交流 or a business field (観光, IT・デジタル化, …)")
	textFile := fs.String("text-file", "", "the announcement's text, UTF-8")
	link := fs.String("link", "", "an https:// link written under the text")
	linkLabel := fs.String("link-label", "詳しくはこちら", "what is written before the link")
	seminar := fs.String("seminar", "", "the ID of a seminar whose sign-up a 「申し込む」 button opens")
	at := fs.String("at", "", "when to send, RFC 3339 (default: now)")
	dryRun := fs.Bool("dry-run", false, "print how many users it reaches and the message, and send nothing")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w: %w", fs.Name(), err, errUsage)
	}
	topic, ok := flows.TopicOf(*topicName)
	if !ok || *textFile == "" || fs.NArg() > 0 || *link != "" && *seminar != "" {
		return fmt.Errorf("announce needs a known --topic and --text-file, and at most one of --link and --seminar: %w", errUsage)
	}
	text, err := os.ReadFile(*textFile)
	if err != nil {
		return err
	}
	a := store.Announcement{Topic: topic, Text: strings.TrimSpace(string(text)), CreatedBy: "cli", CreatedAt: time.Now()}
	a.SendAt = a.CreatedAt
	if *at != "" {
		if a.SendAt, err = time.Parse(time.RFC3339, *at); err != nil {
			return fmt.Errorf("--at %q: want a time such as 2026-12-10T09:00:00+09:00", *at)
		}
	}
	switch {
	case *link != "":
		a.ButtonLabel, a.ButtonData = *linkLabel, *link
	case *seminar != "":
		b := flows.SignUpButton(*seminar)
		a.ButtonLabel, a.ButtonData = b.Label, b.Data
	}
	if problem := flows.AnnouncementProblem(a); problem != "" {
		return fmt.Errorf("%s: %s", *textFile, problem)
	}
	return withStore(ctx, getenv, logger, func(c config, st store.Store) error {
		if *seminar != "" {
			if _, err := st.Seminar(ctx, *seminar); err != nil {
				return fmt.Errorf("--seminar %q: %w (import it first)", *seminar, err)
			}
		}
		label := flows.TopicLabel(topic)
		if *dryRun {
			n, err := st.Audience(ctx, topic)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: %d users would get this announcement (dry run: nothing was sent)\n\n", label, n)
			writePreview(stdout, a)
			return nil
		}
		a, err := st.CreateAnnouncement(ctx, store.NewAnnouncement{Announcement: a, Pace: announcePace})
		if errors.Is(err, store.ErrNoAudience) {
			return fmt.Errorf("nobody is subscribed to %s: nothing was sent", label)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "announcement %d: %d users in %d batches, from %s; the server sends it\n",
			a.ID, a.Recipients, a.Batches, a.SendAt.In(c.Loc).Format(time.RFC3339))
		return nil
	})
}

// writePreview writes the message as users will see it.
func writePreview(w io.Writer, a store.Announcement) {
	for _, r := range flows.Announcement(a) {
		fmt.Fprintln(w, r.Text)
		for _, c := range r.Choices {
			fmt.Fprintf(w, "[%s]\n", c.Label)
		}
	}
}
