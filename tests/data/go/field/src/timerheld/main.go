// A retrying client bounds each attempt with WithTimeout(Background-derived context, 2h)
// and drops the cancel func: Background has no children map, so each child (with the
// 4 KiB response buffer above it) is held only by its pending timer until the deadline.
// -fixed cancels after the attempt.
package main

import (
	"context"
	"runtime"
	"time"

	"ctxheap.test/field/dump"
)

type respKey struct{}

func newResponseBuffer() []byte { return make([]byte, 4096) }

func attempt(id int) {
	ctx := context.WithValue(context.Background(), respKey{}, newResponseBuffer())
	actx, cancel := context.WithTimeout(ctx, 2*time.Hour)
	_ = actx.Value(respKey{}).([]byte)[id%4096]
	if *dump.Fixed {
		cancel()
	}
}

func main() {
	dump.Setup()
	dump.Heap("heap_before")
	for i := 0; i < *dump.N; i++ {
		attempt(i)
	}
	dump.Heap("heap")
	dump.Goroutine()
	runtime.KeepAlive(dump.N)
}
