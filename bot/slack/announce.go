package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// AnnounceStore is what announcing from Slack reads and commits.
type AnnounceStore interface {
	Audience(ctx context.Context, topic string) (int, error)
	CreateAnnouncement(ctx context.Context, a store.NewAnnouncement) (store.Announcement, error)
	ApproveAnnouncement(ctx context.Context, id int64, by string, now time.Time, pace time.Duration) (store.Announcement, error)
	Announcement(ctx context.Context, id int64) (store.Announcement, error)
	MarkAttendance(ctx context.Context, registrationID int64, attended bool, by string, now time.Time) error
	Followup(ctx context.Context, id int64) (store.Followup, error)
	Months(ctx context.Context, loc *time.Location) ([]store.Month, error)
}

// What staff see when they announce from Slack (/amami announce).
const (
	composeCallback = "announce_compose"
	confirmCallback = "announce_confirm"
	composeTitle    = "お知らせを送る"
	composeSubmit   = "確認する"
	confirmSubmit   = "送信"
	closeLabel      = "やめる"
	topicLabel      = "届け先（お知らせの種類）"
	textLabel       = "本文"
	linkLabel       = "リンク（任意）"
	linkHint        = "https:// で始まるURL。本文の下に「詳しくはこちら」として載ります。"
	seminarLabel    = "申し込みボタンを付けるセミナー（任意）"
	atLabel         = "送信日時（任意）"
	atHint          = "例: 12/10 9:00。空欄なら「送信」を押してすぐに送ります。"
	announceOpened  = "お知らせの作成画面を開きました。"
	announceNoOpen  = "作成画面を開けませんでした。もう一度 `/amami announce` をお試しください。"
	noTopic         = "届け先を選んでください。"
	noAudience      = "「%s」のお知らせを受け取る人はいません。送信されません。"
	linkAndSeminar  = "リンクとセミナーのボタンは、どちらか一つにしてください。"
	badAt           = "日時は「12/10 9:00」の形で入力してください。"
	pastAt          = "過去の日時です。これから先の日時を入力してください。"
	tooLongForSlack = "Slack から送れる本文は%d文字までです（長いお知らせは `amamibot announce` で送れます）。"
	previewHeader   = "*届く人数: %d人*（%s）\n送信: %s\n以下の内容で送ります。よろしければ「送信」を押してください。"
	previewNow      = "「送信」を押してすぐ"
	threadStart     = ":mega: お知らせを送信します（%s・%d人・%s）\n>>> %s"
	progressLine    = "送信中: %d / %d人（%d / %d回目）"
	doneLine        = ":white_check_mark: 送信が完了しました（%d人）"
	goneLine        = "受け取る人がいなくなったため、送信しませんでした。"
	approvalLine    = "作成した人とは別のスタッフが「送信」を押すと送信します。"
	approvalButton  = "送信"
	actionAnnounce  = "announce_send"
	approvedReply   = "送信を開始しました（%d人）。進み具合はスレッドでお知らせします。"
	sameStaffReply  = "作成した本人は送信できません。別のスタッフが「送信」を押してください。"
	approvedBefore  = "このお知らせは、すでに送信を始めています。"
)

// maxSlackText bounds the text of an announcement made in Slack: the draft
// travels in the preview's private_metadata, which holds 3,000 characters.
const maxSlackText = 2500

// AnnouncePace is the time between two multicasts of any announcements
// (see store.NewAnnouncement).
const AnnouncePace = time.Second

// draft is an announcement being composed, carried by the preview.
type draft struct {
	Topic       string    `json:"topic"`
	Text        string    `json:"text"`
	ButtonLabel string    `json:"button_label,omitempty"`
	ButtonData  string    `json:"button_data,omitempty"`
	At          time.Time `json:"at,omitzero"`
}

func (d draft) announcement() store.Announcement {
	return store.Announcement{Topic: d.Topic, Text: d.Text, ButtonLabel: d.ButtonLabel, ButtonData: d.ButtonData}
}

// openAnnounce opens the modal to compose an announcement.
func (a *App) openAnnounce(ctx context.Context, triggerID string) (string, error) {
	sems, err := a.store.UpcomingSeminars(ctx, time.Now(), seminarsShown)
	if err != nil {
		return "", err
	}
	var topics []*slack.OptionBlockObject
	for _, t := range []string{store.TopicSeminar, store.TopicJobs, store.TopicTours} {
		topics = append(topics, option(t, flows.TopicLabel(t)))
	}
	for _, code := range match.Categories() {
		topics = append(topics, option(store.FieldTopic(code), "分野: "+match.CategoryLabel(code)))
	}
	text := slack.NewPlainTextInputBlockElement(nil, "text")
	text.Multiline = true
	blocks := []slack.Block{
		slack.NewInputBlock("topic", plain(topicLabel), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "topic", topics...)),
		slack.NewInputBlock("text", plain(textLabel), nil, text),
		optional(slack.NewInputBlock("link", plain(linkLabel), plain(linkHint), slack.NewPlainTextInputBlockElement(nil, "link"))),
	}
	if len(sems) > 0 {
		var opts []*slack.OptionBlockObject
		for _, s := range sems {
			opts = append(opts, option(s.ID, clip(flows.When(a.loc, s.StartsAt, s.EndsAt)+" "+s.Title, 75)))
		}
		blocks = append(blocks, optional(slack.NewInputBlock("seminar", plain(seminarLabel), nil,
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "seminar", opts...))))
	}
	blocks = append(blocks, optional(slack.NewInputBlock("at", plain(atLabel), plain(atHint), slack.NewPlainTextInputBlockElement(nil, "at"))))
	view := slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(composeTitle), Submit: plain(composeSubmit), Close: plain(closeLabel),
		CallbackID: composeCallback, Blocks: slack.Blocks{BlockSet: blocks},
	}
	if _, err := a.client.OpenViewContext(ctx, triggerID, view); err != nil {
		a.logger.WarnContext(ctx, "slack: views.open", "err", err)
		return announceNoOpen, nil
	}
	return announceOpened, nil
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(label), nil)
}

