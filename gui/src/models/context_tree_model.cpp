#include "models/context_tree_model.hpp"

#include <QApplication>
#include <QColor>
#include <QStyle>
#include <algorithm>
#include <numeric>

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {

bool numeric(int column) {
  return column != ContextTreeModel::Name && column != ContextTreeModel::Kind && column != ContextTreeModel::Site &&
         column != ContextTreeModel::State;
}

}  // namespace

ContextTreeModel::ContextTreeModel(QObject* parent) : QAbstractItemModel(parent) {
  if (qobject_cast<QApplication*>(QCoreApplication::instance()) != nullptr) {
    stale_icon_ = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    retained_icon_ = QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
    in_flight_icon_ = QApplication::style()->standardIcon(QStyle::SP_MessageBoxQuestion);
  }
}

namespace {

std::shared_ptr<const ContextTreeModel::Visibility> fitting(const Document* document,
                                                           std::shared_ptr<const ContextTreeModel::Visibility> visible) {
  if (document == nullptr || visible == nullptr || visible->size() != document->latest().forest.size()) return {};
  return visible;
}

}  // namespace

void ContextTreeModel::set_document(std::shared_ptr<const Document> document, std::shared_ptr<const Visibility> visible) {
  beginResetModel();
  document_ = std::move(document);
  visible_ = fitting(document_.get(), std::move(visible));
  fetched_.clear();
  sorted_.clear();
  sorted_row_.clear();
  retained_after_cancel_.clear();
  in_flight_.clear();
  if (document_) {
    const auto& findings = analysis().findings.retained_after_cancel;
    for (Index f = 0; f < findings.size(); ++f) retained_after_cancel_.emplace(findings[f].context, f);
    const auto& in_flight = analysis().findings.in_flight;
    for (Index f = 0; f < in_flight.size(); ++f) in_flight_.emplace(in_flight[f].context, f);
  }
  endResetModel();
}

void ContextTreeModel::set_visibility(std::shared_ptr<const Visibility> visible) {
  beginResetModel();
  visible_ = fitting(document_.get(), std::move(visible));
  fetched_.clear();
  endResetModel();
}

bool ContextTreeModel::shown(Index n) const noexcept {
  if (visible_ == nullptr) return true;
  return n < visible_->size() && (*visible_)[n] != 0;
}

Index ContextTreeModel::node(const QModelIndex& index) const noexcept {
  return index.isValid() ? static_cast<Index>(index.internalId()) : kNoIndex;
}

std::uint32_t ContextTreeModel::total_children(Index parent) const noexcept {
  if (!document_) return 0;
  const auto& forest = analysis().forest;
  return static_cast<std::uint32_t>(parent == kNoIndex ? forest.roots().size() : forest.children(parent).size());
}

std::uint32_t ContextTreeModel::exposed(Index parent) const {
  const std::uint32_t total = total_children(parent);
  if (const auto it = fetched_.find(parent); it != fetched_.end()) return std::min(total, it->second);
  if (visible_ == nullptr || total == 0) return std::min(total, static_cast<std::uint32_t>(batch_));
  const std::uint32_t rows = extend(parent, 0, static_cast<std::uint32_t>(batch_));
  fetched_.emplace(parent, rows);  // the first batch of a filtered parent, found once
  return rows;
}

std::uint32_t ContextTreeModel::extend(Index parent, std::uint32_t have, std::uint32_t count) const {
  const std::uint32_t total = total_children(parent);
  if (visible_ == nullptr) return std::min<std::uint64_t>(total, std::uint64_t{have} + count);
  const std::span<const Index> children = ordered_children(parent);
  std::uint32_t row = have;
  for (std::uint32_t found = 0; row < total && found < count; ++row)
    if ((*visible_)[children[row]] != 0) ++found;
  return row;
}

