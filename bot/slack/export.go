package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/store"
)

// export answers /amami export <kind> [seminar]: the CSV, written for
// Excel, posted as a file shared in the staff channel alone (Slack's
// external upload, with channel_id), never in a public link.
func (a *App) export(ctx context.Context, args []string) (string, error) {
	kind, seminar, title, refusal, err := a.exportOf(ctx, args)
	if refusal != "" || err != nil {
		return refusal, err
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

// exportOf reads the arguments of /amami export: the kind, the seminar and
// the file's title, or the answer refusing them.
func (a *App) exportOf(ctx context.Context, args []string) (kind, seminar, title, refusal string, err error) {
	if len(args) == 0 || len(args) > 2 || export.Kinds[strings.ToLower(args[0])] == nil || len(args) == 2 && strings.ToLower(args[0]) != "registrations" {
		return "", "", "", exportUsage, nil
	}
	kind = strings.ToLower(args[0])
	title = exportTitles[kind]
	if len(args) == 2 {
		seminar = args[1]
		sem, err := a.store.Seminar(ctx, seminar)
		if errors.Is(err, store.ErrNotFound) {
			return "", "", "", fmt.Sprintf(rosterNotFound, field(seminar)), nil
		}
		if err != nil {
			return "", "", "", "", err
		}
		title += " " + sem.Title
	}
	return kind, seminar, title, "", nil
}

// FileArgs makes the file a staff member asked for with /amami export or
// /amami report, posts it in the staff channel and tells them how it went.
// A slash command must be answered within 3 s, and an upload is three
// calls to Slack: so the command answers at once, and this job does the
// rest.
type FileArgs struct {
	Command string `json:"command"` // the subcommand and its arguments: "export registrations dx-1"
	User    string `json:"user"`    // who asked
}

func (FileArgs) Kind() string { return "slack_file" }

// later answers a command that posts a file (see FileArgs): from a slash
// command, with a job; from a mention (no user), which a job answers
// already, at once.
func (a *App) later(ctx context.Context, cmd slack.SlashCommand, now func() (string, error)) (string, error) {
	if cmd.UserID == "" {
		return now()
	}
	if err := a.store.InsertJob(ctx, FileArgs{Command: cmd.Text, User: cmd.UserID}, nil); err != nil {
		return "", err
	}
	return fileQueued, nil
}

type fileWorker struct {
	river.WorkerDefaults[FileArgs]
	*App
}

func (w *fileWorker) Work(ctx context.Context, job *river.Job[FileArgs]) error {
	var text string
	var err error
	switch args := strings.Fields(job.Args.Command); strings.ToLower(args[0]) {
	case "export":
		text, err = w.export(ctx, args[1:])
	case "report":
		text, err = w.report(ctx)
	default:
		return river.JobCancel(fmt.Errorf("slack file: %q is not a command that posts a file", job.Args.Command))
	}
	if err != nil {
		return err // nothing was posted: River tries again
	}
	// Not retried once the file is up: a retry would post it twice.
	if _, err := w.client.PostEphemeralContext(ctx, w.channel, job.Args.User, slack.MsgOptionText(text, false)); err != nil {
		w.logger.WarnContext(ctx, "slack: tell who asked for a file how it went", "err", err)
	}
	return nil
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
