package flows

import (
	"context"
	"strings"
	"time"

	"github.com/amamibot/amamibot/calendar"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the bot says around every flow: greeting, menu, ways out.
const (
	greetText = "友だち追加ありがとうございます。\n" +
		"奄美群島の副業・兼業人材プログラムのアシスタントです。お店や会社のお困りごとを送っていただくと、力になれる副業・兼業の専門家をご紹介します。セミナーのお申し込みもこちらからどうぞ。\n" +
		"いつでも「メニュー」と送ると、この案内に戻れます。"
	menuText = "ご用件をお選びください。"
	helpText = "このトークでできることです。\n" +
		"・相談する: お困りごとを送ると、力になれる専門家をご紹介します\n" +
		"・セミナー申込: セミナーに申し込めます\n" +
		"・個別相談: 個別相談の日時を予約できます\n" +
		"・申込確認: お申し込みの確認、日程の変更、取り消しができます\n" +
		"ボタンを押すか、ふだんの言葉で送ってください。"
	cancelledText  = "お手続きを中止しました。"
	nothingToStop  = "進行中のお手続きはありません。"
	expiredText    = "しばらく操作がなかったため、前回のお手続きは終了しました。"
	missText       = "すみません、うまく読み取れませんでした。下のボタンからお選びください。"
	giveUpText     = "うまくご案内できず申し訳ありません。お手数ですが、メニューから選び直してください。"
	mediaText      = "スタンプや画像をありがとうございます。恐れ入りますが、文字で送るか、下のボタンからお選びください。"
	menuLabel      = "メニュー"
	cancelLabel    = "キャンセル"
	seminarLabel   = "セミナー申込"
	myRegsLabel    = "申込確認"
	maxMisses      = 3
	seminarsListed = 10
)

// menuChoices are the menu's items; typing one works at any step.
var menuChoices = []Choice{
	{Label: consultLabel, Data: consultLabel},
	{Label: seminarLabel, Data: seminarLabel},
	{Label: bookLabel, Data: bookLabel},
	{Label: myRegsLabel, Data: myRegsLabel},
}

// SeminarStore is what the seminar flows read and commit.
type SeminarStore interface {
	UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]store.Seminar, error)
	Seminar(ctx context.Context, id string) (store.Seminar, error)
	Register(ctx context.Context, req store.RegisterRequest) (store.Registration, error)
	CancelRegistration(ctx context.Context, userID string, id int64, now time.Time) (store.CancelResult, error)
	UserRegistrations(ctx context.Context, userID string, now time.Time) ([]store.Registration, error)
	Registration(ctx context.Context, id int64) (store.Registration, error)
	ClaimOffer(ctx context.Context, userID string, id int64, now time.Time) (store.Registration, error)
	MoveRegistration(ctx context.Context, req store.MoveRequest) (store.MoveResult, error)
}

// Recorder counts the steps of the programme funnel ("problem_described",
// "suggestions_shown", "introduction_requested", "consultation_booked",
// "seminar_seat_filled", "seminar_online", "seminar_waitlisted",
// "seminar_rated", "consultation_started", "consultation_considering",
// "consultation_dropped", "engagement_continuing", "engagement_ended").
type Recorder interface {
	Record(stage string)
}

// Bot runs the conversations.
type Bot struct {
	Seminars SeminarStore
	Intros   IntroStore
	Bookings BookingStore
	Privacy  PrivacyStore
	Matcher  Matcher
	// Loc is where dates are shown (Asia/Tokyo); times are stored in UTC.
	Loc *time.Location
	// Funnel counts what conversations achieve; nil counts nothing.
	Funnel Recorder
	// Retention is how long problem texts are kept, as the privacy notice says.
	Retention time.Duration
	// FAQ answers questions from the staff's FAQ and keeps the questions it
	// cannot answer for staff; nil: no FAQ, and no question is kept.
	FAQ FAQStore
	// Handoffs puts users through to staff, who answer in a Slack thread;
	// nil: no staff on Slack, and a request to talk to them is kept as a
	// question.
	Handoffs HandoffStore
	// Staff are the hours and idle time-out of hand-offs.
	Staff Staff
	// Reminders are the seminar reminders the store schedules (nil:
	// store.DefaultReminders), for the confirmation to promise.
	Reminders []store.Reminder
	// Calendar signs the .ics links of 「カレンダーに追加」 (zero: the
	// Google Calendar link alone).
	Calendar calendar.Links
	// Announce keeps what each user wants to hear about; nil: no
	// announcements, and the greeting asks nothing.
	Announce AnnounceStore
	// Followups takes the answers to follow-ups; nil: none are taken.
	Followups FollowupStore
}

