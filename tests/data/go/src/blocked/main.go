// Workers wait on ctx.Done() of children that nobody cancels, and a custom Context
// type makes context.propagateCancel start its own waiting goroutines: a goroutine
// profile with goroutines parked on context waits.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"time"
)

// wrapped is a Context with its own Done channel, which the context package cannot
// see into, so deriving from it makes propagateCancel start a goroutine waiting on it.
type wrapped struct {
	context.Context
	done chan struct{}
}

func (w wrapped) Done() <-chan struct{} { return w.done }

func waitForShutdown(ctx context.Context, ready chan<- struct{}) {
	ready <- struct{}{}
	<-ctx.Done()
}

func selectOnDone(ctx context.Context, ready chan<- struct{}) {
	ready <- struct{}{}
	select {
	case <-ctx.Done():
	case <-time.After(3 * time.Hour):
	}
}

func main() {
	root, stop := context.WithCancel(context.Background())
	defer stop()
	ready := make(chan struct{})
	for i := 0; i < 40; i++ {
		child, _ := context.WithCancel(root)
		go waitForShutdown(child, ready)
		<-ready
	}
	for i := 0; i < 12; i++ {
		child, _ := context.WithCancel(wrapped{root, make(chan struct{})})
		go selectOnDone(child, ready)
		<-ready
	}
	time.Sleep(100 * time.Millisecond)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup("goroutine").WriteTo(f, 0); err != nil {
		panic(err)
	}
}
