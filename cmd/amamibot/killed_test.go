package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// childEnv, set in a process's environment, makes the test binary run main
// (TestMain): a server a test can kill with SIGKILL, which an in-process
// one cannot be.
const childEnv = "AMAMIBOT_TEST_CHILD"

// childReadyWaits is how many of waitReady's waits a child may take to start.
const childReadyWaits = 5

// process is a server running as a child process.
type process struct {
	*server
	cmd *exec.Cmd
}

// startProcess runs `amamibot serve` with e as a child process and waits
// until it is ready; stop sends it SIGTERM.
func startProcess(t *testing.T, name string, e env) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = []string{childEnv + "=1", "ADDR=" + addr}
	for k, v := range e {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	s := &server{name: name, url: "http://" + addr, log: newLogBuffer(), done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cancel = func() { cmd.Process.Signal(syscall.SIGTERM) }
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("log of %s:\n%s", name, tail(s.log.String(), 30))
		}
	})
	// A child loads the dictionary itself: more than a minute under the
	// race detector on a busy machine, so it gets a few of waitReady's waits.
	for waits := 1; ; waits++ {
		err := s.waitReady()
		if err == nil {
			break
		}
		if waits == childReadyWaits || len(s.done) > 0 {
			t.Fatalf("%s: %v\nlog:\n%s", name, err, s.log.String())
		}
	}
	return &process{s, cmd}
}

// kill ends the process with SIGKILL, as a power cut would, and waits until
// it is gone.
func (p *process) kill() {
	p.stopped.Do(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
}

// TestTypedSignUpAfterKill: a seminar sign-up that starts with a typed
// sentence naming the day and online attendance completes when the server
// is killed with SIGKILL right after it acknowledged the person's next
// message, and restarted on the same DATA_DIR: that message is answered
// once, and the registration is kept once, with the details of the first
// sentence.
func TestTypedSignUpAfterKill(t *testing.T) {
	fake := linetest.NewServer(t)
	e := lineEnv(fake).with("DATA_DIR", t.TempDir())
	if _, stderr, err := amamibot(t, e, "import", "seminars", writeSeminarsCSV(t, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, venueSeats))); err != nil {
		t.Fatalf("import seminars: %v\n%s", err, stderr)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	day := time.Now().In(tokyo).AddDate(0, 0, 10).Day()

	s := startProcess(t, "child", e)
	check := checker(t)
	u := newUser(t.Context(), fake, s.webhook())
	check(u.ask(fmt.Sprintf("%d日のセミナーにリモートで出たい", day), saysNotice))
	check(u.ask("同意します", saysName))
	before := len(fake.Messages(u.id))
	if err := u.post(fake.TextEvent(u.id, "徳之島花子と申します")); err != nil {
		t.Fatal(err)
	}
	s.kill()

	again := startProcess(t, "child after SIGKILL", e)
	u.hooks = []string{again.webhook()}
	a, err := u.waitAnswer(before)
	check(expect(a, err, saysCompany))
	check(u.ask("屋号はありません", saysSummary))
	asked := 0
	for _, d := range fake.Messages(u.id) {
		if strings.HasPrefix(d.Text, saysCompany) {
			asked++
		}
	}
	if asked != 1 {
		t.Errorf("the company was asked %d times, want once:\n%s", asked, answer(fake.Messages(u.id)))
	}
	done := check(u.ask("それで大丈夫です", saysRegistered))
	if !done.has(dxURL) {
		t.Errorf("confirmation:\n%swant the online URL", done)
	}
	if err := again.stop(); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
	regs := exported(t, e)
	if len(regs) != 1 || regs[0]["name"] != "徳之島花子" || regs[0]["company"] != "" || regs[0]["attendance"] != "online" || regs[0]["status"] != "confirmed" {
		t.Errorf("exported registrations %v, want one confirmed online registration of 徳之島花子 with no company", regs)
	}
}
