package main

// probe.go: the readiness probe. One attempt is a TCP connect plus an
// HTTP/1.1 GET and the status line of the answer, all inside one deadline
// (default 20 ms), so no attempt can wait for a kernel timer (a SYN
// retransmission waits 1 s). Attempts start every interval (default 1 ms)
// from the previous attempt's start, or at once when one took longer.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// probeOnce makes one attempt and returns the HTTP status code, or an
// error (refused, timed out, malformed answer).
func probeOnce(ctx context.Context, addr, path string, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return 0, err
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: podbench\r\nConnection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		return 0, err
	}
	line, err := bufio.NewReaderSize(conn, 256).ReadString('\n')
	if err != nil {
		return 0, err
	}
	return parseStatusLine(line)
}

// parseStatusLine: "HTTP/1.x NNN reason" -> NNN.
func parseStatusLine(line string) (int, error) {
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") || len(f[1]) != 3 {
		return 0, fmt.Errorf("malformed status line %q", strings.TrimSpace(line))
	}
	code, err := strconv.Atoi(f[1])
	if err != nil || code < 100 {
		return 0, fmt.Errorf("malformed status line %q", strings.TrimSpace(line))
	}
	return code, nil
}

// probeResult: when the first 200 was read, after how many attempts, and
// the last failure seen (for the message when it never came).
type probeResult struct {
	Ready    time.Time
	Attempts int
	Last     string
}

// alive is polled every checkEvery while probing; an error ends the probe
// at once (the container exited: waiting out the timeout would hide it).
type aliveFunc func(context.Context) error

// probeUntilReady probes until a 200, ctx's end, or alive's error.
func probeUntilReady(ctx context.Context, addr, path string, interval, attempt time.Duration,
	alive aliveFunc, checkEvery time.Duration) (probeResult, error) {
	var r probeResult
	lastCheck := time.Now()
	for {
		start := time.Now()
		r.Attempts++
		code, err := probeOnce(ctx, addr, path, attempt)
		if err == nil && code == 200 {
			r.Ready = time.Now()
			return r, nil
		}
		if err != nil {
			r.Last = err.Error()
		} else {
			r.Last = "HTTP " + strconv.Itoa(code)
		}
		if ctx.Err() != nil {
			return r, fmt.Errorf("no 200 from http://%s%s after %d attempts (last: %s)", addr, path, r.Attempts, r.Last)
		}
		if alive != nil && time.Since(lastCheck) >= checkEvery {
			lastCheck = time.Now()
			if err := alive(ctx); err != nil {
				return r, err
			}
		}
		if wait := time.Until(start.Add(interval)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return r, fmt.Errorf("no 200 from http://%s%s after %d attempts (last: %s)", addr, path, r.Attempts, r.Last)
			case <-t.C:
			}
		}
	}
}

var errNotRunning = errors.New("container is not running")
