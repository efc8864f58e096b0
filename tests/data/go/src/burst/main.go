// A long-lived parent gets a burst of 30,000 concurrent children that are all cancelled
// properly afterwards. The children are gone; the parent's children map keeps its grown
// buckets (Go maps do not shrink): leftover capacity, not a leak of children.
package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

func handleBurst(parent context.Context, n int) {
	cancels := make([]context.CancelFunc, 0, n)
	for i := 0; i < n; i++ {
		_, cancel := context.WithCancel(parent)
		cancels = append(cancels, cancel)
	}
	var wg sync.WaitGroup
	for _, cancel := range cancels {
		wg.Add(1)
		go func(c context.CancelFunc) {
			defer wg.Done()
			c()
		}(cancel)
	}
	wg.Wait()
}

func main() {
	runtime.MemProfileRate = 512
	parent, stop := context.WithCancel(context.Background())
	defer stop()
	handleBurst(parent, 30000)
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	runtime.KeepAlive(parent)
}
