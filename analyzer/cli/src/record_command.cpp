// ctxheap record [options] -- PROGRAM ARGS...: runs any program with the shared collector
// preloaded (libctxheap_collector.so, which brings tcmalloc) and the snapshot triggers set,
// like `heaptrack ./app`. The program replaces this process (exec), so its pid, signals and
// exit status are its own; only a program that cannot be started is our error (exit 2).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace {

struct RecordArgs {
  std::string prefix;
  int signal = 0;
  double period = 0;
  std::string sample;
  std::string mode = "exact";
  std::vector<std::string> command;
};

// Where the shared collector is, relative to this binary: in the build tree, then in an
// installed prefix (bin/ → lib/); CTXHEAP_COLLECTOR_LIBRARY overrides.
std::filesystem::path collector_library() {
  if (const char* p = std::getenv("CTXHEAP_COLLECTOR_LIBRARY"); p != nullptr && *p != '\0') {
    if (!std::filesystem::exists(p)) throw CliError(std::string("CTXHEAP_COLLECTOR_LIBRARY: no such file: ") + p);
    return std::filesystem::absolute(p);
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto dir = self.parent_path();
    for (const char* relative : {CTXHEAP_COLLECTOR_BUILD_DIR, "../" CTXHEAP_INSTALL_LIBDIR, "../lib"}) {
      const auto candidate = (dir / relative / "libctxheap_collector.so").lexically_normal();
      if (std::filesystem::exists(candidate)) return candidate;
    }
  }
  throw CliError("record: cannot find libctxheap_collector.so next to ctxheap (set CTXHEAP_COLLECTOR_LIBRARY)");
}

int run_record(const RecordArgs& args) {
  if (args.command.empty()) throw CliError("record: give the program to run after --, e.g. ctxheap record -- ./app");
  if (args.mode != "exact" && args.mode != "sampled") throw CliError("record: --mode must be exact or sampled");
  const std::filesystem::path library = collector_library();
  std::string prefix = args.prefix;
  if (prefix.empty()) prefix = std::filesystem::path(args.command.front()).filename().string();
  const auto parent = std::filesystem::absolute(prefix).parent_path();
  if (!std::filesystem::is_directory(parent))
    throw CliError("record: -o " + prefix + ": no such directory: " + parent.string());

  std::string preload = library.string();
  if (const char* existing = std::getenv("LD_PRELOAD"); existing != nullptr && *existing != '\0')
    preload += std::string(":") + existing;
  setenv("LD_PRELOAD", preload.c_str(), 1);
  setenv("CTXHEAP_SNAPSHOT", std::filesystem::absolute(prefix).c_str(), 1);
  if (args.signal > 0) setenv("CTXHEAP_SIGNAL", std::to_string(args.signal).c_str(), 1);
  if (args.period > 0) setenv("CTXHEAP_PERIOD", std::to_string(args.period).c_str(), 1);
  if (!args.sample.empty()) setenv("CTXHEAP_SAMPLE", args.sample.c_str(), 1);
  if (args.mode == "sampled") setenv("CTXHEAP_MODE", "sampled", 1);

  std::vector<char*> argv;
  for (const std::string& a : args.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  throw CliError("record: cannot run " + args.command.front() + ": " + std::strerror(errno));
}

}  // namespace

Command add_record_command(CLI::App& root) {
  auto args = std::make_shared<RecordArgs>();
  CLI::App* cmd = root.add_subcommand(
      "record", "Run a program under the collector (preloaded with tcmalloc) and write its snapshots: ctxheap record [options] -- PROGRAM ARGS...");
  cmd->add_option("-o,--output", args->prefix, "Snapshot prefix: PREFIX.0001.ctxheap, ... (default: the program's name, here)")
      ->type_name("PREFIX");
  cmd->add_option("--signal", args->signal, "Also write a snapshot when this signal arrives")->check(CLI::Range(1, 64))->type_name("N");
  cmd->add_option("--period", args->period, "Also write a snapshot every S seconds")->check(CLI::PositiveNumber)->type_name("S");
  cmd->add_option("--sample", args->sample, "Mean sampling interval of allocation stacks in bytes (default 524288; 0 = off)")
      ->check(CLI::NonNegativeNumber)->type_name("BYTES");
  cmd->add_option("--mode", args->mode, "exact (every allocation counted, the default) or sampled (production cost)")
      ->check(CLI::IsMember({"exact", "sampled"}))->type_name("MODE");
  cmd->add_option("command", args->command, "The program and its arguments, after --")->required()->type_name("PROGRAM ARGS");
  cmd->positionals_at_end();
  return {cmd, [args] { return run_record(*args); }};
}

}  // namespace ctxheap::cli
