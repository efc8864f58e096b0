#include "models/stack_model.hpp"

#include <QFont>

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {
constexpr quintptr kTop = 0;  // internal id of stack rows; frames carry their stack's row + 1
}

StackModel::StackModel(QObject* parent) : QAbstractItemModel(parent) {}

void StackModel::set_context(std::shared_ptr<const Document> document, Index context) {
  beginResetModel();
  document_ = std::move(document);
  context_ = document_ ? context : kNoIndex;
  subtree_ = context_ == kNoIndex ? an::SubtreeStacks{}
                                  : an::subtree_stacks(document_->latest(), document_->sites_by_context(), context_, kMaxStacks);
  fill();
  endResetModel();
}

void StackModel::set_frame_detail(an::FrameDetail detail) {
  if (detail == detail_) return;
  beginResetModel();
  detail_ = detail;
  fill();
  endResetModel();
}

void StackModel::fill() {
  stacks_.clear();
  if (context_ == kNoIndex) return;
  const an::Profile& p = *document_->latest().profile;
  const an::Context& c = p.contexts[context_];
  if (c.creation_stack != kNoIndex) stacks_.push_back({true, c.creation_stack, {}, 0, {}, 0});
  for (const an::SubtreeStack& s : subtree_.stacks) stacks_.push_back({false, s.stack, s.counts, s.contexts, {}, 0});
  for (Entry& e : stacks_) {
    const auto frames = p.stack_frames(e.stack);
    e.shown = an::shown_frames(p, frames, detail_);
    e.folded = static_cast<std::uint32_t>(frames.size() - e.shown.size());
  }
}

QModelIndex StackModel::index(int row, int column, const QModelIndex& parent) const {
  if (row < 0 || column < 0 || column >= ColumnCount) return {};
  if (!parent.isValid()) return row < stack_count() ? createIndex(row, column, kTop) : QModelIndex();
  if (parent.internalId() != kTop) return {};
  if (row >= rowCount(parent)) return {};
  return createIndex(row, column, static_cast<quintptr>(parent.row() + 1));
}

QModelIndex StackModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == kTop) return {};
  return createIndex(static_cast<int>(child.internalId() - 1), 0, kTop);
}

int StackModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return stack_count();
  if (parent.internalId() != kTop || parent.column() != 0) return 0;
  const Entry& e = stacks_[static_cast<std::size_t>(parent.row())];
  return static_cast<int>(e.shown.size());
}

int StackModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant StackModel::stack_data(const Entry& e, int column, int role) const {
  if (role == Qt::FontRole && column == Frame) {
    QFont bold;
    bold.setBold(true);
    return bold;
  }
  if (role == Qt::TextAlignmentRole && (column == Inuse || column == Allocated))
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == SortRole && column == Inuse) return static_cast<qulonglong>(e.counts.inuse_bytes);
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  const QString folded = e.folded == 0 ? QString() : tr(" (%n runtime frame(s) folded)", nullptr, static_cast<int>(e.folded));
  if (e.creation) {
    if (column == Frame) return tr("Creation stack") + folded;
    return {};
  }
  switch (column) {
    case Frame:
      return (e.contexts > 1 ? tr("Allocation stack of %1 contexts").arg(count_text(e.contexts)) : tr("Allocation stack")) + folded;
    case Inuse: return tr("%1 in %2 objects").arg(bytes_text(e.counts.inuse_bytes), count_text(e.counts.inuse_objects));
    case Allocated: return tr("%1 in %2 objects").arg(bytes_text(e.counts.alloc_bytes), count_text(e.counts.alloc_objects));
    default: return {};
  }
}

QVariant StackModel::frame_data(const an::Frame& f, int column, int role) const {
  const an::Profile& p = *document_->latest().profile;
  const QString file = qstr(p.str(f.file));
  if (role == FileRole) return file;
  if (role == LineRole) return static_cast<int>(f.line);
  if (role == Qt::ToolTipRole && column == Location && !file.isEmpty())
    return f.line != 0 ? QStringLiteral("%1:%2").arg(file).arg(f.line) : file;
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  switch (column) {
    case Frame: {
      QString fn = qstr(an::shown_function(p.str(f.function), role == Qt::ToolTipRole ? an::FrameDetail::All : detail_));
      if (fn.isEmpty()) fn = QStringLiteral("0x%1").arg(f.address, 0, 16);
      return f.inlined ? fn + tr(" (inlined)") : fn;
    }
    case Location: {
      if (file.isEmpty()) return {};
      const QString base = qstr(an::file_basename(p.str(f.file)));
      return f.line != 0 ? QStringLiteral("%1:%2").arg(base).arg(f.line) : base;
    }
    case Module: {
      const QString module = qstr(an::file_basename(p.str(f.module)));
      return f.module_offset != 0 ? QStringLiteral("%1+0x%2").arg(module).arg(f.module_offset, 0, 16) : module;
    }
    default: return {};
  }
}

QVariant StackModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !document_) return {};
  if (index.internalId() == kTop) return stack_data(stacks_[static_cast<std::size_t>(index.row())], index.column(), role);
  const Entry& e = stacks_[index.internalId() - 1];
  const auto frames = document_->latest().profile->stack_frames(e.stack);
  return frame_data(frames[e.shown[static_cast<std::size_t>(index.row())]], index.column(), role);
}

QVariant StackModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Frame: return tr("Stack / function");
    case Location: return tr("File");
    case Inuse: return tr("In use (estimated)");
    case Allocated: return tr("Allocated (estimated)");
    case Module: return tr("Module");
    default: return {};
  }
}

}  // namespace ctxheap::gui
