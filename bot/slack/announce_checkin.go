package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/chart"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// What staff see when they mark attendance (/amami checkin <seminar>).
const (
	actionCheckin    = "checkin"
	checkinNoID      = "セミナーIDを指定してください。例: `/amami checkin セミナーID`（IDは `/amami seminars` で確認できます）"
	checkinPosted    = "出席簿を投稿しました。来た人の「出席」を押してください。押されなかった人には、翌日「次回のご案内」が届きます。"
	checkinNone      = "このセミナーには、出席を付けられるお申し込みがありません。"
	checkinHeader    = "*出席簿: %s*（%s・%d人）\n来た人の「出席」を押してください。"
	checkinButton    = "出席: %s"
	checkinDone      = "%sさんを出席にしました。"
	checkinFailed    = "出席を記録できませんでした。もう一度お試しください。"
	checkinsPerRow   = 25 // buttons in one actions block
	checkinMaxPeople = checkinsPerRow * 40
)

// checkin posts the seminar's confirmed attendees with a 「出席」 button
// each, in the staff channel.
func (a *App) checkin(ctx context.Context, args []string) (string, error) {
	if len(args) == 0 {
		return checkinNoID, nil
	}
	sem, err := a.store.Seminar(ctx, args[0])
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Sprintf(rosterNotFound, field(args[0])), nil
	}
	if err != nil {
		return "", err
	}
	regs, err := a.store.SeminarRegistrations(ctx, sem.ID)
	if err != nil {
		return "", err
	}
	var buttons []slack.BlockElement
	for _, r := range regs {
		if r.Status != store.Confirmed || len(buttons) == checkinMaxPeople {
			continue
		}
		who := strings.TrimSpace(r.Name)
		if r.Company != "" {
			who += "（" + r.Company + "）"
		}
		buttons = append(buttons, slack.NewButtonBlockElement(actionCheckin+"-"+strconv.FormatInt(r.ID, 10),
			strconv.FormatInt(r.ID, 10), plain(clip(fmt.Sprintf(checkinButton, who), 75))))
	}
	if len(buttons) == 0 {
		return checkinNone, nil
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(checkinHeader, field(sem.Title), flows.When(a.loc, sem.StartsAt, sem.EndsAt), len(buttons))), nil, nil)}
	for i := 0; i < len(buttons); i += checkinsPerRow {
		blocks = append(blocks, slack.NewActionBlock("", buttons[i:min(i+checkinsPerRow, len(buttons))]...))
	}
	if _, _, err := a.client.PostMessageContext(ctx, a.channel, slack.MsgOptionText(fmt.Sprintf("出席簿: %s", sem.Title), false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return "", err
	}
	return checkinPosted, nil
}

// checkedIn records a 「出席」 click.
func (a *App) checkedIn(ctx context.Context, act *slack.BlockAction, by string) string {
	id, err := strconv.ParseInt(act.Value, 10, 64)
	if err != nil {
		return ""
	}
	if err := a.store.MarkAttendance(ctx, id, true, by, time.Now()); err != nil {
		a.logger.ErrorContext(ctx, "slack: mark attendance", "registration", id, "err", err)
		return checkinFailed
	}
	name, _ := strings.CutPrefix(act.Text.Text, strings.TrimSuffix(checkinButton, "%s"))
	return fmt.Sprintf(checkinDone, name)
}

// outcomeLine tells staff what an owner answered a week after the
// consultation, engagementLine three months after the work started.
const (
	outcomeLine      = ":speech_balloon: 個別相談のその後（%s・担当 %s）: *%s*"
	engagementLine   = ":speech_balloon: 3か月後のお仕事（%s・担当 %s）: *%s*"
	outcomeIntroLine = "（紹介依頼 #%d）"
)

// outcomeWorker posts an owner's answer to the consultation's or the
// engagement's follow-up (store.OutcomeNoticeArgs) in the staff channel.
type outcomeWorker struct {
	river.WorkerDefaults[store.OutcomeNoticeArgs]
	*App
}

func (w *outcomeWorker) Work(ctx context.Context, job *river.Job[store.OutcomeNoticeArgs]) error {
	f, err := w.store.Followup(ctx, job.Args.FollowupID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased with the user's data
	}
	if err != nil {
		return err
	}
	line, booking := outcomeLine, f.Ref
	if f.Kind == store.FollowEngagement {
		// Its ref is the consultation's follow-up, whose ref is the booking.
		line, booking = engagementLine, 0
		if c, err := w.store.Followup(ctx, f.Ref); err == nil {
			booking = c.Ref
		}
	}
	company := orUnknown("")
	if b, err := w.store.Booking(ctx, booking); err == nil {
		company = orUnknown(field(b.Owner.Company))
	}
	text := fmt.Sprintf(line, company, field(f.Title), flows.OutcomeLabel(f.Answer))
	if f.IntroductionID != 0 {
		text += fmt.Sprintf(outcomeIntroLine, f.IntroductionID)
	}
	if _, _, err := w.client.PostMessageContext(ctx, w.channel, slack.MsgOptionText(text, false)); err != nil {
		return w.failed(ctx, "slack outcome: chat.postMessage", err)
	}
	return nil
}

// What /amami report says: the programme's figures by month, beside the
// funnel chart it posts in the channel.
const (
	reportHeader      = "*プログラムの数字*（月ごと）"
	reportChartPosted = "図をこのチャンネルに投稿しました。"
	reportChartFailed = "図を投稿できませんでした。アプリに `files:write` の権限があるか確かめてください。"
	reportChartTitle  = "プログラムの数字"
	reportNone        = "まだ数える記録がありません。"
	reportLine        = "*%s* 紹介依頼 %d → 承認 %d → 個別相談 %d → 始まった %d → 3か月後も続く %d ｜ セミナー申込 %d・出席 %d・欠席 %d ｜ フォローへの回答 %d/%d"
)

func (a *App) report(ctx context.Context) (string, error) {
	months, err := a.store.Months(ctx, a.loc)
	if err != nil {
		return "", err
	}
	if len(months) == 0 {
		return reportNone, nil
	}
	lines := make([]string, len(months))
	for i, m := range months {
		lines[len(months)-1-i] = fmt.Sprintf(reportLine, m.Month, m.Requests, m.Approved, m.Consultations, m.Started, m.Continuing,
			m.Registrations, m.Attended, m.NoShows, m.Answered, m.Asked)
	}
	var png bytes.Buffer
	if err := chart.Funnel(months).Draw(&png); err != nil {
		return "", err
	}
	posted := reportChartFailed
	if a.upload(ctx, "report-"+time.Now().In(a.loc).Format("20060102-1504")+".png", reportChartTitle, &png) {
		posted = reportChartPosted
	}
	return answer(reportHeader, lines) + "\n" + posted, nil
}
