// How the analyzer scales: a full `ctxheap report` (HTML, the demo's report: analysis,
// suspects, findings, tree) on synthetic snapshots of 10k, 100k and 1M contexts, wide and
// deep trees. Each run is a separate process, so peak RSS is the report's own
// (wait4's ru_maxrss). Prints median wall time and peak RSS per size, and the 100k→1M
// cost ratio (10.0 = linear).
//   bench_report_scale [runs=3] [max_contexts=1000000]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "synthetic_snapshot.hpp"

namespace {

struct Run {
  double seconds = 0;
  double rss_mib = 0;
};

Run run_report(const std::filesystem::path& snapshot, const std::filesystem::path& out) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string in = snapshot.string(), o = out.string();
    execl(CTXHEAP_CLI, CTXHEAP_CLI, "report", in.c_str(), "-o", o.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_report_scale: ctxheap report failed on %s\n", snapshot.c_str());
    std::exit(1);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {seconds, static_cast<double>(usage.ru_maxrss) / 1024.0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::uint64_t max_contexts = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const auto dir = std::filesystem::temp_directory_path() / ("ctxheap-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  std::printf("| tree | contexts | sites | stale | file MiB | report s | peak RSS MiB |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const auto shape : {ctxheap_bench::TreeShape::Wide, ctxheap_bench::TreeShape::Deep}) {
    double seconds_100k = 0, rss_100k = 0;
    for (const std::uint64_t size : {10'000ull, 100'000ull, 1'000'000ull}) {
      if (size > max_contexts) break;
      ctxheap_bench::SyntheticShape s;
      s.contexts = size;
      s.shape = shape;
      const auto snapshot = dir / "synthetic.ctxheap";
      const auto stats = ctxheap_bench::write_synthetic_snapshot(snapshot, s);
      std::vector<double> times, rss;
      for (int r = 0; r < runs; ++r) {
        const Run run = run_report(snapshot, dir / "report.html");
        times.push_back(run.seconds);
        rss.push_back(run.rss_mib);
      }
      const double t = median(times), m = median(rss);
      std::printf("| %s | %llu | %llu | %llu | %.1f | %.3f | %.0f |\n", std::string(ctxheap_bench::to_string(shape)).c_str(),
                  static_cast<unsigned long long>(stats.contexts), static_cast<unsigned long long>(stats.sites),
                  static_cast<unsigned long long>(stats.stale), static_cast<double>(stats.file_bytes) / (1 << 20), t, m);
      std::fflush(stdout);
      if (size == 100'000) seconds_100k = t, rss_100k = m;
      if (size == 1'000'000 && seconds_100k > 0)
        std::printf("| %s | 100k→1M cost ratio (10.0 = linear) | | | | %.2f× | %.2f× |\n",
                    std::string(ctxheap_bench::to_string(shape)).c_str(), t / seconds_100k, m / rss_100k);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
