package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/store"
)

// decisions maps the alert's buttons to what they decide.
var decisions = map[string]store.IntroStatus{
	actionApprove: store.Approved,
	actionDecline: store.Declined,
}

// Actions returns the handler of POST /slack/actions, where Slack sends the
// clicks on the alerts' buttons. It verifies the request, records the
// decision and answers 200 at once: the alert's update is a job the
// decision inserted, and the answer to a click that lost goes out after.
func (a *App) Actions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.verify(w, r) {
			return
		}
		ic, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, "malformed interaction payload", http.StatusBadRequest)
			return
		}
		if ic.Type == slack.InteractionTypeViewSubmission {
			if resp := a.viewSubmission(r.Context(), ic); resp != nil {
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(resp)
			}
			return // an empty 200 closes the modal
		}
		reply := a.interaction(r.Context(), ic)
		w.WriteHeader(http.StatusOK)
		a.tell(ic, reply)
	})
}

// interaction handles a verified interaction and returns what to tell the
// person who clicked, if anything. The decision is a conditional update in
// the store: of two clicks at once, on any replica, the first wins.
func (a *App) interaction(ctx context.Context, ic slack.InteractionCallback) (reply string) {
	if ic.Type != slack.InteractionTypeBlockActions {
		a.logger.InfoContext(ctx, "slack: interaction ignored", "type", ic.Type)
		return ""
	}
	// A valid signature says the click came through Slack, not that it came
	// from the staff: an app can be installed in other workspaces, and its
	// messages shared into other channels.
	if refusal := a.refuse(ctx, "click", ic.Team.ID, ic.Channel.ID); refusal != "" {
		return refusal
	}
	for _, act := range ic.ActionCallback.BlockActions {
		if act.ActionID == actionClaim || act.ActionID == actionEnd {
			return a.handoffClick(ctx, act.ActionID, act.Value, cmp.Or(ic.User.Name, ic.User.Username, ic.User.ID))
		}
		if strings.HasPrefix(act.ActionID, actionCheckin+"-") {
			return a.checkedIn(ctx, act, cmp.Or(ic.User.Name, ic.User.Username, ic.User.ID))
		}
		if act.ActionID == actionAnnounce {
			return a.approveAnnouncement(ctx, act.Value, cmp.Or(ic.User.Name, ic.User.Username, ic.User.ID))
		}
		status, ok := decisions[act.ActionID]
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(act.Value, 10, 64)
		if err != nil {
			a.logger.WarnContext(ctx, "slack: button without an introduction ID, ignored", "action", act.ActionID)
			return ""
		}
		return a.decide(ctx, id, status, cmp.Or(ic.User.Name, ic.User.Username, ic.User.ID))
	}
	a.logger.InfoContext(ctx, "slack: no decision in the interaction, ignored")
	return ""
}

// refuse returns what to tell someone who acts from outside the staff
// channel of the bot's own workspace, or "" for staff.
func (a *App) refuse(ctx context.Context, what, team, channel string) string {
	switch {
	case team != a.team:
		a.logger.InfoContext(ctx, "slack: refused from another workspace", "what", what)
		return refusedTeam
	case channel != a.channel:
		a.logger.InfoContext(ctx, "slack: refused outside the staff channel", "what", what)
		return fmt.Sprintf(refusedChannel, a.channel)
	}
	return ""
}

func (a *App) decide(ctx context.Context, id int64, status store.IntroStatus, by string) (reply string) {
	in, err := a.store.DecideIntroduction(ctx, id, store.Decision{Status: status, By: by, Now: time.Now().UTC()})
	switch {
	case err == nil:
		a.logger.InfoContext(ctx, "slack: introduction decided", "introduction", id, "status", status)
		return ""
	case errors.Is(err, store.ErrAlreadyDecided):
		return alreadyDecided(in, a.loc)
	case errors.Is(err, store.ErrNotFound):
		return requestGone
	default:
		a.logger.ErrorContext(ctx, "slack: record a decision", "introduction", id, "err", err)
		return decideFailed
	}
}

// tell sends the clicker an ephemeral reply through the interaction's
// response_url, after the acknowledgement: Slack shows the click as failed
// if it waits more than 3 seconds, and does not retry it.
func (a *App) tell(ic slack.InteractionCallback, reply string) {
	if reply == "" {
		return
	}
	if ic.ResponseURL == "" {
		a.logger.Warn("slack: no response_url to answer the click")
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, err := a.client.PostMessageContext(ctx, "",
			slack.MsgOptionResponseURL(ic.ResponseURL, slack.ResponseTypeEphemeral),
			slack.MsgOptionText(reply, false))
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // the URL is a credential: keep it out of the logs
		}
		if err != nil {
			a.logger.WarnContext(ctx, "slack: answer the click", "err", err)
		}
	}()
}
