// A worker pool: each worker gets a child of the pool's context and a 4 KiB scratch
// buffer, and blocks in <-ctx.Done() waiting to be told to stop; nobody ever cancels, so
// the goroutines, their done channels and buffers stay. -fixed stops each worker when
// its job is done.
package main

import (
	"context"
	"runtime"
	"sync"

	"ctxheap.test/field/dump"
)

func worker(ctx context.Context, scratch []byte, started *sync.WaitGroup) {
	scratch[0] = 1
	started.Done()
	<-ctx.Done()
	runtime.KeepAlive(scratch)
}

func startWorkers(pool context.Context, n int) []context.CancelFunc {
	var started sync.WaitGroup
	cancels := make([]context.CancelFunc, 0, n)
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(pool)
		cancels = append(cancels, cancel)
		started.Add(1)
		go worker(ctx, make([]byte, 4096), &started)
	}
	started.Wait()
	return cancels
}

func main() {
	dump.Setup()
	pool, stop := context.WithCancel(context.Background())
	dump.Heap("heap_before")
	cancels := startWorkers(pool, *dump.N)
	if *dump.Fixed {
		for _, c := range cancels {
			c()
		}
		runtime.Gosched()
		for runtime.NumGoroutine() > 1 {
			runtime.Gosched()
		}
		cancels = nil
	}
	dump.Heap("heap")
	dump.Goroutine()
	runtime.KeepAlive(cancels)
	stop()
}
