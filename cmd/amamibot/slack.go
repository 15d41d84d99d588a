package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"

	slackbot "github.com/amamibot/amamibot/bot/slack"
	"github.com/amamibot/amamibot/store"
)

// wireSlack serves Slack's interactivity and slash commands, adds the jobs
// that post staff alerts, and runs Socket Mode when an app token is set.
func wireSlack(ctx context.Context, mux *http.ServeMux, workers *river.Workers, st store.Store, c config, logger *slog.Logger) error {
	app, err := slackbot.New(ctx, slackbot.Config{
		BotToken:      c.SlackBotToken,
		SigningSecret: c.SlackSigningSecret,
		ChannelID:     c.SlackChannelID,
		APIURL:        c.SlackAPIURL,
		Location:      c.Loc,
		Logger:        logger,
	}, st)
	if err != nil {
		return fmt.Errorf("slack: %w (check SLACK_BOT_TOKEN and SLACK_API_URL)", err)
	}
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