// Turn is one step's input: the time, who, where they are, and what they did.
type Turn struct {
	Now     time.Time
	UserID  string
	Session Session
	Input   Input
}

// turn is a Turn in progress: steps read the input and write the next session.
type turn struct {
	Turn
	ctx  context.Context
	bot  *Bot
	next Session
	read understand.Reading // what the typed text means; zero for buttons
	// expired: the user's flow ended for lack of activity, so a message
	// that reads as nothing is an answer to the ended step.
	expired   bool
	heardOnce *match.Result // see heard
}

// stepFunc handles the input at one step of a flow.
type stepFunc func(t *turn) ([]Reply, error)

// steps maps "flow/step" to its handler.
var steps map[string]stepFunc

func init() {
	steps = map[string]stepFunc{}
	for flow, fs := range map[string]map[string]stepFunc{
		"seminar":  seminarSteps,
		"myregs":   myRegSteps,
		"intake":   intakeSteps,
		"booking":  bookingSteps,
		"delete":   deleteSteps,
		"switch":   switchSteps,
		"unsure":   unsureSteps,
		"question": questionSteps,
		"offer":    offerSteps,
		"move":     moveSteps,
		"bkmove":   bookingMoveSteps,
		"announce": announceSteps,
	} {
		for step, f := range fs {
			steps[flow+"/"+step] = f
		}
	}
}

// Step handles one input. Effects (a registration, a cancellation) are
// committed through the stores before Step returns; the returned session is
// the state to save.
func (b *Bot) Step(ctx context.Context, in Turn) (Session, []Reply, error) {
	t := &turn{Turn: in, ctx: ctx, bot: b, next: in.Session}
	t.expired = t.next.Flow != "" && in.Now.Sub(in.Session.LastActive) > IdleTimeout
	if t.expired {
		t.next = Session{}
	}
	replies, err := t.dispatch()
	if err != nil {
		return in.Session, nil, err
	}
	if t.expired && len(replies) > 0 {
		replies[0].Text = expiredText + "\n" + replies[0].Text
	}
	return t.next, replies, nil
}

