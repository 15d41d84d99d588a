package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// File is a file uploaded with Slack's external upload: reserved by
// files.getUploadURLExternal, its bytes posted to the upload URL, then
// completed (files.completeUploadExternal), shared in Channel when the call
// named one (channel_id) and private to the bot otherwise.
type File struct {
	ID        string
	Name      string // filename at files.getUploadURLExternal
	Title     string
	Length    int    // the length declared
	Content   []byte // as posted to the upload URL
	Channel   string // shared there; "" while private
	Completed bool
}

// maxFile is the largest upload the fake takes (Slack's is 1 GB).
const maxFile = 8 << 20

// getUploadURL reserves a file: filename and length are required, and the
// upload URL is on the fake, as Slack's is on files.slack.com.
func (s *Server) getUploadURL(args url.Values) reply {
	name := args.Get("filename")
	length, err := strconv.Atoi(args.Get("length"))
	switch {
	case name == "":
		return slackError("invalid_arguments", "filename is required")
	case err != nil || length < 1:
		return slackError("invalid_arguments", "length must be a positive number of bytes")
	case length > maxFile:
		return slackError("file_too_large")
	}
	f := &File{ID: fmt.Sprintf("F%08d", len(s.files)+1), Name: name, Length: length}
	s.files = append(s.files, f)
	return ok(map[string]any{"upload_url": s.URL + "/upload/" + f.ID, "file_id": f.ID})
}

// serveUpload takes the bytes of a reserved file, posted as the multipart
// field "file", as slack-go does; they must be the length declared.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+1<<20)
	part, _, err := r.FormFile("file")
	if err != nil {
		s.rejectUpload(w, r, "a multipart field \"file\" was expected: "+err.Error())
		return
	}
	content, err := io.ReadAll(part)
	if err != nil {
		s.rejectUpload(w, r, "reading the upload: "+err.Error())
		return
	}
	s.mu.Lock()
	why := ""
	switch f := s.file(r.PathValue("id")); {
	case f == nil || f.Completed || f.Content != nil:
		why = "no file awaits an upload at this URL"
	case len(content) != f.Length:
		why = fmt.Sprintf("%d bytes uploaded, %d declared at files.getUploadURLExternal", len(content), f.Length)
	default:
		f.Content = content
		s.notify()
	}
	s.mu.Unlock()
	if why != "" {
		s.rejectUpload(w, r, why)
		return
	}
	fmt.Fprintf(w, "OK - %d", len(content))
}

// rejectUpload answers an upload Slack would refuse, and records it.
func (s *Server) rejectUpload(w http.ResponseWriter, r *http.Request, why string) {
	s.mu.Lock()
	c := Call{Method: "upload " + r.URL.Path, Status: http.StatusBadRequest, Error: why, At: s.now()}
	s.calls = append(s.calls, c)
	s.rejections = append(s.rejections, c)
	s.notify()
	s.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

// completeUpload completes uploaded files and shares them in channel_id.
func (s *Server) completeUpload(args url.Values) reply {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(args.Get("files")), &files); err != nil || len(files) == 0 {
		return slackError("invalid_arguments", "files must be a JSON array of {id, title}")
	}
	channel := args.Get("channel_id")
	if args.Get("channels") != "" {
		return slackError("invalid_arguments", "slackfake: channels is deprecated; share with channel_id")
	}
	if channel != "" && channel != s.Channel {
		return refused("channel_not_found")
	}
	var done []map[string]any
	for _, in := range files {
		f := s.file(in.ID)
		switch {
		case f == nil:
			return slackError("file_not_found", in.ID)
		case f.Content == nil:
			return slackError("file_not_found", in.ID+" was never uploaded")
		case f.Completed:
			return slackError("file_not_found", in.ID+" is already completed")
		}
		done = append(done, map[string]any{"id": f.ID, "title": in.Title})
	}
	for _, in := range files {
		f := s.file(in.ID)
		f.Completed, f.Title, f.Channel = true, in.Title, channel
	}
	s.notify()
	return ok(map[string]any{"files": done})
}

// file finds a reserved file; s.mu is held.
func (s *Server) file(id string) *File {
	for _, f := range s.files {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// Files returns copies of the completed files shared in channel, oldest first.
func (s *Server) Files(channel string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, f := range s.files {
		if f.Completed && f.Channel == channel {
			c := *f
			c.Content = append([]byte(nil), f.Content...)
			out = append(out, c)
		}
	}
	return out
}
