// A worker pool's parent context collects one child per job; jobs finish but nobody
// calls cancel, so every child stays in the parent's children map with its done
// channel and the job's result buffer that hangs off a value context below it.
package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
)

type result struct{ data []byte }

type resultKey struct{}

func runJob(pool context.Context, id int) {
	base := context.WithValue(pool, resultKey{}, &result{data: make([]byte, 2048)})
	jobCtx, _ := context.WithCancel(base) // cancel dropped: the leak
	<-waitOrDone(jobCtx)
}

func waitOrDone(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	select {
	case <-ctx.Done():
	default:
	}
	return ch
}

func main() {
	runtime.MemProfileRate = 8192
	pool, stop := context.WithCancel(context.Background())
	defer stop()
	for i := 0; i < 8000; i++ {
		runJob(pool, i)
	}
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	runtime.KeepAlive(pool)
}
