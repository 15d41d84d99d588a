package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/amamibot/amamibot/bot/console"
)

// wireConsole serves the console at /console/ when it is on: with serve
// --demo, or CONSOLE=on (CONSOLE=off turns it off in demo mode too).
// Outside demo mode it needs CONSOLE_TOKEN; with the token set, every
// request to the page must carry it.
//
// The console stands in for the platforms the operator did not configure,
// never for one that is: it points c's missing LINE channel and Slack
// workspace at its emulated APIs, so that wireLINE and wireSlack, called
// after, wire the usual webhook, jobs and Slack app against them. A real
// channel or workspace is left alone, and the page says so.
//
// Call it before wireLINE and wireSlack; call stop after the jobs have
// stopped.
func wireConsole(mux *http.ServeMux, c *config, demo bool, getenv func(string) string, logger *slog.Logger) (stop func(), err error) {
	token := getenv("CONSOLE_TOKEN")
	switch getenv("CONSOLE") {
	case "on":
		if token == "" && !demo {
			return nil, errors.New("CONSOLE=on needs CONSOLE_TOKEN outside demo mode: anyone who reaches the console can act as your users and staff. " +
				"Set CONSOLE_TOKEN to a long random value (for example: openssl rand -hex 32) and open /console/?token=<that value>, or run serve --demo")
		}
	case "":
		if !demo {
			return func() {}, nil
		}
	case "off":
		return func() {}, nil
	default:
		return nil, fmt.Errorf("CONSOLE %q must be on or off (or unset: on with serve --demo only)", getenv("CONSOLE"))
	}

	con, err := console.New(console.Options{
		App:    mux,
		LINE:   !c.lineEnabled(),
		Slack:  !c.slackEnabled(),
		Token:  token,
		Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	line, emulateLINE := con.LINE()
	if emulateLINE {
		c.LineSecret, c.LineToken, c.LineAPIBase = line.ChannelSecret, line.AccessToken, line.APIBaseURL
	}
	slack, emulateSlack := con.Slack()
	if emulateSlack {
		c.SlackBotToken, c.SlackSigningSecret, c.SlackChannelID, c.SlackAPIURL = slack.BotToken, slack.SigningSecret, slack.ChannelID, slack.APIURL
	}
	mux.Handle("/console/", con.Handler())
	logger.Info("console: on", "url", consoleURL(c.Addr), "token_required", token != "",
		"line_emulated", emulateLINE, "slack_emulated", emulateSlack)
	return func() {
		if err := con.Close(); err != nil {
			logger.Warn("console: stop the emulated APIs", "err", err)
		}
	}, nil
}

// consoleURL is where a person on this machine opens the console.
func consoleURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "/console/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/console/"
}
