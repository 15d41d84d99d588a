package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot/console"
	slackbot "github.com/amamibot/amamibot/bot/slack"
	"github.com/amamibot/amamibot/store"
)

// wireConsole serves the console at /console/ when it is on: with serve
// --demo, or CONSOLE=on (CONSOLE=off turns it off in demo mode too).
// Outside demo mode it needs CONSOLE_TOKEN; with the token set, every
// request to the page must carry it.
//
// The console stands in for the platforms the operator did not configure,
// never for one that is: without LINE credentials it points c's LINE
// channel at its emulated LINE API, so that wireLINE, called after, wires
// the usual webhook and jobs; without SLACK_BOT_TOKEN it wires the Slack
// app against its emulated Slack. A real channel or workspace is left
// alone, and the page says so.
//
// Call it before wireLINE; call stop after the jobs have stopped.
func wireConsole(ctx context.Context, mux *http.ServeMux, workers *river.Workers, st store.Store, c *config,
	demo bool, getenv func(string) string, logger *slog.Logger) (stop func(), err error) {
	token := getenv("CONSOLE_TOKEN")
	switch getenv("CONSOLE") {
	case "on":
		if token == "" && !demo {
			return nil, errors.New("CONSOLE=on needs CONSOLE_TOKEN outside demo mode: anyone who reaches the console can act as your users and staff. " +
				"Set CONSOLE_TOKEN to a long random value (for example: openssl rand -hex 32) and open /console/?token=<that value>, or run serve --demo")
		}
	case "":
		if !demo {
			return func() {}, nil
		}
	case "off":
		return func() {}, nil
	default:
		return nil, fmt.Errorf("CONSOLE %q must be on or off (or unset: on with serve --demo only)", getenv("CONSOLE"))
	}

	con, err := console.New(console.Options{
		App:    mux,
		LINE:   !c.lineEnabled(),
		Slack:  getenv("SLACK_BOT_TOKEN") == "",
		Token:  token,
		Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	if creds, ok := con.LINE(); ok {
		c.LineSecret, c.LineToken, c.LineAPIBase = creds.ChannelSecret, creds.AccessToken, creds.APIBaseURL
	}
	if creds, ok := con.Slack(); ok {
		app, err := slackbot.New(ctx, slackbot.Config{
			BotToken:      creds.BotToken,
			SigningSecret: creds.SigningSecret,
			ChannelID:     creds.ChannelID,
			APIURL:        creds.APIURL,
			Location:      c.Loc,
			HTTPClient:    &http.Client{Timeout: 10 * time.Second},
			Logger:        logger,
		}, st)
		if err != nil {
			con.Close()
			return nil, fmt.Errorf("console: wire the Slack app to the emulated Slack: %w", err)
		}
		app.AddWorkers(workers)
		mux.Handle("POST /slack/actions", app.Actions())
		mux.Handle("POST /slack/commands", app.Commands())
	}
	mux.Handle("/console/", con.Handler())
	_, line := con.LINE()
	_, slack := con.Slack()
	logger.Info("console: on at /console/", "token_required", token != "", "line_emulated", line, "slack_emulated", slack)
	return func() {
		if err := con.Close(); err != nil {
			logger.Warn("console: stop the emulated APIs", "err", err)
		}
	}, nil
}
