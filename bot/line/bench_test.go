package line_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
	"github.com/amamibot/amamibot/store/sqlite"
	"github.com/amamibot/amamibot/store/storetest"
)

// BenchmarkWebhookAck measures how fast a LINE webhook request is
// acknowledged (sign, verify, parse, record the event and its turn job),
// under steady parallel load, with one new event per request from many
// users. "bare" only verifies the signature, the floor any handler pays.
// Jobs are not worked: this is the acknowledgement alone.
//
//	go test ./bot/line -run '^$' -bench WebhookAck -benchtime 2000x
func BenchmarkWebhookAck(b *testing.B) {
	quiet := slog.New(slog.DiscardHandler)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.ValidateSignature(secret, r.Header.Get("X-Line-Signature"), body) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
		}
	})
	b.Run("bare", func(b *testing.B) { benchAck(b, bare) })
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(context.Background(), b.TempDir(), store.Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		benchAck(b, &line.Webhook{Secret: secret, Inbox: st, Logger: quiet})
	})
	b.Run("postgres", func(b *testing.B) {
		dbURL, _ := storetest.PostgresURLs(b)
		st, err := postgres.Open(context.Background(), dbURL, store.Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		benchAck(b, &line.Webhook{Secret: secret, Inbox: st, Logger: quiet})
	})
}

var benchSeq atomic.Int64

func benchAck(b *testing.B, h http.Handler) {
	var (
		mu   sync.Mutex
		all  []time.Duration
		fail atomic.Int64
	)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			n := benchSeq.Add(1)
			t0 := time.Now()
			body := body(textEv(fmt.Sprintf("01BENCH%020d", n), fmt.Sprintf("U%032x", n%500), "セミナー申込"))
			if w := post(h, body, sign(secret, body)); w.Code != http.StatusOK {
				fail.Add(1)
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		all = append(all, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if f := fail.Load(); f > 0 {
		b.Fatalf("%d requests not acknowledged with 200", f)
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "events/s")
}
