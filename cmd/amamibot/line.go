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

// wireLINE serves the LINE webhook and adds the jobs that answer it.
func wireLINE(mux *http.ServeMux, workers *river.Workers, st store.Store, runner *bot.Runner, c config, logger *slog.Logger) {
	client := line.NewClient(c.LineToken, c.LineAPIBase, &http.Client{Timeout: 10 * time.Second})
	line.AddWorkers(workers, st, runner, client, logger)
	mux.Handle("POST /line/webhook", &line.Webhook{Secret: c.LineSecret, Inbox: st, Logger: logger})
}
