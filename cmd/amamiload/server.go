package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildServer builds the amamibot binary into dir.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "amamibot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/amamibot/amamibot/cmd/amamibot")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/amamibot (run amamiload inside the repository, or give --bin): %v\n%s", err, out)
	}
	return bin, nil
}

// A server is the amamibot binary under test, running as a child process.
type server struct {
	bin  string
	env  []string // its whole environment
	log  string   // the file its log goes to
	url  string   // http://127.0.0.1:port
	cmd  *exec.Cmd
	done chan error
	// ready is the size of the log when the server first became ready: what it
	// logs from there on is what the load caused.
	ready int64
}

// command runs the binary with args in the server's environment, for
// imports and exports, and returns what it wrote to stdout.
func (s *server) command(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = s.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("amamibot %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// start runs `amamibot serve` on a free loopback port (the same one again
// on a restart) and waits until it is ready.
func (s *server) start(ctx context.Context) error {
	if s.url == "" {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.url = "http://127.0.0.1:" + port
	}
	// A restarted server's log goes on after its predecessor's.
	logFile, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = append(s.env, "ADDR="+strings.TrimPrefix(s.url, "http://"))
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.cmd.Wait(); logFile.Close() }()

	deadline := time.Now().Add(2 * time.Minute) // migrations on a fresh database
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("the server exited before it was ready (%v); its log:\n%s", err, s.logTail(2000))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if res, err := http.Get(s.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				if fi, err := os.Stat(s.log); err == nil && s.ready == 0 {
					s.ready = fi.Size()
				}
				return nil
			}
		}
	}
	return fmt.Errorf("the server was not ready within 2 minutes; its log:\n%s", s.logTail(2000))
}

// stop sends SIGTERM and waits for the server to finish its turns and exit,
// killing it after a while.
func (s *server) stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		return fmt.Errorf("the server did not stop within 30 s after SIGTERM; killed (pid %d)", s.cmd.Process.Pid)
	}
}

// kill ends the server with SIGKILL, as a power cut would, and waits until it is gone.
func (s *server) kill() {
	s.cmd.Process.Kill()
	err := <-s.done
	s.done <- err // for a later stop
}

// logTail is the end of the server's log.
func (s *server) logTail(n int) string {
	b, _ := os.ReadFile(s.log)
	return tail(b, n)
}

// logProblems counts the lines at level ERROR and WARN that the server
// logged once ready, and keeps the first few distinct error messages for the
// report.
func (s *server) logProblems() (errs, warns int, samples []string) {
	f, err := os.Open(s.log)
	if err != nil {
		return 0, 0, nil
	}
	defer f.Close()
	if _, err := f.Seek(s.ready, io.SeekStart); err != nil {
		return 0, 0, nil
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case bytes.Contains(line, []byte("level=ERROR")):
			errs++
		case bytes.Contains(line, []byte("level=WARN")):
			warns++
			continue
		default:
			continue
		}
		msg := message(string(line))
		if !seen[msg] && len(samples) < 5 {
			seen[msg] = true
			samples = append(samples, msg)
		}
	}
	return errs, warns, samples
}

// message is the msg= and err= of a slog text line, without the time and
// ids that make every line different.
func message(line string) string {
	m := strings.TrimSpace(field(line, "msg") + " " + field(line, "err"))
	if m == "" {
		m = line
	}
	return m[:min(len(m), 300)]
}

// field returns key=value from a slog text line, the value quoted or not.
func field(line, key string) string {
	i := strings.Index(line, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := line[i+len(key)+2:]
	if strings.HasPrefix(v, `"`) {
		if q, err := strconv.QuotedPrefix(v); err == nil {
			v = q
		}
	} else if j := strings.IndexByte(v, ' '); j >= 0 {
		v = v[:j]
	}
	return key + "=" + v
}

// freePort returns a loopback port nothing listens on now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}
