#include "models/alloc_delta_model.hpp"

#include <algorithm>

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

AllocDeltaModel::AllocDeltaModel(QObject* parent)
    : DeltaTableModel({tr("Stack (callers first)"), tr("In use before"), tr("after"), tr("\u0394 in use"), tr("\u0394 objects in use"),
                       tr("\u0394 allocated")},
                      parent) {}

void AllocDeltaModel::set_diff(std::shared_ptr<const Document> document, std::shared_ptr<const an::AllocationDiff> diff, Mode mode) {
  set_document(std::move(document));
  beginResetModel();
  diff_ = std::move(diff);
  mode_ = mode;
  endResetModel();
  Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

QVariant AllocDeltaModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::DisplayRole) {
    const bool counts = diff_ && diff_->objects_only;
    switch (section) {
      case Name: return mode_ == Mode::Stacks ? tr("Stack (callers first)") : tr("Function (inclusive)");
      case InuseBefore: return counts ? tr("Goroutines before") : tr("In use before");
      case InuseDelta: return counts ? tr("\u0394 goroutines") : tr("\u0394 in use");
      default: break;
    }
  }
  return DeltaTableModel::headerData(section, orientation, role);
}

std::size_t AllocDeltaModel::total_rows() const noexcept {
  if (!diff_) return 0;
  return mode_ == Mode::Stacks ? diff_->stacks.size() : diff_->functions.size();
}

int AllocDeltaModel::rows() const { return static_cast<int>(std::min<std::size_t>(total_rows(), kMaxRows)); }

DeltaTableModel::Cell AllocDeltaModel::cell(int row, int column) const {
  const auto k = static_cast<std::size_t>(row);
  an::SampleCounts before, after;
  QString name, tip;
  if (mode_ == Mode::Stacks) {
    const an::AllocStackDelta& d = diff_->stacks[k];
    before = d.before;
    after = d.after;
    QStringList frames;
    for (const std::string& f : d.frames) frames << qstr(f);
    name = frames.isEmpty() ? tr("(no stack)") : frames.join(QStringLiteral(" \u203a "));
    tip = frames.join(QStringLiteral("\n"));
    if (before == an::SampleCounts{}) tip += tr("\n\nOnly after");
    if (after == an::SampleCounts{}) tip += tr("\n\nOnly before");
  } else {
    const an::AllocFunctionDelta& d = diff_->functions[k];
    before = d.total_before;
    after = d.total_after;
    name = qstr(d.name);
    tip = name + tr("\nself in use %1 \u2192 %2").arg(bytes_text(d.self_before.inuse_bytes), bytes_text(d.self_after.inuse_bytes));
  }
  const bool counts = diff_->objects_only;
  switch (column) {
    case Name: return {name, 0, 0, false, tip};
    case InuseBefore: return counts ? count_cell(before.inuse_objects) : bytes_cell(before.inuse_bytes);
    case InuseAfter: return counts ? count_cell(after.inuse_objects) : bytes_cell(after.inuse_bytes);
    case InuseDelta:
      return counts ? count_delta(before.inuse_objects, after.inuse_objects) : bytes_delta(before.inuse_bytes, after.inuse_bytes);
    case ObjectsDelta: return count_delta(before.inuse_objects, after.inuse_objects);
    case AllocDelta: return bytes_delta(before.alloc_bytes, after.alloc_bytes);
    default: return {};
  }
}

}  // namespace ctxheap::gui
