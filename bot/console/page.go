package console

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The page and the small JSON API it calls, under /console/.

//go:embed static
var static embed.FS

// pollWait bounds how long a request for the state waits for a change
// before answering with none.
const pollWait = 25 * time.Second

// cookieName keeps the console's token after a visit with ?token=.
const cookieName = "amamibot_console"

var errUnknownUser = errors.New("unknown user")

// Handler serves the page and its API under /console/, behind the token
// when one is set. Mount it at "/console/".
func (c *Console) Handler() http.Handler {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded directory: a bug
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, files, "index.html")
	})
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(files)))
	mux.HandleFunc("GET /console/api/state", c.state)
	mux.HandleFunc("POST /console/api/users", c.postUser)
	mux.HandleFunc("POST /console/api/send", c.postSend)
	mux.HandleFunc("POST /console/api/click", c.postClick)
	mux.HandleFunc("POST /console/api/command", c.postCommand)
	mux.HandleFunc("POST /console/api/reply", c.postReply)
	// The page's POSTs act as users and staff: refuse them from other sites.
	return c.guard(http.NewCrossOriginProtection().Handler(mux))
}

// guard lets through only requests with the token: in the Authorization
// header as a bearer token, or in the cookie that a first visit with
// ?token= sets (and then drops from the address).
func (c *Console) guard(next http.Handler) http.Handler {
	if c.token == "" {
		return next
	}
	valid := func(s string) bool { return subtle.ConstantTimeCompare([]byte(s), []byte(c.token)) == 1 }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if t := q.Get("token"); t != "" && valid(t) {
			http.SetCookie(w, &http.Cookie{
				Name: cookieName, Value: t, Path: "/console/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode,
				Secure:   r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
			})
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return
		}
		cookie, _ := r.Cookie(cookieName)
		if valid(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) || (cookie != nil && valid(cookie.Value)) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="amamibot console"`)
		http.Error(w, "コンソールを開くにはトークンが必要です。/console/?token=（CONSOLE_TOKEN の値）で開いてください。\n"+
			"The console needs its token: open /console/?token=<CONSOLE_TOKEN>.", http.StatusUnauthorized)
	})
}

// platform tells the page whether a platform is emulated.
type platform struct {
	Emulated bool `json:"emulated"`
}

// state answers the page with what it shows: the simulated users, the chat
// of the user it asks for and the staff channel. Given v, the version it
// last saw, it waits up to pollWait for a change first.
func (c *Console) state(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("v"), 10, 64)
	// The wait may outlast the server's write time-out; where the
	// connection cannot extend it, the page just asks again sooner.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(pollWait + 10*time.Second))
	timeout := time.NewTimer(pollWait)
	defer timeout.Stop()
	c.mu.Lock()
	// Only the version the page has is worth waiting on: any other (one
	// from before a restart, say) is answered at once.
	for since != 0 && c.version == since {
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-timeout.C:
			since = 0 // answer with what there is
		case <-r.Context().Done():
			return
		}
		c.mu.Lock()
	}
	type userItem struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Count int    `json:"count"` // messages in the chat, for unread marks
	}
	out := struct {
		Version int64        `json:"version"`
		LINE    platform     `json:"line"`
		Slack   platform     `json:"slack"`
		Channel string       `json:"channel"`
		Users   []userItem   `json:"users"`
		Chat    *chatUser    `json:"chat,omitempty"`
		Staff   []*slackPost `json:"staff"`
	}{
		Version: c.version,
		LINE:    platform{Emulated: c.line != nil},
		Slack:   platform{Emulated: c.slack != nil},
		Channel: staffChannel,
		Users:   []userItem{},
		Chat:    c.byID[r.URL.Query().Get("user")],
		Staff:   c.posts,
	}
	for _, u := range c.users {
		out.Users = append(out.Users, userItem{ID: u.ID, Name: u.Name, Count: len(u.Messages)})
	}
	// Encoded under the lock: chats and posts change under it.
	body, err := json.Marshal(out)
	c.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

func (c *Console) postUser(w http.ResponseWriter, r *http.Request) {
	if c.line == nil {
		pageError(w, http.StatusConflict, "LINE は実際のチャネルに接続されているため、コンソールの利用者は使えません。")
		return
	}
	u, err := c.addUser(r.Context())
	if err != nil {
		c.logger.WarnContext(r.Context(), "console: deliver a follow event", "err", err)
		pageError(w, http.StatusBadGateway, "友だち追加をサーバーに届けられませんでした: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": u.ID})
}

func (c *Console) postSend(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User string `json:"user"`
		input
	}
	if !readJSON(w, r, &req) {
		return
	}
	if c.line == nil {
		pageError(w, http.StatusConflict, "LINE は実際のチャネルに接続されているため、コンソールからは送れません。")
		return
	}
	switch {
	case req.Kind == "text" && strings.TrimSpace(req.Text) == "":
		pageError(w, http.StatusBadRequest, "メッセージが空です。")
		return
	case req.Kind == "text" && utf8.RuneCountInString(req.Text) > maxText:
		pageError(w, http.StatusBadRequest, "LINE で送れるのは5,000文字までです。")
		return
	case req.Kind == "postback" && req.Data == "":
		pageError(w, http.StatusBadRequest, "ボタンのデータがありません。")
		return
	case req.Kind != "text" && req.Kind != "postback":
		pageError(w, http.StatusBadRequest, "kind は text か postback です。")
		return
	}
	err := c.sendLINE(r.Context(), req.User, req.input)
	if errors.Is(err, errUnknownUser) {
		pageError(w, http.StatusNotFound, "この利用者は見つかりません。ページを読み込み直してください。")
		return
	}
	if err != nil {
		c.logger.WarnContext(r.Context(), "console: deliver a webhook event", "err", err)
		pageError(w, http.StatusBadGateway, "サーバーに届けられませんでした: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Console) postClick(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TS       string `json:"ts"`
		ActionID string `json:"actionId"`
		Staff    string `json:"staff"`
	}
	if !readJSON(w, r, &req) || !c.slackReady(w) || !staffNamed(w, req.Staff) {
		return
	}
	err := c.click(r.Context(), req.TS, req.ActionID, req.Staff)
	if errors.Is(err, errNoButton) {
		pageError(w, http.StatusNotFound, "このボタンはもうありません。")
		return
	}
	if err != nil {
		c.logger.WarnContext(r.Context(), "console: deliver a click", "err", err)
		pageError(w, http.StatusBadGateway, "サーバーに届けられませんでした: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Console) postCommand(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text  string `json:"text"`
		Staff string `json:"staff"`
	}
	if !readJSON(w, r, &req) || !c.slackReady(w) || !staffNamed(w, req.Staff) {
		return
	}
	if err := c.command(r.Context(), strings.TrimSpace(req.Text), req.Staff); err != nil {
		c.logger.WarnContext(r.Context(), "console: deliver a command", "err", err)
		pageError(w, http.StatusBadGateway, "サーバーに届けられませんでした: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// postReply posts a staff member's reply in a thread (a hand-off's).
func (c *Console) postReply(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TS    string `json:"ts"`
		Text  string `json:"text"`
		Staff string `json:"staff"`
	}
	if !readJSON(w, r, &req) || !c.slackReady(w) || !staffNamed(w, req.Staff) {
		return
	}
	if strings.TrimSpace(req.Text) == "" || utf8.RuneCountInString(req.Text) > maxSlackText {
		pageError(w, http.StatusBadRequest, "返信を入れてください（40,000文字まで）。")
		return
	}
	err := c.threadReply(r.Context(), req.TS, req.Text, req.Staff)
	if errors.Is(err, errNoThread) {
		pageError(w, http.StatusNotFound, "返信先のメッセージが見つかりません。")
		return
	}
	if err != nil {
		c.logger.WarnContext(r.Context(), "console: deliver a thread reply", "err", err)
		pageError(w, http.StatusBadGateway, "サーバーに届けられませんでした: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// maxSlackText is Slack's limit on a message's text.
const maxSlackText = 40000

func (c *Console) slackReady(w http.ResponseWriter) bool {
	if c.slack == nil {
		pageError(w, http.StatusConflict, "Slack は実際のワークスペースに接続されているため、コンソールからは操作できません。")
		return false
	}
	return true
}

func staffNamed(w http.ResponseWriter, name string) bool {
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 80 {
		pageError(w, http.StatusBadRequest, "スタッフ名を入れてください（80文字まで）。")
		return false
	}
	return true
}

// readJSON reads a request of the page, or answers 400.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(v); err != nil {
		pageError(w, http.StatusBadRequest, "リクエストを読めませんでした: "+err.Error())
		return false
	}
	return true
}

func pageError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}
