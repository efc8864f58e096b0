// The summary page's content as HTML (QTextBrowser's subset): what was loaded, the leak
// suspects as sentences linking into the tree, totals, findings, and the diff's headline.
// Every string from a snapshot is escaped.
#pragma once

#include <QString>
#include <QUrl>
#include <optional>

#include "document/document.hpp"

namespace ctxheap::gui {

QString summary_html(const Document& document);

/// Links in the summary: "context:<index>" selects a context of the latest snapshot,
/// "diff:" opens the diff.
QUrl context_link(analyzer::Index context);
std::optional<analyzer::Index> context_of_link(const QUrl& url);
bool is_diff_link(const QUrl& url);

}  // namespace ctxheap::gui
