package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"
)

// failed turns a failed Slack call of a job into what River should do with
// the job: wait out a 429 without spending an attempt; give up on a request
// Slack will never accept as it is; retry anything else with River's backoff
// — Slack down, a time-out, or a revoked token or missing channel membership
// that the operator can fix — so that the message is late, never lost.
func (a *App) failed(ctx context.Context, what string, err error) error {
	var limited *slack.RateLimitedError
	var status slack.StatusCodeError
	var rejected slack.SlackErrorResponse
	switch {
	case errors.As(err, &limited):
		wait := max(limited.RetryAfter, time.Second)
		a.logger.WarnContext(ctx, "slack: rate limited, snoozing", "op", what, "wait", wait)
		return river.JobSnooze(wait)
	case errors.As(err, &status) && status.Code == http.StatusTooManyRequests:
		a.logger.WarnContext(ctx, "slack: rate limited without Retry-After, snoozing", "op", what)
		return river.JobSnooze(time.Minute)
	case errors.As(err, &rejected) && badRequest[rejected.Err]:
		a.logger.ErrorContext(ctx, "slack: request rejected, giving up", "op", what, "err", rejected.Err)
		return river.JobCancel(fmt.Errorf("%s: %w", what, err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// badRequest are Slack's answers about the request itself: no retry changes
// them, and the bug is ours.
var badRequest = map[string]bool{
	"invalid_arguments":       true,
	"invalid_blocks":          true,
	"invalid_blocks_format":   true,
	"invalid_metadata_format": true,
	"invalid_metadata_schema": true,
	"metadata_too_large":      true,
	"msg_too_long":            true,
	"no_text":                 true,
}

// findPost looks in the staff channel's history, from since on, for the
// app's post whose metadata is of eventType and carries every key and value
// of want, and returns its timestamp, or "" when there is none. It is how a
// retried job learns that an earlier attempt did post, since Slack has no
// idempotency key. Without the scope to read the history it reports none.
func (a *App) findPost(ctx context.Context, since time.Time, eventType string, want map[string]string) (string, error) {
	params := &slack.GetConversationHistoryParameters{
		ChannelID:          a.channel,
		Oldest:             timestamp(since.Add(-historyMargin)),
		Limit:              200,
		IncludeAllMetadata: true,
	}
	for {
		res, err := a.client.GetConversationHistoryContext(ctx, params)
		var rejected slack.SlackErrorResponse
		if errors.As(err, &rejected) && rejected.Err == "missing_scope" {
			// Better a duplicate than a post never made.
			a.logger.ErrorContext(ctx, "slack: cannot read the staff channel's history, so a retried post may repeat an earlier one: "+
				"give the app the channels:history scope (groups:history for a private channel)", "needed", rejected.Needed)
			return "", nil
		}
		if err != nil {
			return "", err
		}
		for _, m := range res.Messages {
			if m.Metadata.EventType == eventType && carries(m.Metadata.EventPayload, want) {
				return m.Timestamp, nil
			}
		}
		if !res.HasMore || res.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		params.Cursor = res.ResponseMetaData.NextCursor
	}
}

// historyMargin widens the history searched, for clocks (ours, the
// database's, Slack's) that disagree.
const historyMargin = 10 * time.Minute

func carries(payload map[string]any, want map[string]string) bool {
	for k, v := range want {
		if s, ok := payload[k].(string); !ok || s != v {
			return false
		}
	}
	return true
}

// timestamp is t as a Slack message timestamp: seconds.microseconds.
func timestamp(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}
