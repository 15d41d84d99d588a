package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"github.com/amamibot/amamibot/bot"
)

type requestIDKey struct{}

// observe gives every request an id (in the X-Request-Id answer header and in
// every log line written while handling it) and measures its answer under
// the route pattern it matched.
func observe(mux *http.ServeMux, m *bot.Metrics) http.Handler {
	measured := m.Instrument(mux, func(r *http.Request) string {
		if _, route := mux.Handler(r); route != "" {
			return route
		}
		return "unmatched"
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		measured.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// requestLogs adds the request id to log records written with a request's context.
type requestLogs struct{ slog.Handler }

func (h requestLogs) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestLogs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestLogs{h.Handler.WithAttrs(attrs)}
}

func (h requestLogs) WithGroup(name string) slog.Handler {
	return requestLogs{h.Handler.WithGroup(name)}
}
