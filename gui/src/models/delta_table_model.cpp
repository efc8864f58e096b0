#include "models/delta_table_model.hpp"

#include "models/text.hpp"

namespace ctxheap::gui {

QColor delta_color(int sign) {
  if (sign > 0) return QColor(229, 72, 77);   // red, legible on white and on dark grey
  if (sign < 0) return QColor(48, 164, 108);  // green
  return {};
}

DeltaTableModel::DeltaTableModel(QStringList headers, QObject* parent)
    : QAbstractTableModel(parent), headers_(std::move(headers)) {}

void DeltaTableModel::set_document(std::shared_ptr<const Document> document) {
  beginResetModel();
  document_ = std::move(document);
  diff_ = document_ ? document_->diff() : nullptr;
  before_ = document_ ? document_->diff_before() : nullptr;
  after_ = document_ ? document_->diff_after() : nullptr;
  endResetModel();
}

int DeltaTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || diff_ == nullptr) return 0;
  return rows();
}

int DeltaTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(headers_.size());
}

QVariant DeltaTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Cell c = cell(index.row(), index.column());
  switch (role) {
    case Qt::DisplayRole: return c.text;
    case Qt::ToolTipRole: return c.tooltip.isEmpty() ? QVariant() : QVariant(c.tooltip);
    case Qt::TextAlignmentRole:
      return c.numeric ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: return c.sign == 0 ? QVariant() : QVariant(delta_color(c.sign));
    case SortRole: return c.numeric ? QVariant(c.sort) : QVariant(c.text);
    case DeltaSignRole: return c.sign;
    default: return {};
  }
}

QVariant DeltaTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= headers_.size()) return {};
  return headers_[section];
}

DeltaTableModel::Cell DeltaTableModel::count_cell(std::uint64_t value) {
  return {count_text(value), static_cast<double>(value), 0, true};
}

DeltaTableModel::Cell DeltaTableModel::bytes_cell(std::uint64_t value) {
  return {bytes_text(value), static_cast<double>(value), 0, true};
}

namespace {
std::int64_t signed_delta(std::uint64_t before, std::uint64_t after) {
  return after >= before ? static_cast<std::int64_t>(after - before) : -static_cast<std::int64_t>(before - after);
}
int sign_of(std::int64_t d) { return d > 0 ? 1 : d < 0 ? -1 : 0; }
}  // namespace

DeltaTableModel::Cell DeltaTableModel::count_delta(std::uint64_t before, std::uint64_t after) {
  const std::int64_t d = signed_delta(before, after);
  return {delta_count_text(d), static_cast<double>(d), sign_of(d), true};
}

DeltaTableModel::Cell DeltaTableModel::bytes_delta(std::uint64_t before, std::uint64_t after) {
  const std::int64_t d = signed_delta(before, after);
  return {delta_bytes_text(d), static_cast<double>(d), sign_of(d), true};
}

}  // namespace ctxheap::gui
