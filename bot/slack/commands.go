package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// Commands returns the handler of POST /slack/commands, where Slack sends
// the /amami command. The answer, seen only by whoever typed the command,
// is the response itself: the store answers well within Slack's 3 seconds.
func (a *App) Commands() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.verify(w, r) {
			return
		}
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, "malformed slash command", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a.command(r.Context(), cmd))
	})
}

// ephemeral is an answer only the person who asked sees.
type ephemeral struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// command answers /amami <subcommand>. Only staff may ask: the command is
// served in the bot's own workspace and in the staff channel, where the
// answers (names, companies, contacts) belong.
func (a *App) command(ctx context.Context, cmd slack.SlashCommand) ephemeral {
	var text string
	var err error
	args := strings.Fields(cmd.Text)
	refusal := a.refuse(ctx, "command", cmd.TeamID, cmd.ChannelID)
	switch {
	case refusal != "":
		text = refusal
	case len(args) == 0:
		text = usage
	default:
		switch strings.ToLower(args[0]) {
		case "seminars":
			text, err = a.seminars(ctx)
		case "roster":
			text, err = a.roster(ctx, args[1:])
		case "requests":
			text, err = a.requests(ctx)
		case "bookings":
			text, err = a.bookings(ctx)
		case "questions":
			text, err = a.questions(ctx)
		case "handoffs":
			text, err = a.handoffs(ctx)
		case "export":
			if _, _, _, text, err = a.exportOf(ctx, args[1:]); text == "" && err == nil {
				text, err = a.later(ctx, cmd, func() (string, error) { return a.export(ctx, args[1:]) })
			}
		case "announce":
			text, err = a.openAnnounce(ctx, cmd.TriggerID)
		case "checkin":
			text, err = a.checkin(ctx, args[1:])
		case "report":
			text, err = a.later(ctx, cmd, func() (string, error) { return a.report(ctx) })
		default:
			text = usage
		}
	}
	if err != nil {
		a.logger.ErrorContext(ctx, "slack: command", "command", args[0], "err", err)
		text = commandFailed
	}
	return ephemeral{ResponseType: slack.ResponseTypeEphemeral, Text: text}
}

// seminarsShown bounds the seminars listed.
const seminarsShown = 20

func (a *App) seminars(ctx context.Context) (string, error) {
	sems, err := a.store.UpcomingSeminars(ctx, time.Now(), seminarsShown)
	if err != nil {
		return "", err
	}
	if len(sems) == 0 {
		return seminarsNone, nil
	}
	lines := make([]string, len(sems))
	for i, s := range sems {
		var ways []string
		if s.HasVenue() {
			if left := s.SeatsLeft(); left > 0 {
				ways = append(ways, fmt.Sprintf(seatsLine, s.Booked, s.Capacity, left))
			} else {
				ways = append(ways, fmt.Sprintf(seatsFull, s.Booked, s.Capacity))
			}
		}
		if s.HasOnline() {
			ways = append(ways, onlineOpen)
		}
		lines[i] = fmt.Sprintf(seminarLine, flows.When(a.loc, s.StartsAt, s.EndsAt), field(s.Title), field(s.ID), strings.Join(ways, "・"))
	}
	return answer(fmt.Sprintf(seminarsHeader, len(sems)), lines), nil
}

func (a *App) roster(ctx context.Context, args []string) (string, error) {
	if len(args) == 0 {
		return rosterNoID, nil
	}
	id := args[0]
	sem, err := a.store.Seminar(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Sprintf(rosterNotFound, field(id)), nil
	}
	if err != nil {
		return "", err
	}
	regs, err := a.store.SeminarRegistrations(ctx, id)
	if err != nil {
		return "", err
	}
	var venue, online, waiting []string
	cancelled := 0
	for _, r := range regs {
		switch {
		case r.Status == store.Canceled:
			cancelled++
		case r.HoldsOffer():
			until := r.OfferExpiresAt.In(a.loc).Format("1月2日 15:04")
			waiting = append(waiting, fmt.Sprintf(rosterOffered, attendee(len(waiting)+1, r), until))
		case r.Status == store.Waitlisted:
			waiting = append(waiting, attendee(len(waiting)+1, r))
		case r.Attendance == store.Venue:
			venue = append(venue, attendee(len(venue)+1, r))
		default:
			online = append(online, attendee(len(online)+1, r))
		}
	}
	header := fmt.Sprintf(rosterHeader, field(sem.Title), flows.When(a.loc, sem.StartsAt, sem.EndsAt))
	if len(regs) == 0 {
		return header + "\n" + rosterNone, nil
	}
	var lines []string
	if sem.HasVenue() || len(venue) > 0 {
		lines = append(lines, fmt.Sprintf(rosterVenue, len(venue), sem.Capacity))
		lines = append(lines, venue...)
	}
	if sem.HasOnline() || len(online) > 0 {
		lines = append(lines, fmt.Sprintf(rosterOnline, len(online)))
		lines = append(lines, online...)
	}
	if len(waiting) > 0 {
		lines = append(lines, fmt.Sprintf(rosterWaitlist, len(waiting)))
		lines = append(lines, waiting...)
	}
	if cancelled > 0 {
		lines = append(lines, fmt.Sprintf(rosterCanceled, cancelled))
	}
	return answer(header, lines), nil
}

