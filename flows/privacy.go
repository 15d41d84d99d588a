package flows

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/amamibot/amamibot/understand"
)

// What the bot says about personal data (Japan's APPI): the notice before
// the first personal question, and 「データ削除」.
const (
	noticeText = "お名前などを伺う前に、個人情報の取り扱いをご確認ください。\n" + noticeUseText + "\n" +
		"よろしければ「同意する」を押してください。"
	noticeUseText = "いただいたお名前・会社名・連絡先・ご相談内容は、セミナーの運営と専門家のご紹介のためだけに使い、プログラムのスタッフが管理します。" +
		"ご相談内容は%d日後に消去します。「データ削除」と送れば、いつでも削除できます。"
	noticeAgainText = "下のお知らせのとおり、プログラムのスタッフだけが、セミナーの運営と専門家のご紹介のためだけに使います。"
	agreeLabel      = "同意する"
	consentWhyText  = "同意いただけない場合は、お名前などを伺えないため、お申し込みやご紹介を進められません。同意しない場合は「キャンセル」を押してください。"
	refusedText     = "承知しました。同意いただけない場合はお名前などを伺えないため、お手続きを中止しました。"
	deleteLabel     = "データ削除"
	deleteAskText   = "保存しているあなたの個人情報（お名前、会社名、連絡先、ご相談内容）を削除します。セミナーのお申し込みと個別相談の予約も取り消されます。よろしいですか？"
	deleteButton    = "削除する"
	deleteWhatText  = "「データ削除」と送ると、保存しているお名前・会社名・連絡先・ご相談内容を削除し、セミナーのお申し込みと個別相談の予約も取り消します。"
	deleteKeptText  = "承知しました。データはそのままです。"
	retentionText   = "送らなくても、ご相談内容は%d日後に消去します。"
	deletedText     = "個人情報を削除しました。ご利用ありがとうございました。"
	consentStep     = "consent"
	afterConsentKey = "after_consent"
)

// PrivacyStore is what the privacy steps read and commit.
type PrivacyStore interface {
	Consent(ctx context.Context, userID string) (at time.Time, ok bool, err error)
	RecordConsent(ctx context.Context, userID string, at time.Time) error
	DeleteUserData(ctx context.Context, userID string) error
}

// personalQuestions are the first personal questions of each flow: asked
// only once the user has agreed to the notice.
var personalQuestions = map[string]stepFunc{
	"seminar/name": askName,
	"intake/name":  askOwnerName,
	"booking/name": askOwnerName,
}

// askPersonal asks the personal question at step of the current flow, after
// the privacy notice when the user has not agreed to it yet.
func askPersonal(t *turn, step string) ([]Reply, error) {
	ask := personalQuestions[t.next.Flow+"/"+step]
	_, ok, err := t.bot.Privacy.Consent(t.ctx, t.UserID)
	if err != nil {
		return nil, fmt.Errorf("consent: %w", err)
	}
	if ok {
		return ask(t)
	}
	t.set(afterConsentKey, step)
	notice := fmt.Sprintf(noticeText, t.retentionDays())
	return t.ask(consentStep, Reply{Text: notice}, Choice{Label: agreeLabel, Data: agreeLabel}), nil
}

func takeConsent(t *turn) ([]Reply, error) {
	// 「同意しません」「同意できません」: nothing is recorded; 「同意しないと
	// だめですか」 asks, and is answered.
	if !t.asks() && (t.says(understand.No) || consentRefusedRe.MatchString(normalize(t.Input.Text))) {
		return t.menu(refusedText), nil
	}
	if t.asks() && strings.Contains(normalize(t.Input.Text), "同意") { // 「同意しないとだめですか」
		return t.aside(consentWhyText), nil
	}
	if !t.picks(agreeLabel) {
		return t.offStep(missText)
	}
	if err := t.bot.Privacy.RecordConsent(t.ctx, t.UserID, t.Now); err != nil {
		return nil, fmt.Errorf("record consent: %w", err)
	}
	return personalQuestions[t.next.Flow+"/"+t.next.Data[afterConsentKey]](t)
}

// consentRefusedRe refuses consent in words that also hold 同意 (read as
// a yes): 「同意できません」「同意はしない」「同意しかねます」.
var consentRefusedRe = regexp.MustCompile(`同意(は|も)?(でき|し|致し|いたし)?(ません|ない|かね|できん|せん)`)

// privacyWords ask what becomes of the details given (「個人情報はどう使
// われますか」「誰が見るんですか」): the notice answers.
var privacyWords = []string{"個人情報", "使われ", "使い道", "何に使", "どう使", "誰が見", "だれが見", "誰に見", "漏れ", "プライバシー",

	"なんで名前", "なぜ名前", "名前がいる", "名前が必要", "名前も必要", "会社名も必要", "会社名が必要", "連絡先が必要", "電話番号が必要", "なんで電話"}

// privacyAnswer is the notice's account of the details given, for a
// question about them; ok is false when text asks something else.
func (t *turn) privacyAnswer(text string) (answer string, ok bool) {
	switch {
	case !containsAny(text, privacyWords...):
		return "", false
	case t.next.Step == consentStep: // the notice, asked again after the answer, says it all
		return noticeAgainText, true
	}
	return fmt.Sprintf(noticeUseText, t.retentionDays()), true
}

func (t *turn) retentionDays() int { return int(t.bot.Retention / (24 * time.Hour)) }

func askName(t *turn) ([]Reply, error) {
	return t.ask("name", Reply{Text: semNameText}), nil
}

var deleteSteps = map[string]stepFunc{
	"confirm": confirmDelete,
}

// startDelete ends whatever flow was running (its answers are dropped with
// it) and asks to confirm the deletion.
func startDelete(t *turn) ([]Reply, error) {
	return t.ask("confirm", Reply{Text: deleteAskText}, Choice{Label: deleteButton, Data: choiceConfirm}), nil
}

// confirmDelete cancels what is still active, through the usual paths so
// that seats and slots go to others, then erases the personal data.
func confirmDelete(t *turn) ([]Reply, error) {
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	regs, err := t.bot.Seminars.UserRegistrations(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("registrations of user: %w", err)
	}
	for _, r := range regs {
		if _, err := t.bot.Seminars.CancelRegistration(t.ctx, t.UserID, r.ID, t.Now); err != nil {
			return nil, fmt.Errorf("cancel registration %d: %w", r.ID, err)
		}
	}
	bookings, err := t.bot.Bookings.UserBookings(t.ctx, t.UserID, t.Now)
	if err != nil {
		return nil, fmt.Errorf("bookings of user: %w", err)
	}
	for _, b := range bookings {
		if _, err := t.bot.Bookings.CancelBooking(t.ctx, t.UserID, b.ID, t.Now); err != nil {
			return nil, fmt.Errorf("cancel booking %d: %w", b.ID, err)
		}
	}
	if err := t.bot.Privacy.DeleteUserData(t.ctx, t.UserID); err != nil {
		return nil, fmt.Errorf("delete user data: %w", err)
	}
	return t.menu(deletedText), nil
}
