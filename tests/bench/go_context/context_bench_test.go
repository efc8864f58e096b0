// The Go side of bench_context: the same loops against Go's own context package, so
// scripts/bench.sh can print both from one run on one machine.
package gocontext

import (
	"context"
	"testing"
	"time"
)

var parent, stopParent = context.WithCancel(context.Background())

// BenchmarkCreateCancelChild: create a child of a shared cancelable parent, cancel it.
// Run with -cpu 1,2; RunParallel reports wall time per operation across all goroutines.
func BenchmarkCreateCancelChild(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ctx, cancel := context.WithCancel(parent)
			_ = ctx
			cancel()
		}
	})
}

func BenchmarkCreateCancelTimeoutChild(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ctx, cancel := context.WithTimeout(parent, time.Hour)
			_ = ctx
			cancel()
		}
	})
}
