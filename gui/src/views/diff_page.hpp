// The diff of two snapshots: a headline, stale groups fixed/new/persisting, and the
// parents, creation sites and allocation stacks that changed (views/alloc_diff_panel.hpp),
// deltas coloured (growth red, shrink green).
#pragma once

#include <QWidget>
#include <memory>

#include "document/document.hpp"

class QAbstractItemModel;
class QLabel;
class QTableView;
class QTabWidget;

namespace ctxheap::gui {

class AllocDiffPanel;
class GroupDeltaModel;
class ParentDeltaModel;
class SiteDeltaModel;

class DiffPage : public QWidget {
  Q_OBJECT
 public:
  explicit DiffPage(QWidget* parent = nullptr);
  void set_document(const std::shared_ptr<const Document>& document);
  void copy_selection();

  GroupDeltaModel* groups() const noexcept { return groups_; }
  ParentDeltaModel* parents() const noexcept { return parents_; }
  SiteDeltaModel* sites() const noexcept { return sites_; }
  AllocDiffPanel* allocations() const noexcept { return allocations_; }
  QTabWidget* tables() const noexcept { return tables_; }
  QLabel* headline() const noexcept { return headline_; }

 private:
  QTableView* make_table(QAbstractItemModel* model, const QString& name);

  QLabel* headline_ = nullptr;
  GroupDeltaModel* groups_ = nullptr;
  ParentDeltaModel* parents_ = nullptr;
  SiteDeltaModel* sites_ = nullptr;
  QTableView* groups_view_ = nullptr;
  QTableView* parents_view_ = nullptr;
  QTableView* sites_view_ = nullptr;
  QTabWidget* tables_ = nullptr;
  AllocDiffPanel* allocations_ = nullptr;
};

}  // namespace ctxheap::gui
