// A Go net/http hello: the standard library only, built with CGO_ENABLED=0.
// Reference peer of the slimline benchmark. Listens on :PORT (environment,
// default 8080, like the services); answers "hello, world" on / and 200 on
// /readyz. A PORT that is not 1..65535 exits 2 with a message.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
)

func port() (int, error) {
	s := os.Getenv("PORT")
	if s == "" {
		return 8080, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 || s[0] == '+' {
		return 0, fmt.Errorf("invalid PORT '%s': expected 1..65535", s)
	}
	return p, nil
}

func main() {
	p, err := port()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello-go:", err)
		os.Exit(2)
	}
	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ready\n"))
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("hello, world\n"))
	})
	log.Fatal(http.ListenAndServe(":"+strconv.Itoa(p), nil))
}
