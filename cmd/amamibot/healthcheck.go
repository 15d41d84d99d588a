package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the server on ADDR whether it is alive: the container
// image has no curl, so the binary checks itself.
func healthcheck(ctx context.Context, getenv func(string) string) error {
	_, port, err := net.SplitHostPort(orDefault(getenv("ADDR"), ":8080"))
	if err != nil {
		return fmt.Errorf("ADDR: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("server not answering: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("server unhealthy: %s", res.Status)
	}
	return nil
}
