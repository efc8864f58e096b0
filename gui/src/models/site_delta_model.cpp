#include "models/site_delta_model.hpp"

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

SiteDeltaModel::SiteDeltaModel(QObject* parent)
    : DeltaTableModel({tr("Created at"), tr("Contexts before"), tr("after"), tr("\u0394"), tr("In use before"), tr("after"),
                       tr("\u0394 in use"), tr("Stale before"), tr("after"), tr("\u0394"), tr("\u0394 stale retained")},
                      parent) {}

int SiteDeltaModel::rows() const { return static_cast<int>(diff().sites.size()); }

DeltaTableModel::Cell SiteDeltaModel::cell(int row, int column) const {
  const an::SiteDelta& d = diff().sites[static_cast<std::size_t>(row)];
  switch (column) {
    case Site: {
      // The analyzer's label: each run's site from its own profile, the after side's first.
      const QString text = qstr(an::describe_site_delta(before(), after(), d));
      QString tip = text;
      if (d.before.site == an::kNoIndex) tip += tr("\nOnly after");
      if (d.after.site == an::kNoIndex) tip += tr("\nOnly before");
      return {text, 0, 0, false, tip};
    }
    case ContextsBefore: return count_cell(d.before.contexts);
    case ContextsAfter: return count_cell(d.after.contexts);
    case ContextsDelta: return count_delta(d.before.contexts, d.after.contexts);
    case InuseBefore: return bytes_cell(d.before.self.inuse_bytes());
    case InuseAfter: return bytes_cell(d.after.self.inuse_bytes());
    case InuseDelta: return bytes_delta(d.before.self.inuse_bytes(), d.after.self.inuse_bytes());
    case StaleBefore: return count_cell(d.before.stale);
    case StaleAfter: return count_cell(d.after.stale);
    case StaleDelta: return count_delta(d.before.stale, d.after.stale);
    case RetainedDelta: return bytes_delta(d.before.stale_retained.bytes, d.after.stale_retained.bytes);
    default: return {};
  }
}

}  // namespace ctxheap::gui
