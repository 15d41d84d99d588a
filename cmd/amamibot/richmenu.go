package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/amamibot/amamibot/bot/line"
)

// richmenuCmd runs "richmenu apply": the rich menu the project ships becomes
// the channel's default, replacing the one an earlier apply made.
func richmenuCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "apply" {
		return fmt.Errorf("richmenu takes one subcommand: richmenu apply: %w", errUsage)
	}
	// Only the token and the endpoint matter here, so the rest of the
	// server's configuration (the secret, Slack, the store) is not required.
	token := getenv("LINE_CHANNEL_ACCESS_TOKEN")
	if token == "" {
		return errors.New("richmenu apply: LINE_CHANNEL_ACCESS_TOKEN is not set: copy the channel access token (long-lived) from the LINE Developers console, Messaging API tab")
	}
	base := orDefault(getenv("LINE_API_BASE_URL"), line.DefaultBaseURL)
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("richmenu apply: LINE_API_BASE_URL %q must be an http(s) URL such as https://api.line.me", base)
	}
	// Longer than the server's 10 s: the image is up to 1 MB.
	client := line.NewClient(token, base, &http.Client{Timeout: 30 * time.Second})
	applied, err := client.ApplyRichMenu(ctx)
	if err != nil {
		return fmt.Errorf("richmenu apply: %w", err)
	}
	fmt.Fprintf(stdout, "rich menu %s is now the default", applied.ID)
	if n := len(applied.Removed); n > 0 {
		fmt.Fprintf(stdout, "; deleted %d earlier one(s)", n)
	}
	fmt.Fprintln(stdout)
	return nil
}
