#include "app/command_line.hpp"

#include <QCommandLineParser>

namespace ctxheap::gui {

std::optional<CommandLine> parse_command_line(const QStringList& arguments, QString& error) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QObject::tr(
      "ctxheap's desktop app: what a cancellation-context tree keeps alive.\n"
      "One FILE opens a snapshot; several snapshots of one run open a series (growth, diff of first and latest);\n"
      "two runs (before and after a fix) open the first and diff them."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("files"), QObject::tr("Snapshots to open (any format the analyzer reads)."),
                               QStringLiteral("[FILE...]"));
  const QCommandLineOption compare(QStringLiteral("compare"), QObject::tr("Diff the latest FILE against this run's snapshot."),
                                   QStringLiteral("AFTER"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QObject::tr("Load the files, save a picture of the window as PNG and exit (2 if loading fails)."),
                                      QStringLiteral("OUT.png"));
  const QCommandLineOption tab(QStringLiteral("tab"), QObject::tr("Tab shown: summary, contexts (default), allocations, charts or diff."),
                               QStringLiteral("NAME"), QStringLiteral("contexts"));
  const QCommandLineOption size(QStringLiteral("size"), QObject::tr("Window size for --screenshot (default 1440x900)."),
                                QStringLiteral("WxH"), QStringLiteral("1440x900"));
  const QCommandLineOption select(QStringLiteral("select"), QObject::tr("Select the context with this id."), QStringLiteral("ID"));
  const QCommandLineOption sort(QStringLiteral("sort"), QObject::tr("Rank leak suspects by retained bytes (default) or entry count."),
                                QStringLiteral("bytes|count"), QStringLiteral("bytes"));
  const QCommandLineOption view(QStringLiteral("view"),
                                QObject::tr("View of the Allocations tab: top-down (default), bottom-up, caller-callee or flame-graph."),
                                QStringLiteral("NAME"), QStringLiteral("top-down"));
  const QCommandLineOption search(QStringLiteral("search"),
                                  QObject::tr("Search of the Allocations tab: stacks through a function containing TEXT."),
                                  QStringLiteral("TEXT"));
  const QCommandLineOption diff_table(QStringLiteral("diff-table"),
                                      QObject::tr("Table of the Diff tab: parents (default), sites or allocations."),
                                      QStringLiteral("NAME"), QStringLiteral("parents"));
  parser.addOptions({compare, screenshot, tab, size, select, sort, view, search, diff_table});
  if (!parser.parse(arguments)) {
    error = parser.errorText();
    return std::nullopt;
  }
  if (parser.isSet(QStringLiteral("help"))) parser.showHelp(0);
  if (parser.isSet(QStringLiteral("version"))) parser.showVersion();

  CommandLine cl;
  for (const QString& f : parser.positionalArguments()) cl.request.files.emplace_back(f.toStdString());
  if (parser.isSet(compare)) cl.request.compare = parser.value(compare).toStdString();
  if (!cl.request.compare.empty() && cl.request.files.empty()) {
    error = QObject::tr("--compare needs a snapshot to compare with");
    return std::nullopt;
  }
  const QString ranking = parser.value(sort).toLower();
  if (ranking == QLatin1String("count")) cl.request.rank_by = analyzer::SuspectRanking::Count;
  else if (ranking != QLatin1String("bytes")) {
    error = QObject::tr("--sort: expected bytes or count, got '%1'").arg(ranking);
    return std::nullopt;
  }
  cl.screenshot = parser.value(screenshot);
  const QString t = parser.value(tab).toLower();
  if (t == QLatin1String("summary")) cl.tab = MainWindow::Tab::Summary;
  else if (t == QLatin1String("contexts")) cl.tab = MainWindow::Tab::Contexts;
  else if (t == QLatin1String("allocations")) cl.tab = MainWindow::Tab::Allocations;
  else if (t == QLatin1String("charts")) cl.tab = MainWindow::Tab::Charts;
  else if (t == QLatin1String("diff")) cl.tab = MainWindow::Tab::Diff;
  else {
    error = QObject::tr("--tab: unknown tab '%1' (summary, contexts, allocations, charts or diff)").arg(t);
    return std::nullopt;
  }
  const QString v = parser.value(view).toLower();
  if (v == QLatin1String("top-down")) cl.view = AllocationsPage::View::TopDown;
  else if (v == QLatin1String("bottom-up")) cl.view = AllocationsPage::View::BottomUp;
  else if (v == QLatin1String("caller-callee")) cl.view = AllocationsPage::View::CallerCallee;
  else if (v == QLatin1String("flame-graph")) cl.view = AllocationsPage::View::FlameGraph;
  else {
    error = QObject::tr("--view: unknown view '%1' (top-down, bottom-up, caller-callee or flame-graph)").arg(v);
    return std::nullopt;
  }
  const QString dt = parser.value(diff_table).toLower();
  if (dt == QLatin1String("parents")) cl.diff_table = 0;
  else if (dt == QLatin1String("sites")) cl.diff_table = 1;
  else if (dt == QLatin1String("allocations")) cl.diff_table = 2;
  else {
    error = QObject::tr("--diff-table: unknown table '%1' (parents, sites or allocations)").arg(dt);
    return std::nullopt;
  }
  cl.search = parser.value(search);
  const QStringList wh = parser.value(size).toLower().split(QLatin1Char('x'));
  bool ok_w = false, ok_h = false;
  if (wh.size() == 2) cl.size = QSize(wh[0].toInt(&ok_w), wh[1].toInt(&ok_h));
  if (!ok_w || !ok_h || cl.size.width() < 320 || cl.size.height() < 240 || cl.size.width() > 8192 || cl.size.height() > 8192) {
    error = QObject::tr("--size: expected WxH between 320x240 and 8192x8192, got '%1'").arg(parser.value(size));
    return std::nullopt;
  }
  if (parser.isSet(select)) {
    bool ok = false;
    cl.select = parser.value(select).remove(QLatin1Char('#')).toULongLong(&ok);
    if (!ok) {
      error = QObject::tr("--select: expected a context id, got '%1'").arg(parser.value(select));
      return std::nullopt;
    }
  }
  if (!cl.screenshot.isEmpty() && cl.request.files.empty()) {
    error = QObject::tr("--screenshot needs a snapshot to load");
    return std::nullopt;
  }
  return cl;
}

}  // namespace ctxheap::gui
