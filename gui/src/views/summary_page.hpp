// The summary page: summary_html() in a browser whose links select contexts or open the
// diff.
#pragma once

#include <QTextBrowser>
#include <memory>

#include "document/document.hpp"

namespace ctxheap::gui {

class SummaryPage : public QTextBrowser {
  Q_OBJECT
 public:
  explicit SummaryPage(QWidget* parent = nullptr);
  void set_document(const std::shared_ptr<const Document>& document);

 Q_SIGNALS:
  void contextActivated(qulonglong context);
  void diffRequested();
};

}  // namespace ctxheap::gui
