package line

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// PushWorker sends a prepared push (store.PushArgs), typically the fallback
// of a reply that could not be used.
type PushWorker struct {
	river.WorkerDefaults[store.PushArgs]
	Client *Client
	Logger *slog.Logger
}

func (w *PushWorker) Work(ctx context.Context, job *river.Job[store.PushArgs]) error {
	msgs, err := rawMessages(job.Args.Messages)
	if err != nil {
		return river.JobCancel(fmt.Errorf("push job %d: %w", job.ID, err))
	}
	return push(ctx, w.Client, w.Logger, job.Args.UserID, msgs, job.Args.RetryKey)
}

// rawMessages are stored messages, to be sent as they are.
func rawMessages(stored json.RawMessage) ([]messaging_api.MessageInterface, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(stored, &raws); err != nil || len(raws) == 0 {
		return nil, errors.New("messages are not a JSON array of messages")
	}
	msgs := make([]messaging_api.MessageInterface, len(raws))
	for i, r := range raws {
		msgs[i] = rawMessage(r)
	}
	return msgs, nil
}

// push sends msgs and tells River what to do with the job: done on 2xx or
// 409 (already accepted under this retry key); snooze on 429; retry on 5xx
// and time-outs; give up on any other 4xx, which a retry cannot fix.
func push(ctx context.Context, c *Client, logger *slog.Logger, to string, msgs []messaging_api.MessageInterface, retryKey string) error {
	return settle(ctx, logger, "line push", c.Push(ctx, to, msgs, retryKey), "user", hashID(to))
}

// settle tells River what to do with a sending job after LINE's answer err
// (see push); op and attrs name the send in logs.
func settle(ctx context.Context, logger *slog.Logger, op string, err error, attrs ...any) error {
	var apiErr *APIError
	if err == nil || !errors.As(err, &apiErr) || apiErr.StatusCode/100 == 5 {
		return err
	}
	if apiErr.StatusCode == http.StatusTooManyRequests && !strings.Contains(apiErr.Message, "monthly limit") {
		wait := apiErr.RetryAfter
		if wait == 0 {
			wait = time.Minute
		}
		logger.WarnContext(ctx, op+": rate limited, snoozing", append(attrs, "wait", wait)...)
		return river.JobSnooze(wait)
	}
	logger.ErrorContext(ctx, op+": rejected, giving up", append(attrs, "status", apiErr.StatusCode, "err", err)...)
	return river.JobCancel(err)
}

// retryKeySpace is the UUID namespace of amamibot's X-Line-Retry-Keys.
var retryKeySpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/amamibot/amamibot/bot/line"))

// retryKey derives a push's X-Line-Retry-Key from what causes it (a UUID v5),
// so that every retry of the same push carries the same key and LINE sends
// it once.
func retryKey(cause string) string {
	return uuid.NewSHA1(retryKeySpace, []byte(cause)).String()
}

// hashID stands for a user ID in logs: stable enough to follow one user,
// useless to look them up.
func hashID(id string) string {
	sum := sha256.Sum256([]byte("amamibot/line:" + id))
	return hex.EncodeToString(sum[:6])
}
