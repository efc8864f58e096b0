// ctxheap-gui: the desktop app (docs/gui.md).
#include <QApplication>
#include <cstdio>

#include "app/command_line.hpp"
#include "app/screenshot.hpp"
#include "views/main_window.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("ctxheap"));
  QApplication::setApplicationName(QStringLiteral("ctxheap-gui"));
  QApplication::setApplicationVersion(QStringLiteral(CTXHEAP_VERSION));

  QString error;
  const auto command_line = ctxheap::gui::parse_command_line(QApplication::arguments(), error);
  if (!command_line) {
    std::fprintf(stderr, "ctxheap-gui: %s\n", qPrintable(error));
    return 2;
  }
  if (!command_line->screenshot.isEmpty()) return ctxheap::gui::take_screenshot(*command_line);

  ctxheap::gui::MainWindow window;
  window.show();
  window.show_tab(command_line->tab);
  if (!command_line->request.files.empty()) window.open(command_line->request);
  return QApplication::exec();
}
