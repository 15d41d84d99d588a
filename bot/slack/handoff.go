package slack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// The buttons of a hand-off's alert; their value is the hand-off's ID.
const (
	actionClaim = "handoff_claim"
	actionEnd   = "handoff_end"
	metaHandoff = "amamibot_handoff"
)

// What the alert that opens a hand-off shows of the user.
const (
	recentShown   = 10 // the last messages of the conversation
	listedShown   = 5  // registrations, requests, bookings
	recentMaxRune = 200
	staffNote     = "//" // a thread reply starting so is for staff only
)

// Profiles names LINE users (their display name), for the alerts.
type Profiles interface {
	DisplayName(ctx context.Context, userID string) (string, error)
}

// HandoffMetrics counts hand-offs for /metrics.
type HandoffMetrics interface {
	HandoffOpened()
	// HandoffAnswered counts a hand-off's first staff answer, after wait.
	HandoffAnswered(wait time.Duration)
}

// ClosedReplyArgs answers, in its thread, a staff reply to a hand-off that
// has ended. Unique by Slack's event id, so a retried event answers once.
type ClosedReplyArgs struct {
	EventID  string `json:"event_id" river:"unique"`
	Channel  string `json:"channel"`
	ThreadTS string `json:"thread_ts"`
}

func (ClosedReplyArgs) Kind() string { return "slack_handoff_closed_reply" }

// SetHandoffs sets who names LINE users in the alerts and what counts
// hand-offs; either may be nil. Call it before the jobs start.
func (a *App) SetHandoffs(p Profiles, m HandoffMetrics) {
	a.profiles, a.handoffMetrics = p, m
}

// addHandoffWorkers adds the workers of hand-offs (see AddWorkers).
func (a *App) addHandoffWorkers(workers *river.Workers) {
	river.AddWorker(workers, &handoffAlertWorker{App: a})
	river.AddWorker(workers, &handoffThreadWorker{App: a})
	river.AddWorker(workers, &closedReplyWorker{App: a})
	river.AddWorker(workers, &handoffIdleWorker{App: a})
}

// handoffAlertWorker posts the alert that opens a hand-off's thread
// (store.HandoffAlertArgs), once, then delivers what the user wrote
// meanwhile.
type handoffAlertWorker struct {
	river.WorkerDefaults[store.HandoffAlertArgs]
	*App
}

func (w *handoffAlertWorker) Work(ctx context.Context, job *river.Job[store.HandoffAlertArgs]) error {
	id := job.Args.HandoffID
	h, err := w.store.Handoff(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased with the user's data
	}
	if err != nil {
		return fmt.Errorf("slack hand-off alert: %w", err)
	}
	if h.ThreadTS == "" {
		ts := ""
		if job.Attempt > 1 {
			// An earlier attempt may have posted, its answer lost.
			ts, err = w.findPost(ctx, h.OpenedAt, metaHandoff, map[string]string{"handoff_id": strconv.FormatInt(id, 10)})
			if err != nil {
				return w.failed(ctx, "slack hand-off alert: look for an earlier post", err)
			}
		}
		if ts == "" {
			msg, err := w.handoffAlert(ctx, h)
			if err != nil {
				return err
			}
			if _, ts, err = w.client.PostMessageContext(ctx, w.channel, msg.options()...); err != nil {
				return w.failed(ctx, "slack hand-off alert: chat.postMessage", err)
			}
			if w.handoffMetrics != nil {
				w.handoffMetrics.HandoffOpened()
			}
		}
		if err := w.store.SetHandoffThread(ctx, id, w.channel, ts); err != nil {
			return err
		}
	}
	return w.deliverThread(ctx, id, true)
}

// handoffThreadWorker delivers a hand-off's messages for the thread, in
// order (store.HandoffThreadArgs), and shows a claim or the end on the
// alert.
type handoffThreadWorker struct {
	river.WorkerDefaults[store.HandoffThreadArgs]
	*App
}

func (w *handoffThreadWorker) Work(ctx context.Context, job *river.Job[store.HandoffThreadArgs]) error {
	return w.deliverThread(ctx, job.Args.HandoffID, job.Args.Refresh)
}