func optional(b *slack.InputBlock) *slack.InputBlock {
	b.Optional = true
	return b
}

// viewSubmission answers a submitted modal: the composed announcement
// (errors shown in the modal, or its preview with the reach), or the
// preview's 「送信」.
func (a *App) viewSubmission(ctx context.Context, ic slack.InteractionCallback) *slack.ViewSubmissionResponse {
	if ic.Team.ID != a.team {
		a.logger.InfoContext(ctx, "slack: refused from another workspace", "what", "modal")
		return nil
	}
	switch ic.View.CallbackID {
	case composeCallback:
		return a.preview(ctx, ic.View.State)
	case confirmCallback:
		var d draft
		if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &d); err != nil {
			a.logger.WarnContext(ctx, "slack: preview without its draft, ignored")
			return nil
		}
		return a.send(ctx, d, cmp.Or(ic.User.Name, ic.User.Username, ic.User.ID))
	}
	a.logger.InfoContext(ctx, "slack: view ignored", "callback", ic.View.CallbackID)
	return nil
}

// preview checks the composed announcement and shows its reach and how it
// will look, or what to fix, next to the field to fix.
func (a *App) preview(ctx context.Context, state *slack.ViewState) *slack.ViewSubmissionResponse {
	value := func(block string) string {
		if state == nil {
			return ""
		}
		act := state.Values[block][block]
		return strings.TrimSpace(cmp.Or(act.Value, act.SelectedOption.Value))
	}
	d := draft{Topic: value("topic"), Text: value("text")}
	errs := map[string]string{}
	link, seminar := value("link"), value("seminar")
	switch {
	case link != "" && seminar != "":
		errs["link"] = linkAndSeminar
	case link != "":
		d.ButtonLabel, d.ButtonData = "詳しくはこちら", link
	case seminar != "":
		b := flows.SignUpButton(seminar)
		d.ButtonLabel, d.ButtonData = b.Label, b.Data
	}
	// The button alone (under a text that is fine), then the text with it.
	button := d.announcement()
	button.Text = "-"
	if problem := flows.AnnouncementProblem(button); problem != "" && errs["link"] == "" {
		errs["link"] = problem
	}
	textOnly := store.Announcement{Text: d.Text}
	if n := utf8.RuneCountInString(d.Text); n > maxSlackText {
		errs["text"] = fmt.Sprintf(tooLongForSlack, maxSlackText)
	} else if problem := flows.AnnouncementProblem(textOnly); problem != "" {
		errs["text"] = problem
	} else if problem := flows.AnnouncementProblem(d.announcement()); problem != "" && errs["link"] == "" {
		errs["text"] = problem // the text is too long with the link
	}
	if at := value("at"); at != "" {
		t, err := a.parseAt(at)
		switch {
		case err != nil:
			errs["at"] = badAt
		case !t.After(time.Now()):
			errs["at"] = pastAt
		}
		d.At = t
	}
	reach := 0
	if d.Topic == "" {
		errs["topic"] = noTopic
	} else {
		n, err := a.store.Audience(ctx, d.Topic)
		if err != nil {
			a.logger.ErrorContext(ctx, "slack: count an announcement's reach", "err", err)
			errs["topic"] = commandFailed
		} else if reach = n; n == 0 {
			errs["topic"] = fmt.Sprintf(noAudience, flows.TopicLabel(d.Topic))
		}
	}
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	meta, _ := json.Marshal(d)
	when := previewNow
	if !d.At.IsZero() {
		when = d.At.In(a.loc).Format("1/2 15:04")
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf(previewHeader, reach, esc(flows.TopicLabel(d.Topic)), when)), nil, nil),
		slack.NewDividerBlock(),
	}
	for _, r := range flows.Announcement(d.announcement()) {
		shown := r.Text
		for _, c := range r.Choices {
			shown += "\n[" + c.Label + "]"
		}
		blocks = append(blocks, slack.NewSectionBlock(plain(clip(shown, 2900)), nil, nil))
	}
	return slack.NewUpdateViewSubmissionResponse(&slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(composeTitle), Submit: plain(confirmSubmit), Close: plain(closeLabel),
		CallbackID: confirmCallback, PrivateMetadata: string(meta), Blocks: slack.Blocks{BlockSet: blocks},
	})
}

