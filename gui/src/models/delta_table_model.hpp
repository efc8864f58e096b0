// Base of the diff tables: rows of before/after values with deltas. A subclass says what
// each cell holds (Cell); this class turns it into roles: display text, a sort value, and
// a colour — growth red, shrink green — readable on light and dark palettes.
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>
#include <memory>

#include "document/document.hpp"
#include "models/roles.hpp"

namespace ctxheap::gui {

/// Growth (+1) is red, shrink (-1) green; 0 has no colour.
QColor delta_color(int sign);

class DeltaTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  struct Cell {
    QString text;
    double sort = 0;        ///< numeric columns sort by this
    int sign = 0;           ///< +1 worse (grew), -1 better (shrank)
    bool numeric = false;
    QString tooltip{};
  };

  explicit DeltaTableModel(QStringList headers, QObject* parent = nullptr);
  void set_document(std::shared_ptr<const Document> document);
  const Document* document() const noexcept { return document_.get(); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 protected:
  virtual int rows() const = 0;
  virtual Cell cell(int row, int column) const = 0;
  // Valid while rows() > 0 (set together with the document).
  const analyzer::ProfileDiff& diff() const { return *diff_; }
  const analyzer::Analysis& before() const { return *before_; }
  const analyzer::Analysis& after() const { return *after_; }
  static Cell count_cell(std::uint64_t value);
  static Cell bytes_cell(std::uint64_t value);
  static Cell count_delta(std::uint64_t before, std::uint64_t after);
  static Cell bytes_delta(std::uint64_t before, std::uint64_t after);

 private:
  QStringList headers_;
  std::shared_ptr<const Document> document_;
  const analyzer::ProfileDiff* diff_ = nullptr;
  const analyzer::Analysis* before_ = nullptr;
  const analyzer::Analysis* after_ = nullptr;
};

}  // namespace ctxheap::gui
