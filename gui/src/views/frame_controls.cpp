#include "views/frame_controls.hpp"

#include <QCheckBox>
#include <QLineEdit>

namespace ctxheap::gui {

QCheckBox* all_frames_box(const QString& object_name, QWidget* parent) {
  auto* box = new QCheckBox(QObject::tr("All frames"), parent);
  box->setObjectName(object_name);
  box->setToolTip(QObject::tr("Show standard-library, allocator and runtime frames and full template arguments "
                              "(folded away by default, as in the reports)"));
  return box;
}

QLineEdit* function_search_box(const QString& object_name, const QString& tooltip, QWidget* parent) {
  auto* search = new QLineEdit(parent);
  search->setObjectName(object_name);
  search->setPlaceholderText(QObject::tr("Search functions…"));
  search->setClearButtonEnabled(true);
  search->setToolTip(tooltip);
  return search;
}

}  // namespace ctxheap::gui