// deliverThread posts the hand-off's undelivered messages in its thread,
// oldest first, each marked delivered once posted, and with refresh makes
// the alert show where the hand-off stands. Before the alert is posted
// there is no thread: the alert's job delivers them. A crash between a post
// and its mark posts it again (Slack has no idempotency key).
func (a *App) deliverThread(ctx context.Context, id int64, refresh bool) error {
	h, err := a.store.Handoff(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack hand-off thread: %w", err)
	}
	if h.ThreadTS == "" {
		return nil
	}
	for {
		m, err := a.store.NextHandoffMessage(ctx, id, false)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return fmt.Errorf("slack hand-off thread: %w", err)
		}
		if _, _, err := a.client.PostMessageContext(ctx, h.ThreadChannel, slack.MsgOptionText(threadText(m, a.loc), false), slack.MsgOptionTS(h.ThreadTS)); err != nil {
			return a.failed(ctx, "slack hand-off thread: chat.postMessage", err)
		}
		if err := a.store.MarkHandoffMessageSent(ctx, m.Seq, time.Now(), false); err != nil {
			return err
		}
	}
	if !refresh {
		return nil
	}
	// Read again: the hand-off may have been claimed or ended meanwhile.
	if h, err = a.store.Handoff(ctx, id); err != nil {
		return ignoreGone(err)
	}
	if h.State == store.HandoffOpen {
		return nil // the alert shows the buttons it was posted with
	}
	msg, err := a.handoffAlert(ctx, h)
	if err != nil {
		return err
	}
	_, _, _, err = a.client.UpdateMessageContext(ctx, h.ThreadChannel, h.ThreadTS, msg.options()...)
	var rejected slack.SlackErrorResponse
	if errors.As(err, &rejected) && (rejected.Err == "message_not_found" || rejected.Err == "cant_update_message") {
		return nil // someone deleted the alert
	}
	if err != nil {
		return a.failed(ctx, "slack hand-off alert: chat.update", err)
	}
	return nil
}

// threadText is how a hand-off's message reads in its thread. The end says
// who ended it and when by itself: the message is made with the end.
func threadText(m store.HandoffMessage, loc *time.Location) string {
	switch m.Kind {
	case store.HandoffMedia:
		return fmt.Sprintf(handoffUserSent, cmp.Or(mediaNames[m.Text], esc(m.Text)))
	case store.HandoffEnded:
		return endedLine(m.Author, m.CreatedAt, loc)
	case store.HandoffBlocked:
		return handoffBlocked
	}
	return fmt.Sprintf(handoffUserSays, esc(m.Text))
}

func endedLine(by string, at time.Time, loc *time.Location) string {
	switch by {
	case store.EndedByUser:
		return fmt.Sprintf(handoffEndedUser, when(at, loc))
	case store.EndedByIdle:
		return fmt.Sprintf(handoffEndedIdle, when(at, loc))
	}
	return fmt.Sprintf(handoffEndedStaff, esc(by), when(at, loc))
}

// ignoreGone is nil for a hand-off erased with its user's data.
func ignoreGone(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("slack hand-off: %w", err)
}

