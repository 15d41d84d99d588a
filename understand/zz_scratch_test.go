package understand

import (
	"bufio"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestScratch(t *testing.T) {
	f := os.Getenv("SCRATCH")
	if f == "" {
		t.Skip()
	}
	loc, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		r := Read(sc.Text(), now, loc)
		fmt.Printf("%s\t%s %.2f alt=%s sure=%v topic=%s dates=%v ord=%d att=%s name=%q time=%v dp=%s ph=%s em=%s\n", sc.Text(), r.Intent, r.Score, r.Alt, r.Sure, r.Topic, r.Dates, r.Ordinal, r.Attendance, r.Name, r.Time, r.DayPart, r.Phone, r.Email)
	}
}
