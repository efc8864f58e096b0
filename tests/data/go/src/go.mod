module ctxheap.test/gocases

go 1.19
