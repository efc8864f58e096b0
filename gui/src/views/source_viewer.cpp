#include "views/source_viewer.hpp"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QUrl>
#include <QVBoxLayout>

namespace ctxheap::gui {

bool SourceViewer::open(QWidget* parent, const QString& path, int line) {
  QFile file(path);
  if (!QFileInfo(path).isFile() || !file.open(QIODevice::ReadOnly | QIODevice::Text)) return false;
  // Source files are small; refuse anything that is not (a mistaken path to a binary).
  constexpr qint64 kMaxBytes = 16 * 1024 * 1024;
  if (file.size() > kMaxBytes) return false;
  auto* viewer = new SourceViewer(parent, path, QString::fromUtf8(file.readAll()), line);
  viewer->setAttribute(Qt::WA_DeleteOnClose);
  viewer->show();
  return true;
}

SourceViewer::SourceViewer(QWidget* parent, const QString& path, const QString& text, int line) : QDialog(parent) {
  setWindowTitle(line > 0 ? QStringLiteral("%1:%2").arg(QFileInfo(path).fileName()).arg(line) : QFileInfo(path).fileName());
  resize(900, 640);
  text_ = new QPlainTextEdit(this);
  text_->setReadOnly(true);
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  text_->setPlainText(text);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  QPushButton* external = buttons->addButton(tr("Open in Editor"), QDialogButtonBox::ActionRole);
  connect(external, &QPushButton::clicked, this, [path] { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(text_);
  layout->addWidget(buttons);

  const QTextBlock block = text_->document()->findBlockByNumber(std::max(0, line - 1));
  if (line > 0 && block.isValid()) {
    QTextCursor cursor(block);
    text_->setTextCursor(cursor);
    QTextEdit::ExtraSelection mark;
    QColor colour = palette().color(QPalette::Highlight);
    colour.setAlpha(90);
    mark.format.setBackground(colour);
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    mark.cursor = cursor;
    text_->setExtraSelections({mark});
    text_->centerCursor();
  }
}

int SourceViewer::current_line() const { return text_->textCursor().blockNumber() + 1; }

}  // namespace ctxheap::gui
