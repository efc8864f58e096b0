#include "export/copy_rows.hpp"

#include <QAbstractItemView>
#include <QHeaderView>
#include <QTableView>
#include <QTreeView>
#include <algorithm>

namespace ctxheap::gui {

namespace {

QHeaderView* header_of(const QAbstractItemView& view) {
  if (const auto* tree = qobject_cast<const QTreeView*>(&view)) return tree->header();
  if (const auto* table = qobject_cast<const QTableView*>(&view)) return table->horizontalHeader();
  return nullptr;
}

/// Position of a row in the view: the row numbers from the root down.
std::vector<int> path_of(QModelIndex index) {
  std::vector<int> path;
  for (; index.isValid(); index = index.parent()) path.push_back(index.row());
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

QString rows_as_text(const QAbstractItemView& view, const QModelIndexList& indexes) {
  if (indexes.isEmpty() || view.model() == nullptr) return {};
  const QAbstractItemModel* model = view.model();
  const QHeaderView* header = header_of(view);
  std::vector<int> columns;  // visible columns in their visual order
  const int count = model->columnCount(indexes.front().parent());
  for (int visual = 0; visual < count; ++visual) {
    const int logical = header != nullptr ? header->logicalIndex(visual) : visual;
    if (header == nullptr || !header->isSectionHidden(logical)) columns.push_back(logical);
  }
  std::vector<QModelIndex> rows;
  for (const QModelIndex& i : indexes) {
    const QModelIndex first = i.sibling(i.row(), 0);
    if (std::find(rows.begin(), rows.end(), first) == rows.end()) rows.push_back(first);
  }
  std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return path_of(a) < path_of(b); });

  const auto clean = [](QString text) { return text.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' ')); };
  QStringList lines;
  QStringList head;
  for (int c : columns) head << clean(model->headerData(c, Qt::Horizontal).toString());
  lines << head.join(QLatin1Char('\t'));
  for (const QModelIndex& row : rows) {
    QStringList cells;
    for (int c : columns) cells << clean(row.sibling(row.row(), c).data().toString());
    lines << cells.join(QLatin1Char('\t'));
  }
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace ctxheap::gui
