// The CLI's commands. Each adds its subcommand and options to the root app and returns
// what to run when that subcommand was given.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace ctxheap::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  ///< returns the exit code; throws CliError
};

Command add_report_command(CLI::App& root);
Command add_diff_command(CLI::App& root);
Command add_check_command(CLI::App& root);
Command add_convert_command(CLI::App& root);
Command add_record_command(CLI::App& root);
Command add_watch_command(CLI::App& root);

/// Parses argv and runs the command: the whole CLI, for main().
int run(int argc, char** argv);

}  // namespace ctxheap::cli
