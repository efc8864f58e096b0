#include "models/context_filter_proxy.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "ctxheap/analyzer/sites.hpp"
#include "document/document.hpp"
#include "models/context_tree_model.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {

bool contains_folded(std::string_view haystack, std::string_view lower_needle) {
  if (lower_needle.empty()) return true;
  return std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(), [](char h, char n) {
           return std::tolower(static_cast<unsigned char>(h)) == n;
         }) != haystack.end();
}

bool state_matches(const an::Context& c, ContextFilter::State state) {
  switch (state) {
    case ContextFilter::State::Any: return true;
    case ContextFilter::State::Live: return c.state == an::ContextState::Live;
    case ContextFilter::State::Ended: return c.state != an::ContextState::Live;
    case ContextFilter::State::Cancelled: return c.state == an::ContextState::Cancelled;
    case ContextFilter::State::Expired: return c.state == an::ContextState::Expired;
  }
  return true;
}

struct Needle {
  std::string lower;
  bool by_id = false;
  an::ContextId id = 0;
};

Needle make_needle(const QString& text) {
  Needle n;
  const QString t = text.trimmed();
  n.lower = t.toLower().toStdString();
  if (t.startsWith(QLatin1Char('#'))) {
    bool ok = false;
    n.id = t.mid(1).toULongLong(&ok);
    n.by_id = ok;
  }
  return n;
}

bool text_matches(const an::Analysis& a, Index i, const Needle& needle) {
  if (needle.lower.empty()) return true;
  const an::Context& c = a.context(i);
  if (needle.by_id) return c.id == needle.id;
  const an::Profile& p = *a.profile;
  if (contains_folded(p.str(c.name), needle.lower) || contains_folded(an::to_string(c.kind), needle.lower)) return true;
  const an::CreationSite& site = a.site_of(i);
  return contains_folded(p.str(site.function), needle.lower) ||
         contains_folded(an::file_basename(p.str(site.file)), needle.lower) ||
         contains_folded(std::to_string(c.id), needle.lower);
}

bool node_matches(const an::Analysis& a, Index i, const ContextFilter& filter, const Needle& needle) {
  if (filter.stale_only && !a.node(i).stale) return false;
  return state_matches(a.context(i), filter.state) && text_matches(a, i, needle);
}

}  // namespace

bool context_matches(const an::Analysis& analysis, Index context, const ContextFilter& filter) {
  return node_matches(analysis, context, filter, make_needle(filter.text));
}

ContextFilterProxy::ContextFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {}

void ContextFilterProxy::set_tree(ContextTreeModel* tree) {
  tree_ = tree;
  setSourceModel(tree);
  refresh();
}

void ContextFilterProxy::refresh() {
  if (tree_ != nullptr) tree_->set_visibility(compute(tree_->document()));
  invalidateFilter();
  Q_EMIT filterChanged();
}

void ContextFilterProxy::set_document(std::shared_ptr<const Document> document) {
  if (tree_ == nullptr) return;
  auto visible = compute(document.get());
  tree_->set_document(std::move(document), std::move(visible));
  invalidateFilter();
  Q_EMIT filterChanged();
}

void ContextFilterProxy::set_filter(const ContextFilter& filter) {
  if (filter == filter_) return;
  filter_ = filter;
  refresh();
}

std::shared_ptr<const std::vector<std::uint8_t>> ContextFilterProxy::compute(const Document* document) {
  matches_ = 0;
  if (document == nullptr) return {};
  const an::Analysis& a = document->latest();
  if (!filter_.active()) {
    matches_ = a.forest.size();
    return {};
  }
  const Needle needle = make_needle(filter_.text);
  auto shown = std::make_shared<std::vector<std::uint8_t>>(a.forest.size(), 0);
  std::vector<std::uint8_t>& visible = *shown;
  const auto order = a.forest.preorder();
  // Children after parents in preorder: walking it backwards, a node is final before its
  // parent is visited, so marks propagate up in one pass.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Index i = *it;
    if (node_matches(a, i, filter_, needle)) {
      visible[i] = 2;
      ++matches_;
    }
    const Index parent = a.node(i).parent;
    if (visible[i] != 0 && parent != kNoIndex && visible[parent] == 0) visible[parent] = 1;
  }
  return shown;
}

bool ContextFilterProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  if (tree_ == nullptr) return true;
  const Index n = tree_->node(tree_->index(source_row, 0, source_parent));
  return n != kNoIndex && tree_->shown(n);
}

void ContextFilterProxy::sort(int column, Qt::SortOrder order) {
  if (tree_ != nullptr) tree_->sort(column, order);
}

}  // namespace ctxheap::gui
