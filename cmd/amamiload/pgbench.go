package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// tpsLine is pgbench's summary line, e.g. "tps = 7501.2 (without initial connection time)".
var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)

// runPgbench measures one-INSERT transactions per second on a scratch
// database of the Postgres at adminURL: the ceiling of durable writes that
// the server's turns are compared with.
func runPgbench(ctx context.Context, adminURL, dir string, clients int, d time.Duration) (float64, error) {
	db, err := createDatabase(ctx, adminURL, "amamiload_pgbench")
	if err != nil {
		return 0, err
	}
	defer db.drop()
	if err := db.exec(ctx, "CREATE TABLE t (v integer)"); err != nil {
		return 0, err
	}
	script := filepath.Join(dir, "insert.sql")
	if err := os.WriteFile(script, []byte("INSERT INTO t (v) VALUES (1);\n"), 0o600); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "pgbench", "--no-vacuum", "--file", script,
		"--client", strconv.Itoa(clients), "--jobs", strconv.Itoa(min(clients, 2)),
		"--time", strconv.Itoa(int(d.Seconds())), db.url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v: %s", err, tail(out, 500))
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps line: %s", tail(out, 500))
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// tail is the end of out, at most n bytes, for an error message.
func tail(out []byte, n int) string {
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return string(out)
}
