#include "models/parent_delta_model.hpp"

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

ParentDeltaModel::ParentDeltaModel(QObject* parent)
    : DeltaTableModel({tr("Parent"), tr("Registered before"), tr("after"), tr("\u0394"), tr("Stale before"), tr("after"),
                       tr("\u0394"), tr("Subtree in use before"), tr("after"), tr("\u0394 in use")},
                      parent) {}

int ParentDeltaModel::rows() const { return static_cast<int>(diff().parents.size()); }

DeltaTableModel::Cell ParentDeltaModel::cell(int row, int column) const {
  const an::ParentDelta& d = diff().parents[static_cast<std::size_t>(row)];
  switch (column) {
    case Parent: {
      const bool after_side = d.after.context != an::kNoIndex;
      const an::Analysis& a = after_side ? after() : before();
      const an::ParentSide& side = after_side ? d.after : d.before;
      QString text = context_text(a, side.context);
      if (side.contexts > 1) text += tr(" (and %1 more like it)").arg(count_text(side.contexts - 1));
      return {text, 0, 0, false, text + QStringLiteral("\n") + tr("created at %1").arg(site_text(a, side.context))};
    }
    case ChildrenBefore: return count_cell(d.before.registered_children);
    case ChildrenAfter: return count_cell(d.after.registered_children);
    case ChildrenDelta: return count_delta(d.before.registered_children, d.after.registered_children);
    case StaleBefore: return count_cell(d.before.stale_children);
    case StaleAfter: return count_cell(d.after.stale_children);
    case StaleDelta: return count_delta(d.before.stale_children, d.after.stale_children);
    case InuseBefore: return bytes_cell(d.before.subtree.inuse_bytes());
    case InuseAfter: return bytes_cell(d.after.subtree.inuse_bytes());
    case InuseDelta: return bytes_delta(d.before.subtree.inuse_bytes(), d.after.subtree.inuse_bytes());
    default: return {};
  }
}

}  // namespace ctxheap::gui
