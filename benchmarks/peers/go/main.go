// A Go net/http hello: the standard library only, built with CGO_ENABLED=0.
// Reference peer of the slimline benchmark. Listens on :8080; answers
// "hello, world" on / and 200 on /readyz.
package main

import (
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ready\n"))
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("hello, world\n"))
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
