// A busy, correct server: requests arrive all the time, each runs under a WithTimeout
// child of the server context with a 4 KiB body and always cancels (defer cancel()).
// About 1,000 requests are in flight whenever a profile is written, before and after.
package main

import (
	"context"
	"runtime"
	"sync"
	"time"

	"ctxheap.test/field/dump"
)

type bodyKey struct{}

func newBody() []byte { return make([]byte, 4096) }

func handle(server context.Context, release <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	ctx := context.WithValue(server, bodyKey{}, newBody())
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case <-release:
	case <-ctx.Done():
	}
}

// wave keeps inFlight requests running, then lets them finish as the next ones start.
func wave(server context.Context, inFlight int, rounds int) {
	var wg sync.WaitGroup
	var release []chan struct{}
	for r := 0; r < rounds; r++ {
		next := make([]chan struct{}, 0, inFlight)
		for i := 0; i < inFlight; i++ {
			ch := make(chan struct{})
			next = append(next, ch)
			wg.Add(1)
			go handle(server, ch, &wg)
		}
		for _, ch := range release {
			close(ch)
		}
		release = next
	}
	time.Sleep(20 * time.Millisecond)
	current = release
}

var current []chan struct{}

func main() {
	dump.Setup()
	server, stop := context.WithCancel(context.Background())
	wave(server, 1000, 2)
	dump.Heap("heap_before")
	for _, ch := range current {
		close(ch)
	}
	wave(server, 1000, *dump.N/1000)
	dump.Heap("heap")
	dump.Goroutine()
	for _, ch := range current {
		close(ch)
	}
	runtime.KeepAlive(server)
	stop()
}