func attendee(n int, r store.Registration) string {
	if strings.TrimSpace(r.Company) == "" {
		return fmt.Sprintf(rosterNoCo, n, field(r.Name))
	}
	return fmt.Sprintf(rosterEntry, n, field(r.Name), field(r.Company))
}

// questionsShown bounds the questions listed, newest first; the export has all.
const questionsShown = 20

func (a *App) questions(ctx context.Context) (string, error) {
	qs, err := a.store.AllQuestions(ctx)
	if err != nil {
		return "", err
	}
	if len(qs) == 0 {
		return questionsNone, nil
	}
	var lines []string
	for i := len(qs) - 1; i >= 0 && len(lines) < questionsShown; i-- {
		kind := questionOpen
		if qs[i].Kind == "staff" {
			kind = questionStaff
		}
		lines = append(lines, fmt.Sprintf(questionLine, when(qs[i].AskedAt, a.loc), kind, field(qs[i].Text)))
	}
	return answer(fmt.Sprintf(questionsHeader, len(lines)), lines), nil
}

func (a *App) requests(ctx context.Context) (string, error) {
	ins, err := a.store.PendingIntroductions(ctx)
	if err != nil {
		return "", err
	}
	if len(ins) == 0 {
		return requestsNone, nil
	}
	names := map[string]string{} // talent ID → name, one lookup each
	lines := make([]string, len(ins))
	for i, in := range ins {
		name, ok := names[in.TalentID]
		if !ok {
			t, err := a.talent(ctx, in.TalentID)
			if err != nil {
				return "", err
			}
			name = field(in.TalentID)
			if t.DisplayName != "" {
				name = field(t.DisplayName)
			}
			names[in.TalentID] = name
		}
		category := categoryNone
		if in.Category != "" {
			category = esc(match.CategoryLabel(in.Category))
		}
		lines[i] = fmt.Sprintf(requestLine, in.ID, orUnknown(field(in.Owner.Company)), name, category, when(in.CreatedAt, a.loc))
	}
	return answer(fmt.Sprintf(requestsHeader, len(ins)), lines), nil
}

func (a *App) bookings(ctx context.Context) (string, error) {
	bs, err := a.store.UpcomingBookings(ctx, time.Now())
	if err != nil {
		return "", err
	}
	if len(bs) == 0 {
		return bookingsNone, nil
	}
	lines := make([]string, len(bs))
	for i, b := range bs {
		lines[i] = fmt.Sprintf(bookingLine, flows.When(a.loc, b.Slot.StartsAt, b.Slot.EndsAt), modeLabel(b.Slot.Mode),
			orUnknown(field(b.Slot.Host)), orUnknown(field(b.Owner.Company)), orUnknown(field(b.Owner.Contact)))
	}
	return answer(fmt.Sprintf(bookingsHeader, len(bs)), lines), nil
}

// answerMaxRunes keeps an answer under the 4,000 characters of text Slack
// shows without folding it; the lines that do not fit are counted instead.
const answerMaxRunes = 3800

// answer is a header over lines.
func answer(header string, lines []string) string {
	out := []string{header}
	n := utf8.RuneCountInString(header)
	for i, l := range lines {
		n += 1 + utf8.RuneCountInString(l)
		if n > answerMaxRunes-20 { // room for 「…ほかN件」
			out = append(out, fmt.Sprintf(truncated, len(lines)-i))
			break
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
