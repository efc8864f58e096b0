#include "views/summary_html.hpp"

#include <QFileInfo>

#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {

const char* const kWarn = "#e5484d";  // legible on light and dark backgrounds
const char* const kGood = "#30a46c";

QString esc(const QString& s) { return s.toHtmlEscaped(); }
QString esc(std::string_view s) { return qstr(s).toHtmlEscaped(); }

QString link(Index context, const QString& text) {
  return QStringLiteral("<a href=\"%1\">%2</a>").arg(context_link(context).toString(), esc(text));
}

QString row(const QString& label, const QString& value) {
  return QStringLiteral("<tr><td style=\"padding-right:18px\"><b>%1</b></td><td>%2</td></tr>").arg(esc(label), value);
}

QString source_line(const an::Analysis& a) {
  const an::ProfileMeta& m = a.profile->meta;
  QString text = esc(QFileInfo(qstr(m.source_path)).fileName());
  text += QStringLiteral(" &middot; ") + esc(an::to_string(m.source_format));
  if (m.source_format_version != 0) text += QStringLiteral(" v%1").arg(m.source_format_version);
  text += QStringLiteral(" &middot; ") + (m.counters == an::CounterSource::Exact ? QObject::tr("exact counters")
                                                                                  : QObject::tr("counters estimated from samples"));
  if (m.sampling_interval_bytes != 0)
    text += QObject::tr(" &middot; allocation stacks sampled every %1").arg(esc(bytes_text(m.sampling_interval_bytes)));
  return text;
}

}  // namespace

QUrl context_link(Index context) { return QUrl(QStringLiteral("context:%1").arg(context)); }

std::optional<Index> context_of_link(const QUrl& url) {
  if (url.scheme() != QLatin1String("context")) return std::nullopt;
  bool ok = false;
  const qulonglong v = url.path().toULongLong(&ok);
  if (!ok || v >= kNoIndex) return std::nullopt;
  return static_cast<Index>(v);
}

bool is_diff_link(const QUrl& url) { return url.scheme() == QLatin1String("diff"); }

