package slack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/slack-go/slack"
)

// MaxBodyBytes caps a request body from Slack. Interaction payloads carry
// the clicked message and stay well under it.
const MaxBodyBytes = 1 << 20

// verify reads the body of a request from Slack and checks its signature
// (made with the signing secret, over the timestamp and the body; a
// timestamp over 5 minutes off is refused, which stops replays). On success
// the body is put back for parsing; otherwise verify has answered the
// request (401 for a bad or stale signature) and returns false.
func (a *App) verify(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, fmt.Sprintf("body larger than %d bytes", MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return false
		}
		http.Error(w, "could not read body", http.StatusBadRequest)
		return false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, a.secret)
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		a.logger.WarnContext(r.Context(), "slack: request refused", "path", r.URL.Path, "why", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid or stale Slack signature", http.StatusUnauthorized)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}
