#include "models/text.hpp"

#include <QDateTime>
#include <cstdlib>

#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/analyzer/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

QString bytes_text(std::uint64_t bytes) { return qstr(an::format_bytes(bytes)); }
QString count_text(std::uint64_t count) { return qstr(an::format_count(count)); }
QString share_text(double share) { return qstr(an::format_share(share)); }
QString duration_text(std::uint64_t ns) { return qstr(an::format_duration(ns)); }

namespace {
std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
}
QString sign(std::int64_t v) { return v > 0 ? QStringLiteral("+") : v < 0 ? QStringLiteral("\u2212") : QString(); }
}  // namespace

QString delta_bytes_text(std::int64_t delta) { return sign(delta) + bytes_text(magnitude(delta)); }
QString delta_count_text(std::int64_t delta) { return sign(delta) + count_text(magnitude(delta)); }

QString context_text(const an::Analysis& analysis, an::Index context) {
  const an::Context& c = analysis.context(context);
  if (!analysis.profile->str(c.name).empty()) return qstr(an::describe_context(analysis, context));
  return QStringLiteral("#%1 <%2>").arg(c.id).arg(qstr(an::to_string(c.kind)));
}

QString site_text(const an::Analysis& analysis, an::Index context) {
  return qstr(an::describe_site(*analysis.profile, analysis.site_of(context)));
}

QString state_text(const an::Context& context) {
  QString text = qstr(an::to_string(context.state));
  if (context.cancel_dropped) text += QStringLiteral(", cancel dropped");
  if (context.destroyed) text += QStringLiteral(", destroyed");
  return text;
}

QString wall_time_text(std::uint64_t wall_time_ns) {
  if (wall_time_ns == 0) return {};
  const auto ms = static_cast<qint64>(wall_time_ns / 1'000'000);
  return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")) +
         QStringLiteral(" UTC");
}

}  // namespace ctxheap::gui
