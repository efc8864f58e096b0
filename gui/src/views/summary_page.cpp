#include "views/summary_page.hpp"

#include "views/summary_html.hpp"

namespace ctxheap::gui {

SummaryPage::SummaryPage(QWidget* parent) : QTextBrowser(parent) {
  setOpenLinks(false);
  setOpenExternalLinks(false);
  document()->setDocumentMargin(14);
  connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
    if (const auto context = context_of_link(url)) Q_EMIT contextActivated(*context);
    if (is_diff_link(url)) Q_EMIT diffRequested();
  });
  set_document(nullptr);
}

void SummaryPage::set_document(const std::shared_ptr<const Document>& doc) {
  if (!doc) {
    setHtml(tr("<h2>ctxheap</h2><p>Open a heap snapshot (File &gt; Open, Ctrl+O, or drop files here) to see what "
               "your context tree keeps alive.</p><p>Open two or more snapshots of one run to follow growth, or two runs "
               "(before and after a fix) to compare them.</p>"));
    return;
  }
  setHtml(summary_html(*doc));
}

}  // namespace ctxheap::gui
