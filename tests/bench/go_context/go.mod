module ctxheap.local/bench/gocontext

go 1.19
