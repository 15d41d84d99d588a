package slackfake_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
)

// TestUpload: slack-go's external upload reaches the channel it names;
// one that names no channel stays private; each step Slack would refuse is
// refused.
func TestUpload(t *testing.T) {
	srv := slackfake.NewServer(t)
	api := client(srv, srv.Token)
	ctx := t.Context()
	content := "name,company\n山田,山田商店\n"
	f, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: "r.csv", FileSize: len(content), Content: content, Title: "申込者", Channel: srv.Channel,
	})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	got := srv.Files(srv.Channel)
	if len(got) != 1 || got[0].ID != f.ID || string(got[0].Content) != content || got[0].Name != "r.csv" || got[0].Title != "申込者" {
		t.Fatalf("files in the channel: %+v, want the CSV", got)
	}
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "p.csv", FileSize: 3, Content: "abc"}); err != nil {
		t.Fatalf("upload without a channel: %v", err)
	}
	if n := len(srv.Files(srv.Channel)); n != 1 {
		t.Errorf("%d files in the channel after a private upload, want 1", n)
	}

	// Refused: a length that differs, another channel, a file never
	// uploaded, or completed twice.
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "x.csv", FileSize: 10, Content: "abc", Channel: srv.Channel}); err == nil {
		t.Error("an upload of 3 bytes declared as 10: no error")
	}
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "x.csv", FileSize: 3, Content: "abc", Channel: "C0OTHER"}); err == nil {
		t.Error("an upload shared in a channel the bot is not in: no error")
	}
	u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "y.csv", FileSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	complete := slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}, Channel: srv.Channel}
	var se slack.SlackErrorResponse
	if _, err := api.CompleteUploadExternalContext(ctx, complete); !errors.As(err, &se) || se.Err != "file_not_found" {
		t.Errorf("completing a file never uploaded: %v, want file_not_found", err)
	}
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: f.ID}}, Channel: srv.Channel}); !errors.As(err, &se) || se.Err != "file_not_found" {
		t.Errorf("completing a file twice: %v, want file_not_found", err)
	}
	if res, err := http.PostForm(srv.URL+"/upload/"+u.FileID, url.Values{"file": {"abc"}}); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("an upload that is not multipart: %v, want 400", err)
	} else {
		res.Body.Close()
	}
	if n := len(srv.TakeRejections()); n < 4 || len(srv.Files(srv.Channel)) != 1 {
		t.Errorf("%d rejections and %d files shared, want at least 4 and 1", n, len(srv.Files(srv.Channel)))
	}
	if !strings.HasPrefix(u.UploadURL, srv.URL) {
		t.Errorf("upload URL %q, want one on the fake", u.UploadURL)
	}
}