const std::vector<Index>& ContextTreeModel::sorted_children(Index parent) const {
  if (const auto it = sorted_.find(parent); it != sorted_.end()) return it->second;
  const auto& forest = analysis().forest;
  const std::span<const Index> source = parent == kNoIndex ? forest.roots() : forest.children(parent);
  const bool descending = sort_order_ == Qt::DescendingOrder;
  std::vector<std::uint32_t> at(source.size());
  std::iota(at.begin(), at.end(), 0u);
  if (numeric(sort_column_)) {
    std::vector<double> key(source.size());
    for (std::size_t k = 0; k < source.size(); ++k) key[k] = sort_value(source[k], sort_column_).toDouble();
    std::stable_sort(at.begin(), at.end(), [&](std::uint32_t x, std::uint32_t y) {
      return descending ? key[x] > key[y] : key[x] < key[y];
    });
  } else {
    std::vector<QString> key(source.size());
    for (std::size_t k = 0; k < source.size(); ++k) key[k] = sort_value(source[k], sort_column_).toString();
    std::stable_sort(at.begin(), at.end(), [&](std::uint32_t x, std::uint32_t y) {
      const int c = QString::compare(key[x], key[y], Qt::CaseInsensitive);
      return descending ? c > 0 : c < 0;
    });
  }
  std::vector<Index> rows(source.size());
  for (std::size_t k = 0; k < at.size(); ++k) rows[k] = source[at[k]];
  if (sorted_row_.size() != forest.size()) sorted_row_.assign(forest.size(), 0);
  for (std::uint32_t r = 0; r < rows.size(); ++r) sorted_row_[rows[r]] = r;
  return sorted_.emplace(parent, std::move(rows)).first->second;
}

std::span<const Index> ContextTreeModel::ordered_children(Index parent) const {
  if (!document_) return {};
  if (default_order()) return document_->order().children(parent);
  return sorted_children(parent);
}

std::uint32_t ContextTreeModel::row_of(Index node) const {
  if (default_order()) return document_->order().row(node);
  sorted_children(analysis().node(node).parent);
  return sorted_row_[node];
}

QModelIndex ContextTreeModel::index(int row, int column, const QModelIndex& parent) const {
  if (!document_ || row < 0 || column < 0 || column >= ColumnCount) return {};
  const Index p = node(parent);
  if (static_cast<std::uint32_t>(row) >= exposed(p)) return {};
  return createIndex(row, column, static_cast<quintptr>(ordered_children(p)[static_cast<std::size_t>(row)]));
}

QModelIndex ContextTreeModel::parent(const QModelIndex& child) const {
  if (!document_ || !child.isValid()) return {};
  const Index p = analysis().node(node(child)).parent;
  if (p == kNoIndex) return {};
  return createIndex(static_cast<int>(row_of(p)), 0, static_cast<quintptr>(p));
}

int ContextTreeModel::rowCount(const QModelIndex& parent) const {
  if (parent.column() > 0) return 0;
  return static_cast<int>(exposed(node(parent)));
}

int ContextTreeModel::columnCount(const QModelIndex&) const { return ColumnCount; }

bool ContextTreeModel::hasChildren(const QModelIndex& parent) const {
  if (parent.column() > 0) return false;
  return total_children(node(parent)) > 0;
}

bool ContextTreeModel::canFetchMore(const QModelIndex& parent) const {
  if (!document_ || parent.column() > 0) return false;
  const Index p = node(parent);
  return exposed(p) < total_children(p);
}

void ContextTreeModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  const Index p = node(parent);
  const std::uint32_t have = exposed(p);
  const std::uint32_t want = extend(p, have, static_cast<std::uint32_t>(batch_));
  beginInsertRows(parent, static_cast<int>(have), static_cast<int>(want - 1));
  fetched_[p] = want;
  endInsertRows();
}

