#include "models/alloc_tree_model.hpp"

#include "models/roles.hpp"
#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

AllocTreeModel::AllocTreeModel(QObject* parent) : QAbstractItemModel(parent) { items_.emplace_back(); }

void AllocTreeModel::set_source(std::shared_ptr<const an::AllocationStacks> stacks, Mode mode, an::AllocMeasure measure,
                                an::FunctionId focus) {
  std::optional<std::vector<an::AllocNode>> rows;
  if (stacks) {
    switch (mode) {
      case Mode::TopDown:
      case Mode::BottomUp: break;  // the root's children are asked for when shown
      case Mode::Functions: rows = stacks->functions(measure); break;
      case Mode::Callers:
      case Mode::Callees: {
        auto cc = stacks->caller_callee(focus, measure);
        rows = std::move(mode == Mode::Callers ? cc.callers : cc.callees);
        break;
      }
    }
  }
  reset(std::move(stacks), mode, measure, focus, std::move(rows));
}

void AllocTreeModel::set_rows(std::shared_ptr<const an::AllocationStacks> stacks, Mode mode, an::AllocMeasure measure,
                              std::vector<an::AllocNode> rows, an::FunctionId focus) {
  reset(std::move(stacks), mode, measure, focus, std::move(rows));
}

void AllocTreeModel::reset(std::shared_ptr<const an::AllocationStacks> stacks, Mode mode, an::AllocMeasure measure,
                           an::FunctionId focus, std::optional<std::vector<an::AllocNode>> rows) {
  announcing_ = true;
  beginResetModel();
  stacks_ = std::move(stacks);
  mode_ = mode;
  measure_ = measure;
  focus_ = focus;
  items_.clear();
  items_.emplace_back();
  if (stacks_) {
    Item& root = items_[0];
    if (mode_ == Mode::TopDown) root.node = stacks_->root(an::AllocView::TopDown);
    if (mode_ == Mode::BottomUp) root.node = stacks_->root(an::AllocView::BottomUp);
    if (rows) {
      root.pending = std::move(*rows);
      root.computed = true;
      root.node.has_children = !root.pending.empty();
    }
  }
  endResetModel();
  announcing_ = false;
}

std::size_t AllocTreeModel::item_of(const QModelIndex& index) const {
  return index.isValid() ? static_cast<std::size_t>(index.internalId()) : 0;
}

void AllocTreeModel::compute(std::size_t item) {
  if (items_[item].computed || !stacks_) return;
  const an::AllocView view = mode_ == Mode::BottomUp ? an::AllocView::BottomUp : an::AllocView::TopDown;
  items_[item].pending = stacks_->children(view, items_[item].node.ref, measure_);
  items_[item].computed = true;
}

std::optional<an::FunctionId> AllocTreeModel::function_at(const QModelIndex& index) const {
  if (!index.isValid() || item_of(index) >= items_.size()) return std::nullopt;
  return items_[item_of(index)].node.function;
}

QModelIndex AllocTreeModel::index(int row, int column, const QModelIndex& parent) const {
  if (row < 0 || column < 0 || column >= ColumnCount) return {};
  const std::size_t p = item_of(parent);
  if (p >= items_.size() || static_cast<std::size_t>(row) >= items_[p].kids.size()) return {};
  return createIndex(row, column, static_cast<quintptr>(items_[p].kids[static_cast<std::size_t>(row)]));
}

QModelIndex AllocTreeModel::parent(const QModelIndex& child) const {
  if (!child.isValid()) return {};
  const std::size_t p = items_[item_of(child)].parent;
  if (p == 0) return {};
  return createIndex(items_[p].row, 0, static_cast<quintptr>(p));
}

int AllocTreeModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return 0;
  return static_cast<int>(items_[item_of(parent)].kids.size());
}

int AllocTreeModel::columnCount(const QModelIndex&) const { return ColumnCount; }

bool AllocTreeModel::hasChildren(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return false;
  return items_[item_of(parent)].node.has_children;
}

