#include "views/summary_html.hpp"

#include <QFileInfo>

#include "ctxheap/report/outline.hpp"
#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {

const char* const kWarn = "#e5484d";  // legible on light and dark backgrounds
const char* const kGood = "#30a46c";
const char* const kUnsure = "#c27c0e";  // amber: `check` warns

QString esc(const QString& s) { return s.toHtmlEscaped(); }
QString esc(std::string_view s) { return qstr(s).toHtmlEscaped(); }

using report::Part;

QString link(Index context, const QString& text) {
  return QStringLiteral("<a href=\"%1\">%2</a>").arg(context_link(context).toString(), esc(text));
}

QString row(const QString& label, const QString& value) {
  return QStringLiteral("<tr><td style=\"padding-right:18px\"><b>%1</b></td><td>%2</td></tr>").arg(esc(label), value);
}

// The reports' own wording (ctxheap/report/outline.hpp): file name, then what it is.
QString source_line(const an::Analysis& a) {
  return esc(QFileInfo(qstr(a.profile->meta.source_path)).fileName()) + QStringLiteral(" &middot; ") +
         esc(report::source_description(*a.profile));
}

// Beside the suspects, the children sets one profile cannot call leaked or in flight
// (Findings::in_flight), each in the analyzer's sentence: its count and range, its creation
// site and the verdict. Amber while `check` warns; plain once a series found it flat.
QString in_flight_html(const an::Analysis& a) {
  if (a.findings.in_flight.empty()) return {};
  QString html;
  for (const report::FindingSection& kind : report::findings_outline(a, 0))
    if (kind.part == report::FindingPart::InFlightSets) html += QStringLiteral("<h3>%1</h3>").arg(esc(kind.heading));
  html += QStringLiteral("<ul>");
  for (const an::InFlightSet& s : a.findings.in_flight) {
    QString links = link(s.context, QObject::tr("show the set"));
    if (const Index parent = a.node(s.context).parent; parent != kNoIndex)
      links += QStringLiteral(" &middot; ") + link(parent, QObject::tr("show the parent"));
    const QString sentence = s.flat ? esc(an::describe(a, s))
                                    : QStringLiteral("<span style=\"color:%1\">%2</span>")
                                          .arg(QLatin1String(kUnsure), esc(an::describe(a, s)));
    html += QStringLiteral("<li style=\"margin-bottom:8px\">%1<br/><small>%2</small></li>").arg(sentence, links);
  }
  return html + QStringLiteral("</ul>");
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
  const std::vector<report::Section> outline = report::report_outline(report::ReportSubject::of(document.series()));
  QString html;
  html += QStringLiteral("<h2>%1</h2>").arg(esc(report::snapshot_title(*a.profile)));
  QString when;
  if (document.series().snapshots.size() > 1)
    when = QObject::tr("The latest of a series of %1 snapshots").arg(document.series().snapshots.size());
  html += when.isEmpty() ? QStringLiteral("<p><small>%1</small></p>").arg(source_line(a))
                         : QStringLiteral("<p>%1<br/><small>%2</small></p>").arg(when, source_line(a));

  // Leak suspects first, as MAT does.
  html += QStringLiteral("<h3>%1</h3>").arg(esc(report::heading_of(outline, Part::Suspects)));
  if (a.suspects.empty()) {
    html += QStringLiteral("<p style=\"color:%1\">%2.</p>").arg(QLatin1String(kGood), esc(report::no_suspects_text(a)));
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
  html += in_flight_html(a);

  html += QStringLiteral("<h3>%1</h3><table>").arg(esc(report::heading_of(outline, Part::Summary)));
  for (const report::SummaryRow& r : report::summary_rows(a)) {
    const QString value = r.alarming ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(kWarn), esc(r.value))
                                     : esc(r.value);
    html += row(r.part_of_previous ? QStringLiteral("\u2003") + qstr(r.label) : qstr(r.label), value);
  }
  html += QStringLiteral("</table>");

  if (!a.findings.unbounded_children.empty()) {
    for (const report::FindingSection& kind : report::findings_outline(a, 0))
      if (kind.part == report::FindingPart::GrowingChildrenSets) html += QStringLiteral("<h3>%1</h3>").arg(esc(kind.heading));
    html += QStringLiteral("<ul>");
    for (const an::UnboundedChildren& u : a.findings.unbounded_children)
      html += QStringLiteral("<li>%1 %2</li>").arg(esc(an::describe(a, u)), link(a.growth[u.growth].context, QObject::tr("show")));
    html += QStringLiteral("</ul>");
  }

  if (const an::ProfileDiff* d = document.diff()) {
    html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Before and after"));
    const an::Analysis& before = *document.diff_before();
    const an::Analysis& after = *document.diff_after();
    html += QStringLiteral("<p>%1<br/>").arg(QObject::tr("%1 &rarr; %2: %3")
                                                 .arg(esc(QFileInfo(qstr(before.profile->meta.source_path)).fileName()),
                                                      esc(QFileInfo(qstr(after.profile->meta.source_path)).fileName()),
                                                      esc(an::match_rule_text(*d))));
    html += QObject::tr("Stale entries %1 &rarr; %2; %3. <a href=\"diff:\">Open the diff</a></p>")
                .arg(esc(count_text(d->stale_before)), esc(count_text(d->stale_after)),
                     esc(report::diff_outline(*d).front().heading));
  }

  if (!a.warnings.empty()) {
    html += QStringLiteral("<h3>%1</h3><ul>").arg(esc(report::heading_of(outline, Part::Warnings)));
    for (const std::string& w : a.warnings) html += QStringLiteral("<li>%1</li>").arg(esc(w));
    html += QStringLiteral("</ul>");
  }
  return html;
}

}  // namespace ctxheap::gui