QString summary_html(const Document& document) {
  const an::Analysis& a = document.latest();
  const an::ProfileMeta& m = a.profile->meta;
  const an::Summary& s = a.summary;
  QString html;
  html += QStringLiteral("<h2>%1</h2>").arg(
      QObject::tr("%1 (pid %2 on %3)").arg(esc(m.program.empty() ? std::string_view("unknown program") : std::string_view(m.program)))
          .arg(m.pid)
          .arg(esc(m.host)));
  QString when = QObject::tr("Snapshot %1 (%2)").arg(an::snapshot_number(m)).arg(esc(an::to_string(m.reason)));
  if (m.wall_time_ns != 0) when += QObject::tr(" at %1").arg(esc(wall_time_text(m.wall_time_ns)));
  if (document.series().snapshots.size() > 1)
    when += QObject::tr(", the latest of a series of %1 snapshots").arg(document.series().snapshots.size());
  html += QStringLiteral("<p>%1<br/><small>%2</small></p>").arg(when, source_line(a));

  // Leak suspects first, as MAT does.
  html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Leak suspects"));
  if (a.suspects.empty()) {
    html += QStringLiteral("<p style=\"color:%1\">%2</p>").arg(QLatin1String(kGood), QObject::tr("No leak suspect: no stale group passes the thresholds."));
  } else {
    html += QStringLiteral("<ol>");
    for (const an::LeakSuspect& suspect : a.suspects) {
      const an::StaleGroup& g = a.stale_groups[suspect.group];
      QString links;
      if (g.registrar != kNoIndex) links += link(g.registrar, QObject::tr("show the parent"));
      if (g.first_entry != kNoIndex)
        links += (links.isEmpty() ? QString() : QStringLiteral(" &middot; ")) + link(g.first_entry, QObject::tr("show a stale entry"));
      html += QStringLiteral("<li style=\"margin-bottom:8px\"><span style=\"color:%1\">%2</span><br/><small>%3</small></li>")
                  .arg(QLatin1String(kWarn), esc(suspect.sentence), links);
    }
    html += QStringLiteral("</ol>");
  }

  html += QStringLiteral("<h3>%1</h3><table>").arg(QObject::tr("Summary"));
  const double ratio = s.heap_alloc_bytes == 0 ? 0.0 : static_cast<double>(s.heap_inuse_bytes) / static_cast<double>(s.heap_alloc_bytes);
  html += row(QObject::tr("Heap in use"), QObject::tr("%1 in %2 objects, of %3 allocated (%4 in use)")
                                              .arg(esc(bytes_text(s.heap_inuse_bytes)), esc(count_text(s.heap_inuse_objects)),
                                                   esc(bytes_text(s.heap_alloc_bytes)), esc(share_text(ratio))));
  html += row(QObject::tr("Under contexts"), QObject::tr("%1 in use of %2 allocated")
                                                 .arg(esc(bytes_text(s.contexts_total.inuse_bytes())), esc(bytes_text(s.contexts_total.alloc_bytes))));
  html += row(QObject::tr("No context"),
              QObject::tr("%1 in use of %2 allocated").arg(esc(bytes_text(s.no_context.inuse_bytes())), esc(bytes_text(s.no_context.alloc_bytes))));
  html += row(QObject::tr("Contexts"), QObject::tr("%1 (%2 live, %3 ended, %4 registered in a children set)")
                                           .arg(esc(count_text(s.contexts)), esc(count_text(s.live)), esc(count_text(s.ended)),
                                                esc(count_text(s.registered))));
  const QString stale = s.stale == 0 ? QObject::tr("none")
                                     : QStringLiteral("<span style=\"color:%1\">%2</span>")
                                           .arg(QLatin1String(kWarn),
                                                (s.stale_groups == 1 ? QObject::tr("%1 in %2 group; cancelling them frees %3")
                                                                     : QObject::tr("%1 in %2 groups; cancelling them frees %3"))
                                                    .arg(esc(count_text(s.stale)), esc(count_text(s.stale_groups)),
                                                         esc(bytes_text(s.stale_retained.bytes))));
  html += row(QObject::tr("Stale child entries"), stale);
  html += row(QObject::tr("Retained after cancel"), s.retained_after_cancel == 0 ? QObject::tr("none")
                                                        : QObject::tr("%1 contexts own %2")
                                                              .arg(esc(count_text(s.retained_after_cancel)),
                                                                   esc(bytes_text(s.retained_after_cancel_bytes))));
  html += row(QObject::tr("Blocked waiters"), s.blocked_waiter_threads == 0 ? QObject::tr("none")
                                                  : QObject::tr("%1 threads").arg(esc(count_text(s.blocked_waiter_threads))));
  if (document.series().snapshots.size() > 1)
    html += row(QObject::tr("Growing children sets"), esc(count_text(a.findings.unbounded_children.size())));
  html += QStringLiteral("</table>");

  if (!a.findings.unbounded_children.empty()) {
    html += QStringLiteral("<h3>%1</h3><ul>").arg(QObject::tr("Growing children sets"));
    for (const an::UnboundedChildren& u : a.findings.unbounded_children)
      html += QStringLiteral("<li>%1 %2</li>").arg(esc(an::describe(a, u)), link(a.growth[u.growth].context, QObject::tr("show")));
    html += QStringLiteral("</ul>");
  }

  if (const an::ProfileDiff* d = document.diff()) {
    html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Before and after"));
    const an::Analysis& before = *document.diff_before();
    const an::Analysis& after = *document.diff_after();
    html += QStringLiteral("<p>%1<br/>").arg(QObject::tr("%1 &rarr; %2, matched %3")
                                                 .arg(esc(QFileInfo(qstr(before.profile->meta.source_path)).fileName()),
                                                      esc(QFileInfo(qstr(after.profile->meta.source_path)).fileName()),
                                                      d->mode == an::MatchMode::ById ? QObject::tr("by context id")
                                                                                      : QObject::tr("by creation-site path")));
    html += QObject::tr("Stale entries %1 &rarr; %2; stale groups fixed: <span style=\"color:%3\">%4</span>, new: "
                        "<span style=\"color:%5\">%6</span>, persisting: %7. <a href=\"diff:\">Open the diff</a></p>")
                .arg(esc(count_text(d->stale_before)), esc(count_text(d->stale_after)), QLatin1String(kGood),
                     esc(count_text(d->count(an::GroupChange::Fixed))), QLatin1String(kWarn),
                     esc(count_text(d->count(an::GroupChange::New))), esc(count_text(d->count(an::GroupChange::Persisting))));
  }

  if (!a.warnings.empty()) {
    html += QStringLiteral("<h3>%1</h3><ul>").arg(QObject::tr("Warnings"));
    for (const std::string& w : a.warnings) html += QStringLiteral("<li>%1</li>").arg(esc(w));
    html += QStringLiteral("</ul>");
  }
  return html;
}

}  // namespace ctxheap::gui
