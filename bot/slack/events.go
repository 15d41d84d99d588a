package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MentionArgs answers a mention of the app (「@amamibot requests」) in the
// thread it was made in. Unique by Slack's event id: Slack retries an event
// it thinks was missed, and a retry must not answer twice.
type MentionArgs struct {
	EventID  string `json:"event_id" river:"unique"`
	TeamID   string `json:"team_id"`
	Channel  string `json:"channel"`
	ThreadTS string `json:"thread_ts"`
	Text     string `json:"text"`
}

func (MentionArgs) Kind() string { return "slack_mention" }

// Events returns the handler of POST /slack/events (the Events API): it
// answers Slack's URL check, queues an answer to each mention of the app,
// which reads like the /amami command without the slash, and passes staff
// replies in hand-off threads on to the users (message events).
func (a *App) Events() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.verify(w, r) {
			return
		}
		body, _ := io.ReadAll(r.Body) // verify has read it already, within its cap
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		switch ev.Type {
		case slackevents.URLVerification:
			var c slackevents.ChallengeResponse
			if err := json.Unmarshal(body, &c); err != nil {
				http.Error(w, "malformed URL verification", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, c.Challenge)
		case slackevents.CallbackEvent:
			outer, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
			if m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent); ok && outer != nil {
				if err := a.staffReply(r.Context(), outer.EventID, ev.TeamID, m); err != nil {
					// 500 makes Slack send the event again.
					a.logger.ErrorContext(r.Context(), "slack: record a hand-off reply", "err", err)
					http.Error(w, "could not record the event", http.StatusInternalServerError)
				}
				return
			}
			mention, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
			if !ok || outer == nil || mention.BotID != "" {
				return // nothing else is subscribed; bots are not answered
			}
			// Acknowledged, so that Slack does not retry, and not answered:
			// the answers are for the staff channel only.
			if a.refuse(r.Context(), "mention", ev.TeamID, mention.Channel) != "" {
				return
			}
			thread := mention.ThreadTimeStamp
			if thread == "" {
				thread = mention.TimeStamp
			}
			args := MentionArgs{EventID: outer.EventID, TeamID: ev.TeamID, Channel: mention.Channel, ThreadTS: thread, Text: mention.Text}
			if err := a.store.InsertJob(r.Context(), args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}); err != nil {
				// 500 makes Slack send the event again.
				a.logger.ErrorContext(r.Context(), "slack: queue the answer to a mention", "err", err)
				http.Error(w, "could not queue the event", http.StatusInternalServerError)
			}
		}
	})
}

// mentionTag is how a mention of a user or app appears in a message's text.
var mentionTag = regexp.MustCompile(`<@[A-Z0-9]+>`)

// mentionWorker answers a mention in its thread, with what /amami would say.
type mentionWorker struct {
	river.WorkerDefaults[MentionArgs]
	*App
}

func (w *mentionWorker) Work(ctx context.Context, job *river.Job[MentionArgs]) error {
	m := job.Args
	text := strings.TrimSpace(mentionTag.ReplaceAllString(m.Text, ""))
	answer := w.command(ctx, slack.SlashCommand{TeamID: m.TeamID, ChannelID: m.Channel, Text: text})
	_, _, err := w.client.PostMessageContext(ctx, m.Channel, slack.MsgOptionText(answer.Text, false), slack.MsgOptionTS(m.ThreadTS))
	if err != nil {
		return w.failed(ctx, "answer a mention", err)
	}
	return nil
}