// parseAt reads 「12/10 9:00」 or 「2026-12-10 09:00」 in the display zone;
// a month and day without a year is the next one to come.
func (a *App) parseAt(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(strings.NewReplacer("：", ":", "／", "/").Replace(s)), " ")
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, a.loc); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("1/2 15:04", s, a.loc)
	if err != nil {
		return time.Time{}, err
	}
	now := time.Now().In(a.loc)
	t = t.AddDate(now.Year(), 0, 0)
	if t.Before(now.AddDate(0, 0, -1)) {
		t = t.AddDate(1, 0, 0)
	}
	return t, nil
}

// send creates the announcement once staff pressed 「送信」: its thread in
// the staff channel first, so that progress can be posted there.
func (a *App) send(ctx context.Context, d draft, by string) *slack.ViewSubmissionResponse {
	now := time.Now()
	n, err := a.store.Audience(ctx, d.Topic)
	if err == nil && n == 0 {
		return a.notSent(goneLine)
	}
	head := fmt.Sprintf(threadStart, esc(flows.TopicLabel(d.Topic)), n, esc(by), esc(clip(d.Text, 300)))
	_, ts, err := a.client.PostMessageContext(ctx, a.channel, slack.MsgOptionText(head, false))
	if err != nil {
		a.logger.ErrorContext(ctx, "slack: post an announcement's thread", "err", err)
		return a.notSent(commandFailed)
	}
	ann := d.announcement()
	ann.CreatedBy, ann.CreatedAt, ann.SendAt = by, now, cmp.Or(d.At, now)
	ann.SlackChannel, ann.SlackTS = a.channel, ts
	created, err := a.store.CreateAnnouncement(ctx, store.NewAnnouncement{Announcement: ann, Pace: AnnouncePace, SecondStaff: a.secondStaff})
	if err != nil {
		reply := commandFailed
		if errors.Is(err, store.ErrNoAudience) {
			reply = goneLine
		} else {
			a.logger.ErrorContext(ctx, "slack: create an announcement", "err", err)
		}
		a.client.PostMessageContext(ctx, a.channel, slack.MsgOptionText(reply, false), slack.MsgOptionTS(ts))
		return nil
	}
	a.logger.InfoContext(ctx, "slack: announcement created", "announcement", created.ID, "recipients", created.Recipients)
	if a.secondStaff {
		button := slack.NewButtonBlockElement(actionAnnounce, strconv.FormatInt(created.ID, 10), plain(approvalButton))
		button.Style = slack.StylePrimary
		_, _, err := a.client.PostMessageContext(ctx, a.channel, slack.MsgOptionTS(ts), slack.MsgOptionText(approvalLine, false),
			slack.MsgOptionBlocks(slack.NewSectionBlock(mrkdwn(approvalLine), nil, nil), slack.NewActionBlock("", button)))
		if err != nil {
			a.logger.ErrorContext(ctx, "slack: post an announcement's 送信 button", "announcement", created.ID, "err", err)
		}
	}
	return nil
}

// approveAnnouncement is a second staff member's 「送信」.
func (a *App) approveAnnouncement(ctx context.Context, value, by string) string {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return ""
	}
	ann, err := a.store.ApproveAnnouncement(ctx, id, by, time.Now(), AnnouncePace)
	switch {
	case err == nil:
		a.logger.InfoContext(ctx, "slack: announcement approved", "announcement", id)
		return fmt.Sprintf(approvedReply, ann.Recipients)
	case errors.Is(err, store.ErrSameStaff):
		return sameStaffReply
	case errors.Is(err, store.ErrApproved):
		return approvedBefore
	}
	a.logger.ErrorContext(ctx, "slack: approve an announcement", "announcement", id, "err", err)
	return commandFailed
}

// notSent shows why nothing was sent, in the modal.
func (a *App) notSent(why string) *slack.ViewSubmissionResponse {
	return slack.NewUpdateViewSubmissionResponse(&slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(composeTitle), Close: plain(closeLabel),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(plain(why), nil, nil)}},
	})
}

// progressWorker posts, in the announcement's thread, each batch sent and
// then the final count (store.AnnounceProgressArgs).
type progressWorker struct {
	river.WorkerDefaults[store.AnnounceProgressArgs]
	*App
}

func (w *progressWorker) Work(ctx context.Context, job *river.Job[store.AnnounceProgressArgs]) error {
	ann, err := w.store.Announcement(ctx, job.Args.AnnouncementID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	line := fmt.Sprintf(progressLine, ann.Sent, ann.Recipients, ann.SentBatches, ann.Batches)
	if job.Args.Batch == ann.Batches-1 && ann.SentBatches == ann.Batches {
		line = fmt.Sprintf(doneLine, ann.Sent)
	}
	if _, _, err := w.client.PostMessageContext(ctx, ann.SlackChannel, slack.MsgOptionText(line, false), slack.MsgOptionTS(ann.SlackTS)); err != nil {
		return w.failed(ctx, "slack progress: chat.postMessage", err)
	}
	return nil
}