QModelIndex ContextTreeModel::index_of(Index target, int column) {
  if (!document_ || target >= analysis().forest.size()) return {};
  std::vector<Index> chain;
  for (Index n = target; n != kNoIndex; n = analysis().node(n).parent) chain.push_back(n);
  QModelIndex parent;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Index p = node(parent);
    const std::uint32_t row = row_of(*it);
    if (row >= exposed(p)) {  // fetch whole batches up to and including it
      const std::uint32_t have = exposed(p);
      const std::uint32_t want = std::max(row + 1, extend(p, row + 1, static_cast<std::uint32_t>(batch_) - 1));
      beginInsertRows(parent, static_cast<int>(have), static_cast<int>(want - 1));
      fetched_[p] = want;
      endInsertRows();
    }
    parent = createIndex(static_cast<int>(row), it + 1 == chain.rend() ? column : 0, static_cast<quintptr>(*it));
  }
  return parent;
}

void ContextTreeModel::sort(int column, Qt::SortOrder order) {
  if (column < 0 || column >= ColumnCount) return;
  if (!document_) {
    sort_column_ = column;
    sort_order_ = order;
    return;
  }
  if (column == sort_column_ && order == sort_order_) return;
  Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
  const QModelIndexList before = persistentIndexList();
  std::vector<Index> nodes;
  nodes.reserve(static_cast<std::size_t>(before.size()));
  for (const QModelIndex& i : before) nodes.push_back(node(i));
  sort_column_ = column;
  sort_order_ = order;
  sorted_.clear();
  QModelIndexList after;
  after.reserve(before.size());
  for (qsizetype k = 0; k < before.size(); ++k) {
    // Still reachable when every ancestor's new row is among the rows exposed.
    bool reachable = true;
    for (Index n = nodes[k]; n != kNoIndex && reachable; n = analysis().node(n).parent)
      reachable = row_of(n) < exposed(analysis().node(n).parent);
    after.push_back(reachable ? createIndex(static_cast<int>(row_of(nodes[k])), before[k].column(), static_cast<quintptr>(nodes[k]))
                              : QModelIndex());
  }
  changePersistentIndexList(before, after);
  Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

FindingMark ContextTreeModel::finding(Index n) const noexcept {
  if (analysis().node(n).stale) return FindingMark::Stale;
  if (retained_after_cancel_.count(n) != 0) return FindingMark::RetainedAfterCancel;
  if (in_flight_.count(n) != 0) return FindingMark::InFlight;
  return FindingMark::None;
}

QVariant ContextTreeModel::sort_value(Index n, int column) const {
  const an::RetentionNode& r = analysis().node(n);
  const an::Context& c = analysis().context(n);
  switch (column) {
    case Name: return context_text(analysis(), n);
    case Kind: return qstr(an::to_string(c.kind));
    case Site: return site_text(analysis(), n);
    case State: return state_text(c);
    case Children: return static_cast<double>(r.children);
    case SelfInuse: return static_cast<double>(r.self.inuse_bytes());
    case SelfObjects: return static_cast<double>(r.self.inuse_objects());
    case SubtreeInuse: return static_cast<double>(r.subtree.inuse_bytes());
    case SubtreeObjects: return static_cast<double>(r.subtree.inuse_objects());
    case Allocated: return static_cast<double>(r.subtree.alloc_bytes);
    case Ratio: return an::inuse_ratio(r.subtree);
    case Retained: return static_cast<double>(retained_weight(analysis(), n));
    case Age: return static_cast<double>(r.age_ns);
    default: return {};
  }
}

QString ContextTreeModel::tooltip(Index n, int column) const {
  const an::Analysis& a = analysis();
  const an::RetentionNode& r = a.node(n);
  if (r.stale) return qstr(an::describe(a, a.findings.stale[a.findings.stale_of_context[n]]));
  if (const auto it = retained_after_cancel_.find(n); it != retained_after_cancel_.end())
    return qstr(an::describe(a, a.findings.retained_after_cancel[it->second]));
  if (const auto it = in_flight_.find(n); it != in_flight_.end()) return qstr(an::describe(a, a.findings.in_flight[it->second]));
  switch (column) {
    case Site: return site_text(a, n);
    case Children:
      return tr("%1 in the tree: %2 registered in its children set (%3 stale); %4 derived from it")
          .arg(count_text(r.children), count_text(r.registered_children), count_text(r.stale_children), count_text(r.derived));
    case Retained: return tr("In use in its subtree; for a stale entry, what cancelling it would free when that is more");
    case Ratio: return tr("Subtree in use / allocated: %1 of %2").arg(bytes_text(r.subtree.inuse_bytes()), bytes_text(r.subtree.alloc_bytes));
    default: return {};
  }
}

QVariant ContextTreeModel::data(const QModelIndex& index, int role) const {
  if (!document_ || !index.isValid()) return {};
  const Index n = node(index);
  const int column = index.column();
  const an::Analysis& a = analysis();
  const an::RetentionNode& r = a.node(n);
  switch (role) {
    case Qt::DisplayRole:
      switch (column) {
        case Children: return count_text(r.children);
        case SelfInuse: return bytes_text(r.self.inuse_bytes());
        case SelfObjects: return count_text(r.self.inuse_objects());
        case SubtreeInuse: return bytes_text(r.subtree.inuse_bytes());
        case SubtreeObjects: return count_text(r.subtree.inuse_objects());
        case Allocated: return bytes_text(r.subtree.alloc_bytes);
        case Ratio: return share_text(an::inuse_ratio(r.subtree));
        case Retained: return bytes_text(retained_weight(a, n));
        case Age: return r.age_ns == 0 ? QString() : duration_text(r.age_ns);
        default: return sort_value(n, column);
      }
    case Qt::TextAlignmentRole:
      return numeric(column) ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole: return tooltip(n, column);
    case Qt::DecorationRole:
      if (column != Name) return {};
      if (r.stale) return stale_icon_;
      if (finding(n) == FindingMark::RetainedAfterCancel) return retained_icon_;
      if (finding(n) == FindingMark::InFlight) return in_flight_icon_;
      return {};
    case Qt::BackgroundRole:
      switch (finding(n)) {
        case FindingMark::Stale: return QColor(220, 53, 69, 72);
        case FindingMark::RetainedAfterCancel: return QColor(255, 159, 28, 72);
        case FindingMark::InFlight: return QColor(240, 200, 0, 56);
        case FindingMark::None: return {};
      }
      return {};
    case NodeRole: return static_cast<qulonglong>(n);
    case SortRole: return sort_value(n, column);
    case StaleRole: return r.stale;
    case FindingRole: return static_cast<int>(finding(n));
    case RatioRole: return column == Ratio ? QVariant(an::inuse_ratio(r.subtree)) : QVariant();
    default: return {};
  }
}

QVariant ContextTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    switch (section) {
      case Name: return tr("Context");
      case Kind: return tr("Kind");
      case Site: return tr("Created at");
      case State: return tr("State");
      case Children: return tr("Children");
      case SelfInuse: return tr("Self in use");
      case SelfObjects: return tr("Self objects");
      case SubtreeInuse: return tr("Subtree in use");
      case SubtreeObjects: return tr("Subtree objects");
      case Allocated: return tr("Allocated");
      case Ratio: return tr("In use / allocated");
      case Retained: return tr("Retained");
      case Age: return tr("Age");
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case Name: return tr("Context id and name (kind when unnamed)");
      case SelfInuse: return tr("In-use bytes charged to the context itself");
      case SubtreeInuse: return tr("In-use bytes of the context and everything it retains in the tree");
      case Allocated: return tr("Bytes ever allocated in the subtree (in use + freed)");
      case Ratio: return tr("Subtree in-use bytes / allocated bytes");
      case Retained: return tr("In use in its subtree; for a stale entry, what cancelling it would free when that is more");
      case Age: return tr("Time since creation, at the snapshot");
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole) return numeric(section) ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
  // The first click on a size, count, ratio or age column shows the largest first.
  if (role == Qt::InitialSortOrderRole) return static_cast<int>(numeric(section) ? Qt::DescendingOrder : Qt::AscendingOrder);
  return {};
}

}  // namespace ctxheap::gui