// handoffAlert is the alert of a hand-off: who the user is (display name,
// company, registrations, requests, bookings), what they wrote last, and
// the 対応する and 終了 buttons while it is active.
func (a *App) handoffAlert(ctx context.Context, h store.Handoff) (message, error) {
	now := time.Now()
	name := handoffNoName
	if a.profiles != nil {
		if n, err := a.profiles.DisplayName(ctx, h.UserID); err == nil && n != "" {
			name = field(n)
		} else if err != nil {
			a.logger.WarnContext(ctx, "slack hand-off alert: no display name", "handoff", h.ID, "err", err)
		}
	}
	owner, err := a.store.Owner(ctx, h.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return message{}, fmt.Errorf("slack hand-off alert: %w", err)
	}
	regs, err := a.store.UserRegistrations(ctx, h.UserID, now)
	if err != nil {
		return message{}, fmt.Errorf("slack hand-off alert: %w", err)
	}
	company := owner.Company
	var regLines []string
	for i, r := range regs {
		company = cmp.Or(company, r.Company)
		if i < listedShown {
			regLines = append(regLines, fmt.Sprintf("• %s %s（%s）", when(r.Seminar.StartsAt, a.loc), field(r.Seminar.Title), r.Status))
		}
	}
	intros, err := a.store.UserIntroductions(ctx, h.UserID, listedShown)
	if err != nil {
		return message{}, fmt.Errorf("slack hand-off alert: %w", err)
	}
	var introLines []string
	for _, in := range intros {
		introLines = append(introLines, fmt.Sprintf("• #%d %s（%s）", in.ID, clip(in.Problem, 60), in.Status))
	}
	bookings, err := a.store.UserBookings(ctx, h.UserID, now)
	if err != nil {
		return message{}, fmt.Errorf("slack hand-off alert: %w", err)
	}
	var bookingLines []string
	for i, b := range bookings {
		if i < listedShown {
			bookingLines = append(bookingLines, "• "+flows.When(a.loc, b.Slot.StartsAt, b.Slot.EndsAt))
		}
	}
	recent, err := a.store.RecentMessages(ctx, h.UserID, h.OpenedAt, recentShown)
	if err != nil {
		return message{}, fmt.Errorf("slack hand-off alert: %w", err)
	}
	var recentLines []string
	for _, m := range recent {
		text := clip(m.Text, recentMaxRune)
		if m.Kind == "media" {
			text = "_" + cmp.Or(mediaNames[m.Text], esc(m.Text)) + "_"
		}
		recentLines = append(recentLines, ">"+m.At.In(a.loc).Format("15:04")+" "+strings.ReplaceAll(text, "\n", " "))
	}
	list := func(lines []string) string { return cmp.Or(strings.Join(lines, "\n"), handoffNone) }

	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(fmt.Sprintf(handoffHeader, h.ID))),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			labelled(labelDisplayName, name),
			labelled(labelCompany, orUnknown(field(company))),
		}, nil),
		slack.NewSectionBlock(mrkdwn("*"+labelRegistrations+"*\n"+list(regLines)+"\n*"+labelRequests+"*\n"+list(introLines)+"\n*"+labelBookings+"*\n"+list(bookingLines)), nil, nil),
		slack.NewSectionBlock(mrkdwn("*"+labelRecent+"*\n"+list(recentLines)), nil, nil),
	}
	id := strconv.FormatInt(h.ID, 10)
	end := slack.NewButtonBlockElement(actionEnd, id, plain(buttonEnd)).WithStyle(slack.StyleDanger)
	switch h.State {
	case store.HandoffOpen:
		blocks = append(blocks, slack.NewActionBlock("", slack.NewButtonBlockElement(actionClaim, id, plain(buttonClaim)).WithStyle(slack.StylePrimary), end))
	case store.HandoffClaimed:
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+fmt.Sprintf(handoffClaimed, esc(h.ClaimedBy))+"*"), nil, nil), slack.NewActionBlock("", end))
	default:
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+endedLine(h.EndedBy, h.ClosedAt, a.loc)+"*"), nil, nil))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(handoffHowTo+"　"+fmt.Sprintf(handoffOpened, when(h.OpenedAt, a.loc)))))
	return message{
		text:     fmt.Sprintf(handoffFallback, name),
		blocks:   blocks,
		metadata: slack.SlackMetadata{EventType: metaHandoff, EventPayload: map[string]any{"handoff_id": id}},
	}, nil
}

// handoffClick handles a click on 対応する or 終了, and returns what to tell
// the person who clicked, if anything.
func (a *App) handoffClick(ctx context.Context, action, value, by string) string {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		a.logger.WarnContext(ctx, "slack: hand-off button without an ID, ignored", "action", action)
		return ""
	}
	now := time.Now().UTC()
	var h store.Handoff
	if action == actionClaim {
		h, err = a.store.ClaimHandoff(ctx, id, by, now)
	} else {
		h, err = a.store.CloseHandoff(ctx, id, by, now, time.Time{})
	}
	switch {
	case err == nil:
		return ""
	case errors.Is(err, store.ErrAlreadyClaimed):
		return fmt.Sprintf(alreadyClaimed, esc(h.ClaimedBy))
	case errors.Is(err, store.ErrHandoffClosed):
		return handoffIsClosed
	case errors.Is(err, store.ErrNotFound):
		return handoffGone
	}
	a.logger.ErrorContext(ctx, "slack: record a hand-off click", "handoff", id, "err", err)
	return decideFailed
}

