#include "settings/app_settings.hpp"

#include <QFileInfo>
#include <QSettings>
#include <QStringList>
#include <QVariantMap>

namespace ctxheap::gui {

namespace {

QVariantMap to_variant(const LoadRequest& r) {
  QStringList files;
  for (const auto& f : r.files) files << QString::fromStdString(f.string());
  return {{QStringLiteral("files"), files}, {QStringLiteral("compare"), QString::fromStdString(r.compare.string())}};
}

LoadRequest from_variant(const QVariant& v) {
  const QVariantMap m = v.toMap();
  LoadRequest r;
  for (const QString& f : m.value(QStringLiteral("files")).toStringList()) r.files.emplace_back(f.toStdString());
  r.compare = m.value(QStringLiteral("compare")).toString().toStdString();
  return r;
}

QString name(const std::filesystem::path& p) { return QString::fromStdString(p.filename().string()); }

}  // namespace

std::vector<LoadRequest> AppSettings::recent() {
  std::vector<LoadRequest> out;
  for (const QVariant& v : QSettings().value(QStringLiteral("recent/entries")).toList()) {
    LoadRequest r = from_variant(v);
    if (!r.files.empty()) out.push_back(std::move(r));
  }
  return out;
}

void AppSettings::add_recent(const LoadRequest& request) {
  std::vector<LoadRequest> entries = recent();
  std::erase(entries, request);
  entries.insert(entries.begin(), request);
  if (entries.size() > kMaxRecent) entries.resize(kMaxRecent);
  QVariantList list;
  for (const LoadRequest& r : entries) list << to_variant(r);
  QSettings().setValue(QStringLiteral("recent/entries"), list);
}

void AppSettings::clear_recent() { QSettings().remove(QStringLiteral("recent/entries")); }

QString AppSettings::describe(const LoadRequest& r) {
  if (r.files.empty()) return {};
  QString text = r.files.size() == 1 ? name(r.files.front())
                                     : QObject::tr("%1 \u2026 %2 (%3 snapshots)")
                                           .arg(name(r.files.front()), name(r.files.back()))
                                           .arg(r.files.size());
  if (!r.compare.empty()) text += QObject::tr(" vs %1").arg(name(r.compare));
  return text;
}

QString AppSettings::last_directory() { return QSettings().value(QStringLiteral("recent/directory")).toString(); }
void AppSettings::set_last_directory(const QString& directory) { QSettings().setValue(QStringLiteral("recent/directory"), directory); }

QByteArray AppSettings::layout(const QString& key) { return QSettings().value(QStringLiteral("layout/") + key).toByteArray(); }
void AppSettings::set_layout(const QString& key, const QByteArray& value) { QSettings().setValue(QStringLiteral("layout/") + key, value); }
void AppSettings::clear_layout() { QSettings().remove(QStringLiteral("layout")); }

}  // namespace ctxheap::gui
