package main

import (
	"io"
	"net"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// startBare serves the least any LINE webhook must do, read the body and
// verify its signature, on loopback: the floor the server's
// acknowledgement is compared with under the same load.
func startBare(secret string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "could not read body", http.StatusBadRequest)
			return
		}
		if !webhook.ValidateSignature(secret, r.Header.Get("X-Line-Signature"), body) {
			http.Error(w, "invalid X-Line-Signature", http.StatusUnauthorized)
		}
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/line/webhook", func() { srv.Close() }, nil
}
