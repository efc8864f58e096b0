// Package dump writes the profiles a Go user takes from a service: heap (after a GC, as
// net/http/pprof's ?gc=1 does) and goroutine, each as profile.proto (debug=0) and as
// the legacy text format (debug=1).
package dump

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

var (
	out   = flag.String("out", ".", "folder for the profiles")
	rate  = flag.String("rate", "default", "full: every allocation (MemProfileRate 1); default: Go's 512 KiB")
	Fixed = flag.Bool("fixed", false, "run the fixed version of the program")
	N     = flag.Int("n", 10000, "how many requests, jobs or workers")
)

// Setup parses the flags and sets the sampling rate before the program allocates.
func Setup() {
	flag.Parse()
	switch *rate {
	case "full":
		runtime.MemProfileRate = 1
	case "default":
	default:
		fmt.Fprintln(os.Stderr, "-rate is full or default")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		panic(err)
	}
}

func write(profile, name string, debug int) {
	f, err := os.Create(filepath.Join(*out, name))
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup(profile).WriteTo(f, debug); err != nil {
		panic(err)
	}
}

// Heap writes name.pb.gz and name.txt after a full GC.
func Heap(name string) {
	runtime.GC()
	write("heap", name+".pb.gz", 0)
	write("heap", name+".txt", 1)
}

// Goroutine writes goroutine.pb.gz and goroutine.txt.
func Goroutine() {
	write("goroutine", "goroutine.pb.gz", 0)
	write("goroutine", "goroutine.txt", 1)
}
