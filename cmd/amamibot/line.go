package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/store"
)

// wireLINE serves the LINE webhook and adds the jobs that answer it and
// push staff's hand-off replies; the client names users for Slack.
func wireLINE(mux *http.ServeMux, workers *river.Workers, st store.Store, runner *bot.Runner, c config, logger *slog.Logger) *line.Client {
	client := line.NewClient(c.LineToken, c.LineAPIBase, &http.Client{Timeout: 10 * time.Second})
	line.AddWorkers(workers, st, runner, client, logger)
	line.AddHandoffWorkers(workers, st, runner.Flows, client, logger)
	mux.Handle("POST /line/webhook", &line.Webhook{Secret: c.LineSecret, Inbox: st, Logger: logger})
	return client
}
