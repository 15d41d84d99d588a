package console

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

func TestTokenGuard(t *testing.T) {
	const token = "console-test-token"
	_, page := newConsole(t, http.NewServeMux(), Options{LINE: true, Token: token})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, bearer string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", page.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}

	for _, path := range []string{"/console/", "/console/api/state", "/console/static/console.js", "/console/?token=wrong"} {
		if res := get(path, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: status %d, want 401", path, res.StatusCode)
		}
	}
	if res := get("/console/api/state", "wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong bearer token: status %d, want 401", res.StatusCode)
	}
	if res := get("/console/api/state", token); res.StatusCode != http.StatusOK {
		t.Errorf("the bearer token: status %d, want 200", res.StatusCode)
	}

	// ?token= sets the cookie and drops the token from the address.
	res := get("/console/?token="+token, "")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/" {
		t.Fatalf("?token=: status %d to %q, want 303 to /console/", res.StatusCode, res.Header.Get("Location"))
	}
	if c := res.Header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Strict") {
		t.Errorf("cookie %q, want HttpOnly and SameSite=Strict", c)
	}
	if res := get("/console/", ""); res.StatusCode != http.StatusOK {
		t.Errorf("with the cookie: status %d, want 200", res.StatusCode)
	}
}

func TestNoTokenNoGuard(t *testing.T) {
	_, page := newConsole(t, http.NewServeMux(), Options{LINE: true})
	res, err := page.Client().Get(page.URL + "/console/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "amamibot") {
		t.Errorf("GET /console/ in demo: status %d, body %.80q", res.StatusCode, body)
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	_, page := newConsole(t, http.NewServeMux(), Options{LINE: true})
	req, _ := http.NewRequest("POST", page.URL+"/console/api/users", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := page.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST: status %d, want 403", res.StatusCode)
	}
}

func TestRealPlatformsAreLeftAlone(t *testing.T) {
	c, page := newConsole(t, http.NewServeMux(), Options{})
	if _, ok := c.LINE(); ok {
		t.Error("LINE emulated although configured for real")
	}
	if _, ok := c.Slack(); ok {
		t.Error("Slack emulated although configured for real")
	}
	if status := call(t, page, "POST", "/console/api/users", struct{}{}, nil); status != http.StatusConflict {
		t.Errorf("add a user with a real LINE channel: status %d, want 409", status)
	}
	if status := call(t, page, "POST", "/console/api/command", map[string]string{"text": "requests", "staff": "x"}, nil); status != http.StatusConflict {
		t.Errorf("a command with a real Slack: status %d, want 409", status)
	}
}
