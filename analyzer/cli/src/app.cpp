// The whole CLI: the root app, its commands, and the one place where failures become
// exit codes and one line on stderr — never a stack trace.
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "ctxheap/report/report.hpp"
#include "ctxheap/report/visible_text.hpp"
#include "errors.hpp"
#include "flags.hpp"

namespace ctxheap::cli {
namespace {

// One line, with file names and profile text shown in the notation of visible_text: an
// error line cannot carry a terminal escape (ESC, BEL, C1, bidi controls).
std::string one_line(const std::string& reason) {
  std::string text = report::visible_text(reason);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

int fail(const std::string& reason) {
  std::cout.flush();
  std::cerr << "ctxheap: " << one_line(reason) << std::endl;
  return kExitBadInput;
}

int guarded(const std::function<int()>& run) {
  try {
    return run();
  } catch (const CliError& e) {
    return fail(e.what());
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unexpected error");
  }
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app("ctxheap: find memory that a cancellation-context tree keeps alive.", "ctxheap");
  app.set_version_flag("--version", generator() + " (report schema " + std::string(report::kJsonSchema) + ")");
  app.require_subcommand(1, 1);
  app.footer("Exit codes: 0 ok, 1 a `check` gate was exceeded, 2 bad input or usage. Reference: docs/cli.md");
  const Command commands[] = {add_report_command(app), add_diff_command(app), add_check_command(app),
                              add_convert_command(app), add_record_command(app), add_watch_command(app)};
  // CLI11 calls an unknown word "a missing subcommand"; say what it is.
  if (argc > 1 && argv[1][0] != '-') {
    const std::string word = argv[1];
    bool known = false;
    for (const Command& c : commands) known = known || c.app->get_name() == word;
    if (!known) return fail("unknown command '" + word + "': use report, diff, check, convert, record or watch (see ctxheap --help)");
  }
  if (argc == 1) return fail("a command is required: report, diff, check, convert, record or watch (see ctxheap --help)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + " (see ctxheap --help)");
  }
  for (const Command& c : commands)
    if (c.app->parsed()) return guarded(c.run);
  return fail("no command given (see ctxheap --help)");
}

}  // namespace ctxheap::cli
