package slack

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode receives clicks, /amami commands and staff replies in
// hand-off threads over Socket Mode — a
// WebSocket the app opens to Slack with the app-level token (xapp-…), for a
// programme without a public URL — until ctx ends. They are handled as the
// HTTP handlers handle them; the WebSocket stands in for the signature.
func (a *App) RunSocketMode(ctx context.Context, appToken string) error {
	sm := socketmode.New(a.newClient(slack.OptionAppLevelToken(appToken)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go a.socketEvents(ctx, sm)
	err := sm.RunContext(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// socketEvents handles the events of a Socket Mode connection, one at a
// time, each acknowledged as soon as it is handled.
func (a *App) socketEvents(ctx context.Context, sm *socketmode.Client) {
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-sm.Events:
		}
		switch evt.Type {
		case socketmode.EventTypeInteractive:
			ic, _ := evt.Data.(slack.InteractionCallback)
			if ic.Type == slack.InteractionTypeViewSubmission {
				var payload any
				if resp := a.viewSubmission(ctx, ic); resp != nil {
					payload = resp
				}
				a.ack(ctx, sm, evt.Request, payload)
				continue
			}
			reply := a.interaction(ctx, ic)
			a.ack(ctx, sm, evt.Request, nil)
			a.tell(ic, reply)
		case socketmode.EventTypeSlashCommand:
			cmd, _ := evt.Data.(slack.SlashCommand)
			a.ack(ctx, sm, evt.Request, a.command(ctx, cmd))
		case socketmode.EventTypeEventsAPI:
			// A reply not recorded is not acknowledged: Slack sends it again.
			if a.socketEvent(ctx, evt) == nil {
				a.ack(ctx, sm, evt.Request, nil)
			}
		case socketmode.EventTypeConnected:
			a.logger.InfoContext(ctx, "slack: socket mode connected")
		case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError:
			a.logger.WarnContext(ctx, "slack: socket mode", "event", evt.Type, "err", eventErr(evt.Data))
		}
	}
}

// socketEvent handles an Events API event: a staff reply in a hand-off's
// thread (see staffReply).
func (a *App) socketEvent(ctx context.Context, evt socketmode.Event) error {
	ev, _ := evt.Data.(slackevents.EventsAPIEvent)
	outer, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || outer == nil {
		return nil
	}
	err := a.staffReply(ctx, outer.EventID, ev.TeamID, m)
	if err != nil {
		a.logger.ErrorContext(ctx, "slack: record a hand-off reply", "err", err)
	}
	return err
}

func (a *App) ack(ctx context.Context, sm *socketmode.Client, req *socketmode.Request, payload any) {
	if req == nil {
		return
	}
	if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		a.logger.WarnContext(ctx, "slack: socket mode ack", "err", err)
	}
}

// eventErr is the error a Socket Mode event carries, if any.
func eventErr(data any) error {
	if err, ok := data.(error); ok {
		return err
	}
	return errors.New("no detail")
}
