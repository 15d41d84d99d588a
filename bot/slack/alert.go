package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// alertWorker posts a new introduction request to the staff channel
// (store.IntroAlertArgs) and records where, once: a request whose alert is
// recorded is not posted again, and a retry first looks for a post of an
// earlier attempt that could not be recorded.
type alertWorker struct {
	river.WorkerDefaults[store.IntroAlertArgs]
	*App
}

func (w *alertWorker) Work(ctx context.Context, job *river.Job[store.IntroAlertArgs]) error {
	id := job.Args.IntroductionID
	in, err := w.store.Introduction(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		w.logger.WarnContext(ctx, "slack alert: request gone, skipped", "introduction", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack alert: introduction %d: %w", id, err)
	}
	if in.AlertTS != "" {
		// Posted and recorded by an earlier attempt that failed after;
		// make sure the post shows a decision taken since.
		return w.update(ctx, in)
	}
	talent, err := w.talent(ctx, in.TalentID)
	if err != nil {
		return err
	}

	// A first attempt cannot have posted. A later one may have: Slack's
	// answer lost on the way, or SetAlert failing after the post. (A 429
	// snoozes without counting an attempt, and posted nothing.)
	channel, ts, shown := w.channel, "", in.Status
	if job.Attempt > 1 {
		ts, err = w.findPost(ctx, in.CreatedAt, metaAlert, map[string]string{"introduction_id": strconv.FormatInt(id, 10)})
		if err != nil {
			return w.failed(ctx, "slack alert: look for an earlier post", err)
		}
		shown = "" // what the earlier post shows is not known
	}
	if ts == "" {
		// A request decided before its alert is posted with the outcome.
		channel, ts, err = w.client.PostMessageContext(ctx, w.channel, alertMessage(in, talent, w.loc).options()...)
		if err != nil {
			return w.failed(ctx, "slack alert: chat.postMessage", err)
		}
		shown = in.Status
	}
	if err := w.store.SetAlert(ctx, id, channel, ts); err != nil {
		return fmt.Errorf("slack alert: introduction %d: record the post: %w", id, err)
	}

	// A decision taken while the alert was being posted found no alert to
	// update (its AlertUpdateArgs job did nothing): show it now. A decision
	// taken after SetAlert is its own job's to show.
	if in, err = w.store.Introduction(ctx, id); err != nil {
		return fmt.Errorf("slack alert: introduction %d: %w", id, err)
	}
	if in.Status == store.Pending || in.Status == shown {
		return nil
	}
	return w.updateWith(ctx, in, talent)
}

// alertUpdateWorker replaces a decided request's buttons with the outcome,
// who and when (store.AlertUpdateArgs). Updating twice shows the same.
type alertUpdateWorker struct {
	river.WorkerDefaults[store.AlertUpdateArgs]
	*App
}

func (w *alertUpdateWorker) Work(ctx context.Context, job *river.Job[store.AlertUpdateArgs]) error {
	id := job.Args.IntroductionID
	in, err := w.store.Introduction(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		w.logger.WarnContext(ctx, "slack alert update: request gone, skipped", "introduction", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack alert update: introduction %d: %w", id, err)
	}
	if in.AlertTS == "" {
		w.logger.DebugContext(ctx, "slack alert update: not posted yet; the alert job shows the outcome", "introduction", id)
		return nil
	}
	return w.update(ctx, in)
}

// update makes a decided request's alert show the outcome; a pending one's
// alert already shows the buttons.
func (a *App) update(ctx context.Context, in store.Introduction) error {
	if in.Status == store.Pending {
		return nil
	}
	talent, err := a.talent(ctx, in.TalentID)
	if err != nil {
		return err
	}
	return a.updateWith(ctx, in, talent)
}

func (a *App) updateWith(ctx context.Context, in store.Introduction, talent match.Talent) error {
	_, _, _, err := a.client.UpdateMessageContext(ctx, in.AlertChannel, in.AlertTS, alertMessage(in, talent, a.loc).options()...)
	var rejected slack.SlackErrorResponse
	if errors.As(err, &rejected) && (rejected.Err == "message_not_found" || rejected.Err == "cant_update_message") {
		// Someone deleted the alert: there is nothing left to update.
		a.logger.WarnContext(ctx, "slack alert update: alert gone, skipped", "introduction", in.ID, "err", rejected.Err)
		return nil
	}
	if err != nil {
		return a.failed(ctx, "slack alert update: chat.update", err)
	}
	return nil
}

// talent returns the request's professional, or a zero Talent when the
// pool no longer has them (the alert then shows the ID).
func (a *App) talent(ctx context.Context, id string) (match.Talent, error) {
	t, err := a.store.Talent(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return match.Talent{}, fmt.Errorf("slack: talent %q: %w", id, err)
	}
	return t, nil
}

// ownerText says who the owner is: the company with the owner's name, or the
// name alone for an owner without one (「なし」); （未登録） when neither is known.
func ownerText(o store.Owner) string {
	name, company := field(strings.TrimSpace(o.Name)), field(strings.TrimSpace(o.Company))
	switch {
	case company != "" && name != "":
		return company + "（" + name + "）"
	case company != "":
		return company
	}
	return orUnknown(name)
}
