package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"
)

// config is the server's configuration, read from the environment (DESIGN.md §6).
type config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	RedisURL    string

	LineSecret  string
	LineToken   string
	LineAPIBase string

	Loc *time.Location
}

// loadConfig reads and checks the environment. Every error says what to change.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:        orDefault(getenv("ADDR"), ":8080"),
		DataDir:     orDefault(getenv("DATA_DIR"), "./data"),
		DatabaseURL: getenv("DATABASE_URL"),
		RedisURL:    getenv("REDIS_URL"),
		LineSecret:  getenv("LINE_CHANNEL_SECRET"),
		LineToken:   getenv("LINE_CHANNEL_ACCESS_TOKEN"),
		LineAPIBase: orDefault(getenv("LINE_API_BASE_URL"), "https://api.line.me"),
	}
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("ADDR %q is not a listen address like :8080 or 127.0.0.1:8080", c.Addr))
	}
	switch {
	case c.DatabaseURL != "" && c.RedisURL == "":
		errs = append(errs, errors.New("DATABASE_URL is set but REDIS_URL is not: the Postgres backend keeps sessions and locks in Redis; set both, or neither to use the embedded store"))
	case c.DatabaseURL == "" && c.RedisURL != "":
		errs = append(errs, errors.New("REDIS_URL is set but DATABASE_URL is not: set both for Postgres + Redis, or neither to use the embedded store"))
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("DATABASE_URL must look like postgres://user:password@host:5432/dbname"))
		}
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, errors.New("REDIS_URL must look like redis://host:6379/0"))
		}
	}
	switch {
	case c.LineSecret != "" && c.LineToken == "":
		errs = append(errs, errors.New("LINE_CHANNEL_SECRET is set but LINE_CHANNEL_ACCESS_TOKEN is not: both come from the LINE Developers console (Messaging API tab); set both, or neither to run without LINE"))
	case c.LineSecret == "" && c.LineToken != "":
		errs = append(errs, errors.New("LINE_CHANNEL_ACCESS_TOKEN is set but LINE_CHANNEL_SECRET is not: the secret (Basic settings tab) is needed to verify webhooks; set both, or neither"))
	}
	if u, err := url.Parse(c.LineAPIBase); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("LINE_API_BASE_URL %q must be an http(s) URL such as https://api.line.me", c.LineAPIBase))
	}
	loc, err := time.LoadLocation(orDefault(getenv("TZ_DISPLAY"), "Asia/Tokyo"))
	if err != nil {
		errs = append(errs, fmt.Errorf("TZ_DISPLAY %q is not a time zone name such as Asia/Tokyo", getenv("TZ_DISPLAY")))
	}
	c.Loc = loc
	return c, errors.Join(errs...)
}

// lineEnabled reports whether a LINE channel is configured.
func (c config) lineEnabled() bool { return c.LineSecret != "" }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