bool AllocTreeModel::canFetchMore(const QModelIndex& parent) const {
  if (announcing_ || (parent.isValid() && parent.column() != 0)) return false;
  const Item& it = items_[item_of(parent)];
  return it.node.has_children && (!it.computed || it.kids.size() < it.pending.size());
}

void AllocTreeModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  const std::size_t p = item_of(parent);
  compute(p);
  const std::size_t first = items_[p].kids.size();
  const std::size_t last = std::min(items_[p].pending.size(), first + kBatch);
  if (last <= first) return;
  announcing_ = true;
  beginInsertRows(parent, static_cast<int>(first), static_cast<int>(last - 1));
  for (std::size_t k = first; k < last; ++k) {
    Item child;
    child.node = items_[p].pending[k];
    child.parent = p;
    child.row = static_cast<int>(k);
    if (mode_ != Mode::TopDown && mode_ != Mode::BottomUp) child.node.has_children = false;
    items_.push_back(std::move(child));
    items_[p].kids.push_back(items_.size() - 1);
  }
  endInsertRows();
  announcing_ = false;
}

QVariant AllocTreeModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !stacks_) return {};
  const an::AllocNode& n = items_[item_of(index)].node;
  const bool inuse = measure_ == an::AllocMeasure::InUse;
  const std::uint64_t total = inuse ? n.total.inuse_bytes : n.total.alloc_bytes;
  const std::uint64_t self = inuse ? n.self.inuse_bytes : n.self.alloc_bytes;
  const std::uint64_t objects = inuse ? n.total.inuse_objects : n.total.alloc_objects;
  const QString mark = qstr(an::estimate_mark(*stacks_));
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case FunctionColumn: return qstr(stacks_->function_name(n.function));
        case TotalColumn: return mark + bytes_text(total);
        case SelfColumn: return mark + bytes_text(self);
        case ObjectsColumn: return mark + count_text(objects);
        default: return {};
      }
    case Qt::ToolTipRole:
      if (index.column() == FunctionColumn) return qstr(stacks_->function_name(n.function));
      if (index.column() == TotalColumn && stacks_->estimated()) {
        const an::Estimate e = stacks_->estimate(n, measure_);
        return tr("Estimated from samples: %1 (95 %: %2 – %3)")
            .arg(bytes_text(total), bytes_text(static_cast<std::uint64_t>(e.low)), bytes_text(static_cast<std::uint64_t>(e.high)));
      }
      return {};
    case Qt::TextAlignmentRole:
      return index.column() == FunctionColumn ? QVariant() : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case SortRole:
      switch (index.column()) {
        case FunctionColumn: return qstr(stacks_->function_name(n.function));
        case TotalColumn: return QVariant::fromValue<qulonglong>(total);
        case SelfColumn: return QVariant::fromValue<qulonglong>(self);
        case ObjectsColumn: return QVariant::fromValue<qulonglong>(objects);
        default: return {};
      }
    case RatioRole: {
      const an::SampleCounts all = stacks_->total();
      const std::uint64_t whole = inuse ? all.inuse_bytes : all.alloc_bytes;
      return whole == 0 ? 0.0 : static_cast<double>(total) / static_cast<double>(whole);
    }
    default: return {};
  }
}

QVariant AllocTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  const bool inuse = measure_ == an::AllocMeasure::InUse;
  switch (section) {
    case FunctionColumn:
      switch (mode_) {
        case Mode::TopDown: return tr("Function (callers above callees)");
        case Mode::BottomUp: return tr("Function (allocating function, its callers below)");
        case Mode::Functions: return tr("Function");
        case Mode::Callers: return tr("Caller");
        case Mode::Callees: return tr("Callee");
      }
      return {};
    case TotalColumn: return inuse ? tr("In use (incl.)") : tr("Allocated (incl.)");
    case SelfColumn: return inuse ? tr("In use (self)") : tr("Allocated (self)");
    case ObjectsColumn: return inuse ? tr("Objects in use") : tr("Objects allocated");
    default: return {};
  }
}

}  // namespace ctxheap::gui
