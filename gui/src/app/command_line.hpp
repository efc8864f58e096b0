// ctxheap-gui's command line:
//   ctxheap-gui [FILE...] [--compare AFTER] [--screenshot OUT.png [--tab NAME] [--size WxH] [--select ID]]
//               [--view top-down|bottom-up|caller-callee|flame-graph] [--search TEXT]
//               [--diff-table parents|sites|allocations]
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <optional>

#include "ctxheap/analyzer/model.hpp"
#include "document/document.hpp"
#include "views/allocations_page.hpp"
#include "views/main_window.hpp"

namespace ctxheap::gui {

struct CommandLine {
  LoadRequest request;
  QString screenshot;  ///< empty: run the app
  MainWindow::Tab tab = MainWindow::Tab::Contexts;
  QSize size{1440, 900};
  std::optional<analyzer::ContextId> select;
  AllocationsPage::View view = AllocationsPage::View::TopDown;  ///< of the Allocations tab
  QString search;  ///< of the Allocations tab
  int diff_table = 0;  ///< table of the Diff tab: 0 parents, 1 creation sites, 2 allocation stacks
};

/// Parses arguments (argv[0] first). Prints --help/--version and exits 0 itself; returns
/// an error (one line) for bad options.
std::optional<CommandLine> parse_command_line(const QStringList& arguments, QString& error);

}  // namespace ctxheap::gui