func (t *turn) dispatch() ([]Reply, error) {
	if t.Input.Kind == Follow {
		return t.followed([]Reply{{Text: greetText, Choices: menuChoices}})
	}
	if t.Input.Kind == Unfollow {
		return t.unfollowed()
	}
	t.read = understand.Reading{}
	if t.Input.Kind == Text {
		t.read = understand.Read(normalize(t.Input.Text), t.Now, t.bot.Loc)
	}
	if replies, ok, err := t.inHandoff(); ok || err != nil {
		return replies, err
	}
	if t.Input.Kind == Text && t.unfinished() {
		// A menu item tapped in the middle of a form: ask before dropping it.
		for label, in := range menuIntents {
			if t.typed(label) {
				return t.askSwitch(in), nil
			}
		}
	}
	if t.Input.Kind != Media {
		offer := t.offerAnswer()
		switch {
		case t.typed(menuLabel):
			return t.menu(menuText), nil
		case t.typed(cancelLabel):
			if t.next.Flow == "" {
				return t.menu(nothingToStop), nil
			}
			return t.menu(t.stoppedText()), nil
		case t.typed(deleteLabel):
			return t.start("delete", startDelete)
		case t.typed(consultLabel):
			return t.start("intake", startIntake)
		case t.typed(seminarLabel):
			return t.start("seminar", startSeminar)
		case t.typed(bookLabel), t.typed(bookDecidedBtn):
			return startTypedBooking(t)
		case t.typed(otherCandsBtn):
			return typedRetry(t)
		case t.typed(myRegsLabel):
			return t.start("myregs", startMyRegs)
		case t.bot.Handoffs != nil && t.typed(staffLabel):
			return t.openHandoff("")
		case t.typed(calLabel):
			return answerCalendar(t, "")
		case offer != "":
			if replies, ok, err := typedOffer(t, offer); ok || err != nil {
				return replies, err
			}
		case t.typed(settingsLabel):
			return t.start("announce", startSettings)
		case t.typed(stopAllLabel):
			return stopAll(t)
		}
	}
	step, ok := steps[t.next.Flow+"/"+t.next.Step]
	// Buttons of pushed messages (a staff decision) work whatever the step,
	// and so do those of an earlier list, tapped once its flow has ended.
	if t.Input.Kind == Postback {
		data := t.Input.Text
		switch {
		case strings.HasPrefix(data, bookPrefix):
			return startDecidedBooking(t, strings.TrimPrefix(data, bookPrefix))
		case strings.HasPrefix(data, followPrefix):
			return tappedFollowup(t, data)
		case strings.HasPrefix(data, subscribePrefix):
			return subscribe(t, strings.TrimPrefix(data, subscribePrefix))
		case strings.HasPrefix(data, retryPrefix):
			return startRetry(t, strings.TrimPrefix(data, retryPrefix))
		case strings.HasPrefix(data, offerPrefix):
			return answerOffer(t, strings.TrimPrefix(data, offerPrefix))
		case strings.HasPrefix(data, calPrefix):
			return answerCalendar(t, strings.TrimPrefix(data, calPrefix))
		case strings.HasPrefix(data, bkMovePrefix):
			return startBookingMove(t, strings.TrimPrefix(data, bkMovePrefix))
		case strings.HasPrefix(data, movePrefix):
			return startMove(t, strings.TrimPrefix(data, movePrefix))
		case !ok && strings.HasPrefix(data, announcePrefix):
			return announceTap(t, data)
		case !ok && strings.HasPrefix(data, seminarPrefix):
			t.next = Session{Flow: "seminar"}
			return pickSeminar(t)
		case !ok && strings.HasPrefix(data, slotPrefix):
			t.next = Session{Flow: "booking"}
			return pickSlot(t)
		}
	}
	switch {
	case ok && t.Input.Kind == Media:
		return t.reprompt(mediaText), nil
	case ok:
		return step(t)
	case t.Input.Kind == Media:
		return t.menu(mediaText), nil
	case t.Input.Kind == Text:
		if replies, answered, err := t.typedFollowup(); answered || err != nil {
			return replies, err
		}
		return t.readFreely()
	}
	return t.menu(menuText), nil
}

// record counts a funnel step.
func (t *turn) record(stage string) {
	if t.bot.Funnel != nil {
		t.bot.Funnel.Record(stage)
	}
}

// typed reports whether the user typed label, or tapped a button whose data
// is the label (menu items and ways out).
func (t *turn) typed(label string) bool {
	return normalize(t.Input.Text) == label
}

func (t *turn) start(flow string, first stepFunc) ([]Reply, error) {
	t.next = Session{Flow: flow}
	return first(t)
}

// stoppedText says what stopping the flow in progress leaves: at a
// confirmation that cancels or deletes, that nothing was (「キャンセル」
// there must not read as "cancelled").
func (t *turn) stoppedText() string {
	switch {
	case t.next.Flow == "myregs" && t.next.Step == "cancel":
		return myKeptText
	case t.next.Flow == "delete":
		return deleteKeptText
	}
	return cancelledText
}

// menu ends any flow and shows the menu under text.
func (t *turn) menu(text string) []Reply {
	t.next = Session{}
	return []Reply{{Text: text, Choices: menuChoices}}
}

// ask moves to step and asks a question offering choices; キャンセル is
// always offered as the way out.
func (t *turn) ask(step string, r Reply, offered ...Choice) []Reply {
	t.next.Step = step
	t.next.Offered = offered
	t.next.Misses = 0
	t.next.Asked = r.Text
	if r.Choices == nil {
		r.Choices = offered
	}
	r.Choices = append(r.Choices, Choice{Label: cancelLabel, Data: cancelLabel})
	return []Reply{r}
}

// set records a value the flow has collected.
func (t *turn) set(key, value string) {
	if t.next.Data == nil {
		t.next.Data = map[string]string{}
	}
	t.next.Data[key] = value
}

// reprompt answers input the step did not expect: the same choices again,
// and after a few misses in a row, a fresh start from the menu.
func (t *turn) reprompt(text string) []Reply {
	t.next.Misses++
	if t.next.Misses >= maxMisses {
		replies := t.menu(giveUpText)
		replies[0].Choices = t.withStaff(replies[0].Choices)
		return replies
	}
	return []Reply{{Text: text, Choices: t.offeredWithWayOut()}}
}
