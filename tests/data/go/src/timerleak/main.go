// Children of Background with a long timeout whose cancel is dropped: Background has
// no children map, so only each child's pending timer keeps it (and what hangs off it)
// alive until the deadline.
package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

type session struct {
	ctx    context.Context
	buffer []byte
}

var active []*session

func startSession(id int) {
	ctx, _ := context.WithTimeout(context.Background(), 2*time.Hour) // cancel dropped
	ctx = context.WithValue(ctx, struct{}{}, make([]byte, 512))
	s := &session{ctx: ctx, buffer: make([]byte, 128)}
	if id%1000 == 0 {
		active = append(active, s) // a few sessions are really kept by the program
	}
	select {
	case <-ctx.Done():
	default:
	}
}

func main() {
	runtime.MemProfileRate = 4096
	for i := 0; i < 20000; i++ {
		startSession(i)
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
	runtime.KeepAlive(active)
}
