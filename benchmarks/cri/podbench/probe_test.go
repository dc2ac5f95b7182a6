package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseStatusLine(t *testing.T) {
	good := map[string]int{"HTTP/1.1 200 OK\r\n": 200, "HTTP/1.0 503 Service Unavailable\r\n": 503, "HTTP/1.1 204\r\n": 204}
	for l, want := range good {
		if got, err := parseStatusLine(l); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", l, got, err, want)
		}
	}
	for _, l := range []string{"", "HTTP/1.1\r\n", "SSH-2.0 x\r\n", "HTTP/1.1 2000 x", "HTTP/1.1 abc", "HTTP/1.1 099 x"} {
		if _, err := parseStatusLine(l); err == nil {
			t.Errorf("%q: accepted", l)
		}
	}
}

// server answers each connection with the status codes in order (the
// last one repeats); silent: accept and never answer.
type server struct {
	ln    net.Listener
	codes []string
	n     int32
}

func newServer(t *testing.T, silent bool, codes ...string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{ln: ln, codes: codes}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			i := int(atomic.AddInt32(&s.n, 1)) - 1
			go func(c net.Conn, i int) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == "\r\n" {
						break
					}
				}
				if silent {
					time.Sleep(2 * time.Second)
					return
				}
				if i >= len(s.codes) {
					i = len(s.codes) - 1
				}
				c.Write([]byte("HTTP/1.1 " + s.codes[i] + "\r\nContent-Length: 0\r\n\r\n"))
			}(c, i)
		}
	}()
	return s
}

func TestProbeOnceReadsTheStatus(t *testing.T) {
	s := newServer(t, false, "503 Service Unavailable", "200 OK")
	ctx := context.Background()
	if code, err := probeOnce(ctx, s.ln.Addr().String(), "/readyz", time.Second); err != nil || code != 503 {
		t.Errorf("first attempt: %d %v, want 503", code, err)
	}
	if code, err := probeOnce(ctx, s.ln.Addr().String(), "/readyz", time.Second); err != nil || code != 200 {
		t.Errorf("second attempt: %d %v, want 200", code, err)
	}
}

// The bound covers the answer, not only the connect: a server that
// accepts and never answers ends the attempt at the deadline.
func TestProbeOnceIsBounded(t *testing.T) {
	s := newServer(t, true)
	t0 := time.Now()
	_, err := probeOnce(context.Background(), s.ln.Addr().String(), "/readyz", 20*time.Millisecond)
	el := time.Since(t0)
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err %v, want a timeout", err)
	}
	// The server holds the connection for 2 s; an unbounded read waits
	// for that. The lower end is the deadline itself.
	if el < 20*time.Millisecond || el > time.Second {
		t.Errorf("attempt took %v, want its 20 ms bound (and far below the server's 2 s)", el)
	}
}

func TestProbeUntilReadyCountsAttempts(t *testing.T) {
	s := newServer(t, false, "503 Service Unavailable", "503 Service Unavailable", "200 OK")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := probeUntilReady(ctx, s.ln.Addr().String(), "/readyz", time.Millisecond, 20*time.Millisecond, nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Attempts != 3 || r.Ready.IsZero() || r.Last != "HTTP 503" {
		t.Errorf("attempts %d ready %v last %q, want 3 attempts after two 503s", r.Attempts, r.Ready, r.Last)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestProbeUntilReadyStopsWhenTheContainerDies(t *testing.T) {
	addr := closedPort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	calls := 0
	alive := func(context.Context) error {
		calls++
		if calls == 2 {
			return errNotRunning
		}
		return nil
	}
	r, err := probeUntilReady(ctx, addr, "/readyz", time.Millisecond, 20*time.Millisecond, alive, 0)
	if !errors.Is(err, errNotRunning) {
		t.Fatalf("err %v, want the liveness error", err)
	}
	if r.Attempts < 2 || !strings.Contains(r.Last, "refused") {
		t.Errorf("attempts %d last %q", r.Attempts, r.Last)
	}
}

func TestProbeUntilReadyTimesOut(t *testing.T) {
	addr := closedPort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := probeUntilReady(ctx, addr, "/readyz", time.Millisecond, 20*time.Millisecond, nil, time.Second)
	if err == nil || !strings.Contains(err.Error(), "no 200 from http://"+addr+"/readyz") {
		t.Fatalf("err %v", err)
	}
	// 1 ms apart for 50 ms: well more than one attempt, and no more than
	// one per interval.
	if r.Attempts < 2 || r.Attempts > 51 {
		t.Errorf("%d attempts in 50 ms at a 1 ms interval", r.Attempts)
	}
}
