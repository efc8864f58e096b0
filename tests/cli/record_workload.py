# A deterministic, allocation-heavy Python program for `ctxheap record` vs gperftools'
# HEAPPROFILE (tests/cli/record_command_test.cpp). Run with PYTHONMALLOC=malloc, so every
# Python object is a malloc, and PYTHONHASHSEED=0.
import json

index = {}
for i in range(20000):
    key = "item-%d" % i
    index[key] = {"id": i, "tags": [str(i % 7), str(i % 11)], "name": key.upper()}
rows = sorted(index.values(), key=lambda r: (r["tags"][0], -r["id"]))
text = json.dumps(rows[:5000])
decoded = json.loads(text)
total = sum(len(r["name"]) for r in decoded)
del index, rows
print(total)
