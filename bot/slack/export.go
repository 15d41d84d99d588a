package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/store"
)

// export answers /amami export <kind> [seminar]: the CSV, written for
// Excel, posted as a file shared in the staff channel alone (Slack's
// external upload, with channel_id), never in a public link.
func (a *App) export(ctx context.Context, args []string) (string, error) {
	if len(args) == 0 || len(args) > 2 || export.Kinds[strings.ToLower(args[0])] == nil || len(args) == 2 && strings.ToLower(args[0]) != "registrations" {
		return exportUsage, nil
	}
	kind, seminar := strings.ToLower(args[0]), ""
	title := exportTitles[kind]
	if len(args) == 2 {
		seminar = args[1]
		sem, err := a.store.Seminar(ctx, seminar)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Sprintf(rosterNotFound, field(seminar)), nil
		}
		if err != nil {
			return "", err
		}
		title += " " + sem.Title
	}
	table, err := export.Kinds[kind](ctx, a.store, a.loc, seminar)
	if err != nil {
		return "", err
	}
	var csv bytes.Buffer
	if err := table.Write(&csv, true); err != nil {
		return "", err
	}
	name := kind + "-" + strings.Trim(seminar+"-"+time.Now().In(a.loc).Format("20060102-1504"), "-") + ".csv"
	if !a.upload(ctx, name, title, &csv) {
		return exportFailed, nil
	}
	return fmt.Sprintf(exportPosted, title, len(table.Rows)), nil
}

// upload shares a file in the staff channel alone (Slack's external
// upload, with channel_id); false when Slack refused it, logged.
func (a *App) upload(ctx context.Context, name, title string, content *bytes.Buffer) bool {
	_, err := a.client.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: name, FileSize: content.Len(), Reader: content, Title: title, Channel: a.channel,
	})
	if err != nil {
		a.logger.ErrorContext(ctx, "slack: file upload", "file", name, "err", err)
		return false
	}
	return true
}
