package main

import (
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/store"
)

// wireLINE serves the LINE webhook and adds the jobs that answer it and
// push staff's hand-off replies; the client names users for Slack. The
// turns run right after the webhook's acknowledgement, in this process,
// until Stop (the store was opened with store.Options.TurnsInProcess and
// line.SweepJob).
func wireLINE(mux *http.ServeMux, workers *river.Workers, st store.Store, runner *bot.Runner, c config, logger *slog.Logger) (*line.Client, *line.Turns) {
	client := line.NewClient(c.LineToken, c.LineAPIBase, nil)
	turns := line.StartTurns(workers, line.AddWorkers(workers, st, runner, client, logger), c.TurnWorkers, turnQueue)
	line.AddHandoffWorkers(workers, st, runner.Flows, client, logger)
	mux.Handle("POST /line/webhook", &line.Webhook{Secret: c.LineSecret, Inbox: st, Logger: logger, Turns: turns})
	return client, turns
}

// turnQueue is how many users may wait for an in-process turn; the events
// of others are their jobs' (a burst that large is minutes of work).
const turnQueue = 10_000
