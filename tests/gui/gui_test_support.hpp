// Documents for the GUI's tests: built from hand-made profiles (tests/analyzer's
// ProfileMaker) exactly as the loader builds them, and from the sample programs.
#pragma once

#include <QAbstractItemModel>
#include <QModelIndex>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "document/document.hpp"
#include "test_support.hpp"

namespace ctxheap_test {

using ctxheap::gui::Document;
using ctxheap::gui::LoadRequest;

/// A document over one or more profiles of one run (a series), optionally compared with
/// another run's profile, prepared as load_document() prepares it.
inline std::shared_ptr<const Document> make_document(std::vector<Profile> run, std::optional<Profile> compared = std::nullopt) {
  SeriesAnalysis series = analyze_series(std::move(run));
  std::optional<Analysis> other;
  if (compared) other = analyze(std::move(*compared));
  auto doc = std::make_shared<Document>(LoadRequest{}, std::move(series), std::move(other));
  doc->prepare({});
  return doc;
}

inline std::shared_ptr<const Document> make_document(Profile profile) {
  std::vector<Profile> run;
  run.push_back(std::move(profile));
  return make_document(std::move(run));
}

/// Background, server (#16) with `leaked` stale requests (value + dropped child) and
/// `served` requests whose child was cancelled properly, plus a cancelled context that
/// still owns memory (#900) and an expired one (#901).
inline Profile server_profile(int leaked, int served = 0, std::uint64_t now = kNow, std::uint32_t pid = 42) {
  ProfileMaker m = with_server(now, pid);
  ContextId id = 100;
  for (int k = 0; k < leaked; ++k, id += 2) add_request(m, id, id + 1, true, 4096 + 64 * static_cast<std::uint64_t>(k));
  for (int k = 0; k < served; ++k, id += 2) {
    m.add(Ctx(id, ContextKind::Value).from(16).named("request.body").at("serve", "handler.cpp", 120).inuse(0, 0, 2, 4096));
    m.add(Ctx(id + 1, ContextKind::Cancel).from(id).named("served").at("serve", "handler.cpp", 122).ended(ContextState::Cancelled, now - kSecond));
  }
  m.add(Ctx(900, ContextKind::Cancel).from(16).named("batch").at("run_batch", "batch.cpp", 12).inuse(3, 64 * 1024).ended(ContextState::Cancelled, now - 2 * kSecond));
  m.add(Ctx(901, ContextKind::Deadline).from(16).named("poll").at("poll", "poll.cpp", 7).inuse(1, 100).ended(ContextState::Expired, now - kSecond));
  return std::move(m).profile();
}

/// The document's diff; throws when there is none (so a test fails instead of crashing).
inline const ProfileDiff& diff_of(const Document& doc) {
  if (doc.diff() == nullptr) throw std::logic_error("the document has no diff");
  return *doc.diff();
}

/// Every index of a model, depth first (fetching everything it offers).
inline std::vector<QModelIndex> all_rows(QAbstractItemModel& model, const QModelIndex& parent = {}) {
  std::vector<QModelIndex> out;
  while (model.canFetchMore(parent)) model.fetchMore(parent);
  for (int r = 0; r < model.rowCount(parent); ++r) {
    const QModelIndex i = model.index(r, 0, parent);
    out.push_back(i);
    const auto below = all_rows(model, i);
    out.insert(out.end(), below.begin(), below.end());
  }
  return out;
}

/// Runs a sample program once; returns the path prefix of its numbered snapshots.
inline std::string run_sample(const TempDir& dir, const std::string& name, const std::string& samples_dir) {
  const std::string prefix = (dir / name).string();
  const std::string cmd = samples_dir + "/" + name + " --out " + prefix + " > /dev/null";
  if (std::system(cmd.c_str()) != 0) return {};
  return prefix;
}

inline std::string snapshot_path(const std::string& prefix, int n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04d.ctxheap", n);
  return prefix + suffix;
}

}  // namespace ctxheap_test
