package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumInstall is how the tests' browser is installed: Debian's package,
// and Japanese fonts for screenshots a person can read.
const chromiumInstall = "apt-get update && apt-get install -y chromium fonts-noto-cjk"

// TestConsoleSeminarInChromium registers for a seminar through the
// console's page in headless Chromium, against a demo server started as main
// starts it: the page plays the LINE user, the console plays LINE, and the
// server's own webhook, turn jobs and flows answer.
func TestConsoleSeminarInChromium(t *testing.T) {
	ctx := openConsole(t)
	err := chromedp.Do(ctx,
		botSays("友だち追加ありがとうございます"),
		say("メニュー"),
		botSays("ご用件をお選びください"),
		chip("セミナー申込"),
		chromedp.Click(`(//button[contains(@class,"fx-button")][normalize-space()="申し込む"])[1]`),
		botSays("参加方法をお選びください"),
		chip("会場で参加"),
		botSays("個人情報の取り扱い"),
		chip("同意する"),
		botSays("お名前（フルネーム）"),
		say("山田 太郎"),
		botSays("会社名・屋号"),
		say("山田商店"),
		botSays("以下の内容でお申し込みします"),
		chip("確定する"),
		botSays("お申し込みが完了しました"),
	)
	if err != nil {
		t.Fatalf("registering through the console: %v", err)
	}
	confirmation, err := chromedp.Run(ctx, chromedp.Text(`(//div[contains(@class,"row bot")]/div[contains(@class,"bubble")][contains(text(),"お申し込みが完了しました")])[last()]`))
	if err != nil {
		t.Fatalf("read the confirmation: %v", err)
	}
	if !strings.Contains(confirmation, "観光DXセミナー") || !strings.Contains(confirmation, "会場:") {
		t.Errorf("confirmation %q does not show the registration", confirmation)
	}
	screenshot(t, ctx, "console.png")
}

// TestConsoleIntroductionInChromium has a second simulated user ask for an
// introduction, the staff approve it in the Slack pane, and the owner hear
// of it on LINE: the console plays Slack too, and the server's own Slack app
// posts, decides and updates.
func TestConsoleIntroductionInChromium(t *testing.T) {
	ctx := openConsole(t)
	err := chromedp.Do(ctx,
		botSays("友だち追加ありがとうございます"),
		chromedp.Click(chromedp.ID("add-user")),
		chromedp.WaitVisible(`//ul[@id="user-list"]/li[2]/button[contains(@class,"active")]`),
		botSays("友だち追加ありがとうございます"),
		chip("相談する"),
		botSays("どんなことでお困りですか"),
		say("グーグルマップで店が出てこない"),
		chromedp.Click(`(//button[contains(@class,"fx-button")][normalize-space()="この人に相談したい"])[1]`),
		botSays("個人情報の取り扱い"),
		chip("同意する"),
		botSays("お名前"),
		say("奄美 太郎"),
		botSays("会社名・屋号"),
		say("奄美黒糖本舗"),
		botSays("ご連絡先"),
		say("0997-12-3456"),
		chip("依頼する"),
		botSays("ご依頼を受け付けました"),
		chromedp.Click(`//div[@id="feed"]//button[normalize-space()="承認"]`),
		chromedp.WaitVisible(`//div[@id="feed"]//*[contains(text(),"承認済み: 事務局 奄美さん")]`),
		botSays("ご紹介が決まりました"),
	)
	if err != nil {
		t.Fatalf("an introduction through the console: %v", err)
	}
	screenshot(t, ctx, "console-staff.png")
}

// openConsole starts a demo server and opens its console in headless
// Chromium, for as long as the test runs.
func openConsole(t *testing.T) context.Context {
	t.Helper()
	browser := chromium(t)
	base := startConsoleServer(t, map[string]string{}, "--demo")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	// The whole browser session is bounded: a hang fails, it does not stall.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 920), chromedp.Navigate(base+"/console/")); err != nil {
		t.Fatalf("open the console: %v", err)
	}
	return ctx
}

