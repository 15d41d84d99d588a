package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the bot says around a hand-off, when staff answer the user in this
// chat from a Slack thread.
const (
	staffLabel       = "スタッフに相談"
	backLabel        = "ボットに戻る"
	handoffOpenText  = "承知しました。スタッフにおつなぎします。このトークでスタッフがお返事しますので、ご用件をそのままお送りください。\n受付時間: %s\n受付時間外にいただいたメッセージには、次の受付時間にお返事します。\nボットのご案内に戻るときは「ボットに戻る」と送ってください。"
	handoffOnText    = "スタッフにおつなぎしています。このトークでスタッフがお返事しますので、そのままメッセージをお送りください。"
	handoffBackText  = "スタッフとのやりとりを終了しました。ここからはボットがご案内します。ご用件をお選びください。"
	handoffEndedText = "スタッフとのやりとりは終了しました。ありがとうございました。ここからはボットがご案内します。"
	handoffIdleText  = "しばらくやりとりがなかったため、スタッフとのやりとりを終了しました。ご用件があれば、いつでもお送りください。"
	staffPrefix      = "【スタッフより】\n"
	// DefaultStaffHours are the programme's hours when none are configured.
	DefaultStaffHours = "平日 9:00〜17:00"
	// DefaultHandoffIdle ends a hand-off in which nobody wrote for this long.
	DefaultHandoffIdle = 24 * time.Hour
)

// HandoffStore is what a hand-off reads and commits.
type HandoffStore interface {
	OpenHandoff(ctx context.Context, userID string, now time.Time, idle time.Duration) (store.Handoff, error)
	ActiveHandoff(ctx context.Context, userID string) (store.Handoff, error)
	CloseHandoff(ctx context.Context, id int64, endedBy string, now, idleSince time.Time) (store.Handoff, error)
	AddHandoffMessage(ctx context.Context, m store.HandoffMessage, eventID string) (store.Handoff, bool, error)
}

// Staff is how the programme's staff answer users in person.
type Staff struct {
	// Hours are when staff answer, as users read them (「平日 9:00〜17:00」);
	// empty: DefaultStaffHours.
	Hours string
	// Idle ends a hand-off in which nobody wrote for this long; zero:
	// DefaultHandoffIdle.
	Idle time.Duration
}

// withStaff adds the 「スタッフに相談」 choice to choices, when staff can be
// reached.
func (t *turn) withStaff(choices []Choice) []Choice {
	if t.bot.Handoffs == nil {
		return choices
	}
	return append(choices[:len(choices):len(choices)], Choice{Label: staffLabel, Data: staffLabel})
}

// openHandoff hands the user over to staff; first, if any, is the user's
// message that staff read first in the thread.
func (t *turn) openHandoff(first string) ([]Reply, error) {
	t.next = Session{}
	idle := t.bot.Staff.Idle
	if idle == 0 {
		idle = DefaultHandoffIdle
	}
	h, err := t.bot.Handoffs.OpenHandoff(t.ctx, t.UserID, t.Now, idle)
	if errors.Is(err, store.ErrHandoffActive) {
		return []Reply{{Text: handoffOnText, Choices: []Choice{{Label: backLabel, Data: backLabel}}}}, nil
	}
	if err != nil {
		return nil, err
	}
	if first != "" {
		if err := t.toStaff(h, store.HandoffText, first); err != nil {
			return nil, err
		}
	}
	t.record("handoff_opened")
	hours := t.bot.Staff.Hours
	if hours == "" {
		hours = DefaultStaffHours
	}
	return []Reply{{Text: fmt.Sprintf(handoffOpenText, hours), Choices: []Choice{{Label: backLabel, Data: backLabel}}}}, nil
}

// inHandoff passes the input to staff while the user has an active
// hand-off (ok is true), or ends it on 「ボットに戻る」 or メニュー.
func (t *turn) inHandoff() (replies []Reply, ok bool, err error) {
	if t.bot.Handoffs == nil || t.Input.Kind == Follow {
		return nil, false, nil
	}
	h, err := t.bot.Handoffs.ActiveHandoff(t.ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t.next = Session{}
	closeIt := func() error {
		if _, err := t.bot.Handoffs.CloseHandoff(t.ctx, h.ID, store.EndedByUser, t.Now, time.Time{}); err != nil && !errors.Is(err, store.ErrHandoffClosed) {
			return err
		}
		return nil
	}
	switch {
	case t.typed(backLabel), t.typed(menuLabel), t.typed(cancelLabel),
		t.Input.Kind == Text && t.read.Sure && (t.read.Intent == understand.Menu || t.read.Intent == understand.Stop) &&
			!t.asks() && !understand.Hedges(normalize(t.Input.Text)): // not 「終わりにしたくないです」「戻るのはいつですか」
		// 「もういいです」「終わります」 end it too.
		if err := closeIt(); err != nil {
			return nil, true, err
		}
		return t.menu(handoffBackText), true, nil
	case slices.ContainsFunc(menuChoices, func(c Choice) bool { return t.typed(c.Label) }):
		// A menu item typed: back with the bot, which does it.
		return nil, false, closeIt()
	case t.Input.Kind == Media:
		return nil, true, t.toStaff(h, store.HandoffMedia, t.Input.Text)
	case t.Input.Kind == Postback:
		// A button of an earlier message: its data means nothing to staff.
		return nil, true, t.toStaff(h, store.HandoffMedia, "button")
	}
	// Replies would interrupt the conversation with staff: none.
	return nil, true, t.toStaff(h, store.HandoffText, t.Input.Text)
}

// toStaff adds a message of the user to the hand-off's thread.
func (t *turn) toStaff(h store.Handoff, kind, text string) error {
	m := store.HandoffMessage{HandoffID: h.ID, Kind: kind, Text: truncate(text, maxProblemRunes), CreatedAt: t.Now}
	if _, _, err := t.bot.Handoffs.AddHandoffMessage(t.ctx, m, ""); err != nil && !errors.Is(err, store.ErrHandoffClosed) {
		return err
	}
	return nil
}

// HandoffPush is what the user is pushed for a hand-off's message to them:
// a staff member's text, or the end of the hand-off.
func (b *Bot) HandoffPush(m store.HandoffMessage) []Reply {
	switch {
	case m.Kind == store.HandoffEnded && m.Author == store.EndedByIdle:
		return []Reply{{Text: handoffIdleText, Choices: menuChoices}}
	case m.Kind == store.HandoffEnded:
		return []Reply{{Text: handoffEndedText + "\n" + menuText, Choices: menuChoices}}
	}
	return []Reply{{Text: staffPrefix + m.Text, Choices: []Choice{{Label: backLabel, Data: backLabel}}}}
}