// staffReply takes a message event of the Events API: a staff member's
// reply in a hand-off's thread goes to the user. Edits, deletions, bots'
// messages (the app's own posts too), messages outside threads or outside
// the staff channel, mentions of the app and notes starting with // are
// not replies. A
// redelivered event adds nothing (the event ID is a unique key). An error
// means the event was not recorded, and Slack should send it again.
func (a *App) staffReply(ctx context.Context, eventID, team string, m *slackevents.MessageEvent) error {
	switch {
	case m.SubType != "" && m.SubType != "thread_broadcast", m.BotID != "",
		m.ThreadTimeStamp == "", m.ThreadTimeStamp == m.TimeStamp:
		return nil
	case a.refuse(ctx, "thread reply", team, m.Channel) != "":
		return nil
	}
	h, err := a.store.HandoffByThread(ctx, m.Channel, m.ThreadTimeStamp)
	if errors.Is(err, store.ErrNotFound) {
		return nil // a thread of something else
	}
	if err != nil {
		return err
	}
	text := strings.TrimSpace(unescape(m.Text))
	if text == "" || strings.HasPrefix(text, staffNote) || strings.Contains(m.Text, "<@"+a.botUser+">") {
		return nil // a note, or a command to the app (answered as a mention)
	}
	now := time.Now().UTC()
	msg := store.HandoffMessage{HandoffID: h.ID, ToUser: true, Kind: store.HandoffText, Text: text, Author: m.User, CreatedAt: now}
	h, added, err := a.store.AddHandoffMessage(ctx, msg, "slack:"+eventID)
	switch {
	case errors.Is(err, store.ErrHandoffClosed):
		return a.store.InsertJob(ctx, ClosedReplyArgs{EventID: eventID, Channel: m.Channel, ThreadTS: m.ThreadTimeStamp}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
	case err != nil:
		return err
	}
	// The first answer is the one that set FirstAnswerAt with LastActivity.
	if added && a.handoffMetrics != nil && h.FirstAnswerAt.Equal(h.LastActivity) {
		a.handoffMetrics.HandoffAnswered(now.Sub(h.OpenedAt))
	}
	return nil
}

// unescape turns Slack's escapes of &, < and > back into the characters
// the staff member typed.
var unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

func unescape(s string) string { return unescaper.Replace(s) }

// closedReplyWorker answers a reply to an ended hand-off in its thread.
type closedReplyWorker struct {
	river.WorkerDefaults[ClosedReplyArgs]
	*App
}

func (w *closedReplyWorker) Work(ctx context.Context, job *river.Job[ClosedReplyArgs]) error {
	_, _, err := w.client.PostMessageContext(ctx, job.Args.Channel, slack.MsgOptionText(handoffIsClosed, false), slack.MsgOptionTS(job.Args.ThreadTS))
	if err != nil {
		return w.failed(ctx, "slack hand-off: answer a reply after the end", err)
	}
	return nil
}

// handoffIdleWorker ends a hand-off in which nobody wrote for its idle time
// (store.HandoffIdleArgs); one with newer messages waits for its new end.
type handoffIdleWorker struct {
	river.WorkerDefaults[store.HandoffIdleArgs]
	*App
}

func (w *handoffIdleWorker) Work(ctx context.Context, job *river.Job[store.HandoffIdleArgs]) error {
	now := time.Now().UTC()
	h, err := w.store.CloseHandoff(ctx, job.Args.HandoffID, store.EndedByIdle, now, now.Add(-job.Args.After))
	switch {
	case errors.Is(err, store.ErrStillActive):
		return river.JobSnooze(max(h.LastActivity.Add(job.Args.After).Sub(now), time.Second))
	case errors.Is(err, store.ErrHandoffClosed), errors.Is(err, store.ErrNotFound):
		return nil
	}
	return err
}

// handoffs answers /amami handoffs: the active hand-offs, oldest first,
// with who took them and for how long they have been open.
func (a *App) handoffs(ctx context.Context) (string, error) {
	hs, err := a.store.ActiveHandoffs(ctx)
	if err != nil {
		return "", err
	}
	if len(hs) == 0 {
		return handoffsNone, nil
	}
	now := time.Now()
	lines := make([]string, len(hs))
	for i, h := range hs {
		who := handoffWaiting
		if h.State == store.HandoffClaimed {
			who = fmt.Sprintf(handoffClaimed, esc(h.ClaimedBy))
		}
		lines[i] = fmt.Sprintf(handoffAgeLine, h.ID, when(h.OpenedAt, a.loc), who, age(now.Sub(h.OpenedAt)))
	}
	return answer(fmt.Sprintf(handoffsHeader, len(hs)), lines), nil
}

// age shows a duration as staff say it: 「5分」「3時間」「2日」.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d分", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d時間", int(d.Hours()))
	}
	return fmt.Sprintf("%d日", int(d.Hours()/24))
}
