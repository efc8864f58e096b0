module ctxheap.test/field

go 1.19
