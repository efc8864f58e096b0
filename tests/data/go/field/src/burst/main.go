// A burst: 30,000 concurrent children of a long-lived parent, all cancelled properly
// when the burst ends. The parent's children map keeps its grown buckets (Go maps do not
// shrink): leftover capacity, not a leak.
package main

import (
	"context"
	"runtime"
	"sync"

	"ctxheap.test/field/dump"
)

func burst(parent context.Context, n int) {
	cancels := make([]context.CancelFunc, 0, n)
	for i := 0; i < n; i++ {
		_, cancel := context.WithCancel(parent)
		cancels = append(cancels, cancel)
	}
	var wg sync.WaitGroup
	for _, c := range cancels {
		wg.Add(1)
		go func(c context.CancelFunc) { defer wg.Done(); c() }(c)
	}
	wg.Wait()
}

func main() {
	dump.Setup()
	parent, stop := context.WithCancel(context.Background())
	dump.Heap("heap_before")
	burst(parent, 3**dump.N)
	dump.Heap("heap")
	dump.Goroutine()
	runtime.KeepAlive(parent)
	stop()
}