// botSays waits for a bot message containing text in the chat shown.
func botSays(text string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(`//div[contains(@class,"row bot")]//*[contains(text(),"` + text + `")]`)
}

// chip taps a quick reply button.
func chip(label string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(`//div[@id="quick"]/button[normalize-space()="` + label + `"]`)
}

// say types a message and sends it.
func say(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("composer-input"), text),
		chromedp.Click(chromedp.ID("composer-send")),
	)
}

// screenshot saves the page as name in the test's directory, and in /tmp
// for a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// Clicks scrolled the window; the picture shows the whole page.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any]("window.scrollTo(0, 0)")); err != nil {
		t.Fatalf("scroll to the top: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.TempDir(), name)
	for _, p := range []string{path, filepath.Join(os.TempDir(), name)} {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Errorf("save the screenshot: %v", err)
		}
	}
	t.Logf("screenshot: %s (and %s)", path, filepath.Join(os.TempDir(), name))
}

// TestConsoleNeedsItsToken checks the console outside demo mode: refused
// without CONSOLE_TOKEN at start, behind the token once started, and
// leaving the real LINE channel configured alone.
func TestConsoleNeedsItsToken(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"CONSOLE": "on", "DATA_DIR": dir, "ADDR": "127.0.0.1:0"}[k]
	}
	err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CONSOLE_TOKEN") {
		t.Fatalf("CONSOLE=on without CONSOLE_TOKEN: %v, want an error naming CONSOLE_TOKEN", err)
	}

	const token = "console-e2e-token"
	base := startConsoleServer(t, map[string]string{
		"CONSOLE": "on", "CONSOLE_TOKEN": token,
		// A real channel (never called here): the console must not take it over.
		"LINE_CHANNEL_SECRET": "real-channel-secret", "LINE_CHANNEL_ACCESS_TOKEN": "real-channel-token", "LINE_API_BASE_URL": "http://127.0.0.1:9",
	})
	get := func(path, authorization string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		jar, _ := cookiejar.New(nil)
		res, err := (&http.Client{Jar: jar, Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	for _, tc := range []struct {
		path, authorization string
		want                int
	}{
		{"/console/", "", http.StatusUnauthorized},
		{"/console/api/state", "", http.StatusUnauthorized},
		{"/console/api/state", "Bearer wrong", http.StatusUnauthorized},
		{"/console/api/state", "Bearer " + token, http.StatusOK},
		{"/console/?token=" + token, "", http.StatusOK}, // through the redirect, with the cookie
		{"/healthz", "", http.StatusOK},                 // the rest of the server is not the console's
	} {
		if res := get(tc.path, tc.authorization); res.StatusCode != tc.want {
			t.Errorf("GET %s (%q): status %d, want %d", tc.path, tc.authorization, res.StatusCode, tc.want)
		}
	}

	var state struct {
		LINE, Slack struct{ Emulated bool }
	}
	if err := json.NewDecoder(get("/console/api/state", "Bearer "+token).Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	if state.LINE.Emulated || !state.Slack.Emulated {
		t.Errorf("state %+v, want LINE left to the real channel and Slack emulated", state)
	}
}

// chromium returns the browser's path, or fails the test with how to
// install it: a browser test that skips silently tests nothing.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("chromium is not installed; the console's browser test needs it: %s", chromiumInstall)
	return ""
}

// startConsoleServer runs serve through run, as main does, with a fresh
// DATA_DIR and a free port, until the test ends, and returns its base URL.
func startConsoleServer(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars["ADDR"], vars["DATA_DIR"] = addr, t.TempDir()
	getenv := func(k string) string { return vars[k] }

	logs := newLogBuffer()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), getenv, strings.NewReader(""), io.Discard, logs)
	}()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Error("server did not stop within 60 s")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})

	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			return base
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not up within 60 s: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
