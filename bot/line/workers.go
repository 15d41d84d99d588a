package line

import (
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/store"
)

// AddWorkers adds the LINE channel's job workers to the store's bundle:
// turns, their outbox, pushes, reminders, waitlist promotions and offers,
// staff decisions, consultation reminders, announcements and follow-ups. It
// returns the turn worker, for StartTurns.
func AddWorkers(workers *river.Workers, st store.Store, runner *bot.Runner, client *Client, logger *slog.Logger) *TurnWorker {
	turns := &TurnWorker{Store: st, Runner: runner, Client: client, Logger: logger}
	river.AddWorker(workers, turns)
	river.AddWorker(workers, &ReplyWorker{Client: client, Logger: logger})
	river.AddWorker(workers, &PushWorker{Client: client, Logger: logger})
	n := Notifier{Registrations: st, Flows: runner.Flows, Client: client, Logger: logger}
	river.AddWorker(workers, &ReminderWorker{Notifier: n})
	river.AddWorker(workers, &PromotedWorker{Notifier: n})
	river.AddWorker(workers, &OfferWorker{Notifier: n})
	river.AddWorker(workers, &DecisionWorker{Store: st, Flows: runner.Flows, Funnel: runner.Flows.Funnel, Client: client, Logger: logger})
	river.AddWorker(workers, &BookingReminderWorker{Bookings: st, Flows: runner.Flows, Client: client, Logger: logger})
	river.AddWorker(workers, &AnnounceWorker{Store: st, Client: client, Logger: logger})
	river.AddWorker(workers, &FollowupWorker{Store: st, Client: client, Logger: logger})
	river.AddWorker(workers, &FollowupScanWorker{Store: st, Logger: logger})
	return turns
}
