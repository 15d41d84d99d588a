// Package calendar puts a seminar registration in people's calendars: a
// Google Calendar link, and an .ics file served from a signed URL that
// expires when the seminar ends. The signature (HMAC-SHA256 with a secret
// of the programme's) covers the registration and the expiry, so an altered
// or expired URL, like one for a cancelled registration, answers 404.
package calendar

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

// Links makes a registration's calendar links.
type Links struct {
	// Base is the server's public URL (https://bot.example.jp); with Secret
	// empty too, there is no .ics link.
	Base   string
	Secret []byte
}

// Google is the link that opens Google Calendar with the seminar filled in.
func Google(reg store.Registration) string {
	s := reg.Seminar
	q := url.Values{
		"action":   {"TEMPLATE"},
		"text":     {s.Title},
		"dates":    {stamp(s.StartsAt) + "/" + stamp(s.EndsAt)},
		"details":  {details(reg)},
		"location": {where(reg)},
	}
	return "https://calendar.google.com/calendar/render?" + q.Encode()
}

// ICS is the signed link of the registration's .ics file, valid until the
// seminar ends; "" when the links have no base or secret.
func (l Links) ICS(reg store.Registration) string {
	if l.Base == "" || len(l.Secret) == 0 {
		return ""
	}
	exp := reg.Seminar.EndsAt.Unix()
	return fmt.Sprintf("%s/calendar/%d.ics?exp=%d&sig=%s", strings.TrimRight(l.Base, "/"), reg.ID, exp, l.sign(reg.ID, exp))
}

func (l Links) sign(id, exp int64) string {
	m := hmac.New(sha256.New, l.Secret)
	fmt.Fprintf(m, "calendar:%d:%d", id, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verify reports whether sig signs registration id until exp, and exp is
// after now.
func (l Links) verify(id int64, expText, sig string, now time.Time) bool {
	exp, err := strconv.ParseInt(expText, 10, 64)
	if err != nil || len(l.Secret) == 0 || !now.Before(time.Unix(exp, 0)) {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(l.sign(id, exp)))
}

// where is the event's location: the venue, or the URL to join online.
func where(reg store.Registration) string {
	if reg.Attendance == store.Online {
		return reg.Seminar.OnlineURL
	}
	return reg.Seminar.Venue
}

// details is the event's description.
func details(reg store.Registration) string {
	if reg.Attendance == store.Online {
		return "参加URL: " + reg.Seminar.OnlineURL
	}
	return "会場: " + reg.Seminar.Venue
}

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
