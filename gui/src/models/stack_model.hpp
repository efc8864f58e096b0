// The stacks of one context: its creation stack, then the sampled allocation stacks of the
// context and everything it retains (analyzer::subtree_stacks: merged by stack, with how
// many contexts share each) with their (un-sampled estimates of) in-use and allocated
// bytes, largest first, at most kMaxStacks. Two levels:
// a row per stack, its frames (innermost first) as children. Frames are shown by the
// analyzer's rule (analyzer/shown_frames.hpp): runtime frames folded away and template
// arguments shortened, unless set_frame_detail(All).
#pragma once

#include <QAbstractItemModel>
#include <memory>
#include <vector>

#include "ctxheap/analyzer/shown_frames.hpp"
#include "ctxheap/analyzer/subtree_stacks.hpp"
#include "document/document.hpp"
#include "models/roles.hpp"

namespace ctxheap::gui {

class StackModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column : int { Frame, Location, Inuse, Allocated, Module, ColumnCount };

  static constexpr std::size_t kMaxStacks = 200;

  explicit StackModel(QObject* parent = nullptr);

  /// Shows the stacks of `context` in the document's latest snapshot; kNoIndex clears.
  void set_context(std::shared_ptr<const Document> document, analyzer::Index context);
  analyzer::Index context() const noexcept { return context_; }
  void set_frame_detail(analyzer::FrameDetail detail);
  analyzer::FrameDetail frame_detail() const noexcept { return detail_; }
  /// Rows: 1 for the creation stack (when the context has one) + the subtree's stacks.
  int stack_count() const noexcept { return static_cast<int>(stacks_.size()); }
  /// The subtree's allocation stacks as the analyzer merged them (before the cut to kMaxStacks).
  const analyzer::SubtreeStacks& subtree() const noexcept { return subtree_; }

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  struct Entry {
    bool creation = false;
    analyzer::Index stack = analyzer::kNoIndex;
    analyzer::SampleCounts counts{};
    std::uint64_t contexts = 0;          ///< contexts of the subtree sharing the stack
    std::vector<std::uint32_t> shown{};  ///< frames shown, innermost first
    std::uint32_t folded = 0;            ///< frames left out
  };
  void fill();
  QVariant stack_data(const Entry& entry, int column, int role) const;
  QVariant frame_data(const analyzer::Frame& frame, int column, int role) const;

  std::shared_ptr<const Document> document_;
  analyzer::Index context_ = analyzer::kNoIndex;
  analyzer::FrameDetail detail_ = analyzer::FrameDetail::Folded;
  std::vector<Entry> stacks_;
  analyzer::SubtreeStacks subtree_;
};

}  // namespace ctxheap::gui
