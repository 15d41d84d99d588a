package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	slackbot "github.com/amamibot/amamibot/bot/slack"
	"github.com/amamibot/amamibot/store"
)

// wireSlack serves Slack's interactivity and slash commands, adds the jobs
// that post staff alerts, and runs Socket Mode when an app token is set.
func wireSlack(ctx context.Context, mux *http.ServeMux, workers *river.Workers, st store.Store, c config, logger *slog.Logger, profiles slackbot.Profiles, handoffs slackbot.HandoffMetrics) error {
	app, err := slackbot.New(ctx, slackbot.Config{
		BotToken:      c.SlackBotToken,
		SigningSecret: c.SlackSigningSecret,
		ChannelID:     c.SlackChannelID,
		APIURL:        c.SlackAPIURL,
		Location:      c.Loc,
		Logger:        logger,

		AnnounceSecondStaff: c.AnnounceSecondStaff,
	}, st)
	var refused slack.SlackErrorResponse
	switch {
	case errors.As(err, &refused):
		// Slack answered, and refused the token: the configuration is wrong.
		return fmt.Errorf("%w (check SLACK_BOT_TOKEN)", err)
	case err != nil:
		// Slack did not answer. LINE must not go down with it: run without
		// Slack; the alerts wait in the job queue for a server that has it.
		logger.Error("Slack unreachable at start: running without Slack until the next restart; introduction alerts wait in the job queue", "err", err)
		return nil
	}
	app.SetHandoffs(profiles, handoffs)
	app.AddWorkers(workers)
	mux.Handle("POST /slack/actions", app.Actions())
	mux.Handle("POST /slack/commands", app.Commands())
	mux.Handle("POST /slack/events", app.Events())
	if c.SlackAppToken != "" {
		go func() {
			if err := app.RunSocketMode(ctx, c.SlackAppToken); err != nil {
				logger.Error("slack socket mode stopped", "err", err)
			}
		}()
	}
	return nil
}
