package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// The buttons of an alert. Their value is the introduction's ID.
const (
	actionApprove = "intro_approve"
	actionDecline = "intro_decline"
)

// The metadata event types that mark amamibot's own posts, so that a retried
// job can find what an earlier attempt posted (Slack has no idempotency key).
const (
	metaAlert  = "amamibot_intro_alert"
	metaNotice = "amamibot_booking_notice"
)

// Clipping keeps every text well inside Block Kit's limits (3,000 characters
// per section text, 2,000 per field) and the alert readable at a glance.
const (
	problemMaxRunes = 600
	reasonsMax      = 5
	reasonMaxRunes  = 200
	fieldMaxRunes   = 300
)

// message is a Slack message ready to post or to replace another with.
type message struct {
	text     string // the notification's text, and what clients without blocks show
	blocks   []slack.Block
	metadata slack.SlackMetadata
}

func (m message) options() []slack.MsgOption {
	return []slack.MsgOption{
		slack.MsgOptionText(m.text, false),
		slack.MsgOptionBlocks(m.blocks...),
		slack.MsgOptionMetadata(m.metadata),
	}
}

// alertMessage is the alert of an introduction request: who asks, their
// problem in their own words, the professional and why; then the 承認 and
// 見送り buttons while it is pending, or the outcome once decided. A zero
// talent (one no longer in the pool) is shown by ID.
func alertMessage(in store.Introduction, t match.Talent, loc *time.Location) message {
	company := ownerText(in.Owner)
	name, professional := field(in.TalentID), fmt.Sprintf(talentMissing, field(in.TalentID))
	if t.DisplayName != "" {
		name = field(t.DisplayName)
		professional = name
		if t.Headline != "" {
			professional += " — " + field(t.Headline)
		}
	}
	category := categoryNone
	if in.Category != "" {
		category = esc(match.CategoryLabel(in.Category))
	}

	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(fmt.Sprintf(alertHeader, in.ID))),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			labelled(labelCompany, company),
			labelled(labelContact, orUnknown(field(in.Owner.Contact))),
		}, nil),
		slack.NewSectionBlock(mrkdwn("*"+labelProblem+"*\n"+quote(clip(in.Problem, problemMaxRunes))), nil, nil),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			labelled(labelCategory, category),
			labelled(labelTalent, professional),
		}, nil),
	}
	if reasons := bullets(in.Reasons); reasons != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+labelReasons+"*\n"+reasons), nil, nil))
	}
	if in.Status == store.Pending {
		id := strconv.FormatInt(in.ID, 10)
		blocks = append(blocks, slack.NewActionBlock("",
			slack.NewButtonBlockElement(actionApprove, id, plain(buttonApprove)).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actionDecline, id, plain(buttonDecline)).WithStyle(slack.StyleDanger),
		))
	} else {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+outcome(in, loc)+"*"), nil, nil))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf(alertReceived, when(in.CreatedAt, loc)))))

	text := fmt.Sprintf(alertFallback, company, name)
	if in.Status != store.Pending {
		text = fmt.Sprintf(outcomeFallback, in.ID, outcome(in, loc))
	}
	return message{
		text:   text,
		blocks: blocks,
		metadata: slack.SlackMetadata{
			EventType:    metaAlert,
			EventPayload: map[string]any{"introduction_id": strconv.FormatInt(in.ID, 10)},
		},
	}
}

// noticeMessage tells staff of a booking or its cancellation.
func noticeMessage(b store.Booking, status store.BookingStatus, loc *time.Location) message {
	title := noticeBooked
	if status == store.BookingCanceled {
		title = noticeCancelled
	}
	intro := introNone
	if b.IntroductionID != 0 {
		intro = "#" + strconv.FormatInt(b.IntroductionID, 10)
	}
	company := ownerText(b.Owner)
	slot := flows.When(loc, b.Slot.StartsAt, b.Slot.EndsAt)
	return message{
		text: title + ": " + slot + " " + company,
		blocks: []slack.Block{
			slack.NewHeaderBlock(plain(title)),
			slack.NewSectionBlock(nil, []*slack.TextBlockObject{
				labelled(labelWhen, slot),
				labelled(labelMode, modeLabel(b.Slot.Mode)),
				labelled(labelCompany, company),
				labelled(labelContact, orUnknown(field(b.Owner.Contact))),
				labelled(labelHost, orUnknown(field(b.Slot.Host))),
				labelled(labelIntro, intro),
			}, nil),
		},
		metadata: slack.SlackMetadata{
			EventType: metaNotice,
			EventPayload: map[string]any{
				"booking_id": strconv.FormatInt(b.ID, 10),
				"status":     string(status),
			},
		},
	}
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// labelled is a section field: a bold label over its value.
func labelled(label, value string) *slack.TextBlockObject {
	return mrkdwn("*" + label + "*\n" + value)
}

// field is a short value from a person, escaped and clipped.
func field(s string) string { return clip(s, fieldMaxRunes) }

// quote shows escaped text as a mrkdwn block quote.
func quote(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = ">" + strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// bullets lists the first reasons, one a line.
func bullets(reasons []string) string {
	var b strings.Builder
	for i, r := range reasons {
		if i == reasonsMax {
			break
		}
		if r = strings.TrimSpace(r); r != "" {
			b.WriteString("• " + clip(r, reasonMaxRunes) + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
