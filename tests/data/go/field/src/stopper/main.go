// Modelled on CockroachDB #149658: a stopper hands out children of its long-lived quiesce
// context and keeps each cancel func in a task record that is never called, so every
// request's context stays in the quiesce context's children map with what its request
// path put above it: log tags, a per-request map and a 4 KiB buffer, all allocated by
// other functions than the one that creates the child. -fixed calls the cancel func when
// the task ends.
package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"ctxheap.test/field/dump"
)

type Stopper struct {
	quiesce context.Context
	stop    context.CancelFunc
	mu      sync.Mutex
	tasks   map[int]*task
}

type task struct {
	name   string
	cancel context.CancelFunc
}

type tagsKey struct{}
type attrsKey struct{}
type bufKey struct{}

func NewStopper() *Stopper {
	q, stop := context.WithCancel(context.Background())
	return &Stopper{quiesce: q, stop: stop, tasks: map[int]*task{}}
}

// WithCancelOnQuiesce returns a child of ctx that is also cancelled when the stopper
// quiesces: the child registers in the quiesce context's children map.
func (s *Stopper) WithCancelOnQuiesce(ctx context.Context, id int) (context.Context, func()) {
	child, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.tasks[id] = &task{name: fmt.Sprint("request ", id), cancel: cancel}
	s.mu.Unlock()
	done := func() {
		s.mu.Lock()
		t := s.tasks[id]
		delete(s.tasks, id)
		s.mu.Unlock()
		t.cancel()
	}
	return child, done
}

func makeLogTags(id int) []string {
	return []string{fmt.Sprintf("n%d", id%7), fmt.Sprintf("r%d", id), "client=10.0.0.1"}
}

func newRequestAttrs(id int) map[string]int {
	return map[string]int{"id": id, "range": id % 64, "replica": 3}
}

func newRequestBuffer() []byte { return make([]byte, 4096) }

func handleRequest(s *Stopper, id int) {
	ctx := context.WithValue(s.quiesce, tagsKey{}, makeLogTags(id))
	ctx = context.WithValue(ctx, attrsKey{}, newRequestAttrs(id))
	ctx = context.WithValue(ctx, bufKey{}, newRequestBuffer())
	child, done := s.WithCancelOnQuiesce(ctx, id)
	_ = child.Value(bufKey{}).([]byte)[0]
	if *dump.Fixed {
		done()
	}
}

func main() {
	dump.Setup()
	s := NewStopper()
	dump.Heap("heap_before")
	for i := 0; i < *dump.N; i++ {
		handleRequest(s, i)
	}
	dump.Heap("heap")
	dump.Goroutine()
	runtime.KeepAlive(s)
	s.stop()
}
