#include "models/group_delta_model.hpp"

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

GroupDeltaModel::GroupDeltaModel(QObject* parent)
    : DeltaTableModel({tr("Change"), tr("Entries before"), tr("after"), tr("Retained before"), tr("after"), tr("What changed")},
                      parent) {}

int GroupDeltaModel::rows() const { return static_cast<int>(diff().groups.size()); }

DeltaTableModel::Cell GroupDeltaModel::cell(int row, int column) const {
  const an::StaleGroupDelta& g = diff().groups[static_cast<std::size_t>(row)];
  // Fixed is good news, New bad; a persisting group is judged by its retained bytes.
  const int sign = g.change == an::GroupChange::Fixed ? -1
                   : g.change == an::GroupChange::New ? 1
                   : g.retained_bytes_after > g.retained_bytes_before ? 1
                   : g.retained_bytes_after < g.retained_bytes_before ? -1 : 0;
  switch (column) {
    case Change: {
      QString text = qstr(an::to_string(g.change));
      if (!text.isEmpty()) text[0] = text[0].toUpper();
      return {text, static_cast<double>(g.change), sign, false};
    }
    case EntriesBefore: return count_cell(g.entries_before);
    case EntriesAfter: return count_cell(g.entries_after);
    case RetainedBefore: return bytes_cell(g.retained_bytes_before);
    case RetainedAfter: {
      Cell c = bytes_cell(g.retained_bytes_after);
      c.sign = sign;
      return c;
    }
    case Sentence: {
      const QString s = qstr(g.sentence);
      return {s, 0, 0, false, s};
    }
    default: return {};
  }
}

}  // namespace ctxheap::gui
