// Copy selected rows: tab-separated text (with a header line) of the visible columns,
// as pasted into a spreadsheet or a bug report.
#pragma once

#include <QModelIndexList>
#include <QString>

class QAbstractItemView;

namespace ctxheap::gui {

/// The rows of `indexes` (any column; each row once, in view order) with the columns the
/// view does not hide. Empty when nothing is selected.
QString rows_as_text(const QAbstractItemView& view, const QModelIndexList& indexes);

}  // namespace ctxheap::gui
