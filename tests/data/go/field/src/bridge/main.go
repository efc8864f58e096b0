// A bridge from another framework's cancellation to context: the bridge type embeds a
// context but has its own Done channel, so context cannot see a *cancelCtx in it and
// starts one goroutine per WithCancel child to forward the cancellation. Each request's
// cancel is dropped, so every forwarding goroutine waits for ever (with the request's
// 4 KiB buffer reachable from the child). -fixed cancels each request.
package main

import (
	"context"
	"runtime"
	"time"

	"ctxheap.test/field/dump"
)

// bridged carries a framework's stop channel as its Done.
type bridged struct {
	context.Context
	stop chan struct{}
}

func (b bridged) Done() <-chan struct{} { return b.stop }

type bodyKey struct{}

func newBody() []byte { return make([]byte, 4096) }

func serve(parent bridged, id int) {
	ctx := context.WithValue(parent, bodyKey{}, newBody())
	reqCtx, cancel := context.WithCancel(ctx)
	_ = reqCtx.Value(bodyKey{}).([]byte)[id%4096]
	if *dump.Fixed {
		cancel()
	}
}

func main() {
	dump.Setup()
	root, stop := context.WithCancel(context.Background())
	parent := bridged{Context: root, stop: make(chan struct{})}
	dump.Heap("heap_before")
	for i := 0; i < *dump.N; i++ {
		serve(parent, i)
	}
	for i := 0; i < 100 && runtime.NumGoroutine() < 2 && !*dump.Fixed; i++ {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // forwarding goroutines of cancelled children exit
	dump.Heap("heap")
	dump.Goroutine()
	runtime.KeepAlive(parent)
	stop()
}
