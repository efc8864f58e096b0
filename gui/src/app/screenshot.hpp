// --screenshot: load, render the main window (on a chosen tab) into a PNG, exit. Used for
// the README's picture and by the tests; runs under QT_QPA_PLATFORM=offscreen.
#pragma once

#include <QString>

#include "app/command_line.hpp"

namespace ctxheap::gui {

/// Returns the process exit code: 0 written, 1 the PNG could not be written, 2 loading
/// failed (the reader's reason is printed to stderr, as the CLI does).
int take_screenshot(const CommandLine& command_line);

}  // namespace ctxheap::gui
