// A Go service serving net/http/pprof on 127.0.0.1, for the end-to-end test of
// `ctxheap watch` (tests/cli/watch_command_test.cpp). Standard library only.
//
// It handles a steady stream of requests, each with a child of the server's long-lived
// context. With -leak the request keeps the child's cancel func and never calls it (the
// bug of CockroachDB #149658: children of a quiesce context), so the server context's
// children map grows every tick; without it the request cancels its child when done.
//
// It listens on a free port of 127.0.0.1 and prints the port on stdout, then serves until
// its standard input closes (the test holds the other end, so the service ends with it).
// /html/debug/pprof/heap answers 200 with a page that is not a profile.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync"
	"time"
)

var leak = flag.Bool("leak", false, "drop each request's cancel func: its child stays registered")

type payloadKey struct{}

type request struct {
	id     int
	cancel context.CancelFunc
}

var (
	mu      sync.Mutex
	pending []*request // requests whose cancel was kept and never called (-leak)
)

// newPayload is what a request path puts above its child: a 1 KiB buffer.
func newPayload() []byte { return make([]byte, 1024) }

func handleRequest(server context.Context, id int) {
	ctx := context.WithValue(server, payloadKey{}, newPayload())
	child, cancel := context.WithCancel(ctx)
	_ = child.Value(payloadKey{}).([]byte)[0]
	if *leak {
		mu.Lock()
		pending = append(pending, &request{id: id, cancel: cancel})
		mu.Unlock()
		return
	}
	cancel()
}

func main() {
	runtime.MemProfileRate = 1 // every allocation: the test's verdicts must not depend on sampling luck
	flag.Parse()
	server, stop := context.WithCancel(context.Background())
	defer stop()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	http.HandleFunc("/html/debug/pprof/heap", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "<html><body>not a profile</body></html>")
	})
	go func() {
		id := 0
		for range time.Tick(100 * time.Millisecond) {
			for i := 0; i < 500; i++ {
				handleRequest(server, id)
				id++
			}
		}
	}()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
