// Modelled on kubelet #139823: a pod worker loop derives a per-iteration context with a
// timeout from the manager's long-lived context and cancels it only on the success path;
// on the error path (every other sync here) the child stays in the manager context's
// children map with its timer and the pod status (a 4 KiB buffer) put above it. -fixed
// defers the cancel.
package main

import (
	"context"
	"errors"
	"runtime"
	"time"

	"ctxheap.test/field/dump"
)

type statusKey struct{}

type podStatus struct {
	uid        int
	conditions []byte
}

func newPodStatus(uid int) *podStatus { return &podStatus{uid: uid, conditions: make([]byte, 4096)} }

var errSync = errors.New("sync failed")

func syncPod(ctx context.Context, uid int) error {
	_ = ctx.Value(statusKey{}).(*podStatus).conditions[0]
	if uid%2 == 1 {
		return errSync
	}
	return nil
}

func managePodLoop(manager context.Context, uid int) {
	ctx := context.WithValue(manager, statusKey{}, newPodStatus(uid))
	iterCtx, cancel := context.WithTimeout(ctx, 2*time.Hour)
	if *dump.Fixed {
		defer cancel()
	}
	if err := syncPod(iterCtx, uid); err != nil {
		return // the leak: the error path forgets cancel
	}
	cancel()
}

func main() {
	dump.Setup()
	manager, stop := context.WithCancel(context.Background())
	dump.Heap("heap_before")
	for i := 0; i < 2**dump.N; i++ {
		managePodLoop(manager, i)
	}
	dump.Heap("heap")
	dump.Goroutine()
	runtime.KeepAlive(manager)
	stop()
}
