#include "pprof/pprof_builder.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <unordered_map>

#include "common/site_values.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::Index;

class Builder {
 public:
  Builder(const analyzer::Analysis& a, pprof::Profile& out) : a_(a), p_(*a.profile), out_(out) {
    str("");  // string_table[0] is always ""
    stack_locations_.resize(p_.stacks.size());
    stack_done_.resize(p_.stacks.size(), false);
  }

  std::int64_t str(std::string_view text) {
    const auto [it, added] = strings_.try_emplace(std::string(text), static_cast<std::int64_t>(strings_.size()));
    if (added) out_.add_string_table(it->first);
    return it->second;
  }

  const std::vector<std::uint64_t>& locations(Index stack) {
    if (stack >= p_.stacks.size()) return no_locations_;
    if (!stack_done_[stack]) {
      const auto frames = p_.stack_frames(stack);
      std::size_t begin = 0;
      for (std::size_t k = 0; k < frames.size(); ++k) {
        // Frames inlined into the next one share its address: one location, callees first.
        if (frames[k].inlined && k + 1 < frames.size()) continue;
        stack_locations_[stack].push_back(location(frames.subspan(begin, k + 1 - begin)));
        begin = k + 1;
      }
      stack_done_[stack] = true;
    }
    return stack_locations_[stack];
  }

  void add_sample(const std::vector<std::uint64_t>& locations, const std::array<std::uint64_t, 4>& values,
                  analyzer::ContextId context_id) {
    auto* s = out_.add_sample();
    for (auto id : locations) s->add_location_id(id);
    for (auto v : values) s->add_value(static_cast<std::int64_t>(v));
    num_label(*s, "ctx_id", static_cast<std::int64_t>(context_id));
    const Index i = context_id == 0 ? analyzer::kNoIndex : a_.forest.find(context_id);
    if (i == analyzer::kNoIndex) return;
    const analyzer::Context& c = a_.context(i);
    const analyzer::ContextId parent = c.registered_under_id != 0 ? c.registered_under_id : c.parent_id;
    if (parent != 0) num_label(*s, "ctx_parent", static_cast<std::int64_t>(parent));
    str_label(*s, "ctx_site", analyzer::describe_site(p_, a_.site_of(i)));
    if (const auto name = p_.str(c.name); !name.empty()) str_label(*s, "ctx_name", name);
    str_label(*s, "stale", a_.node(i).stale ? "true" : "false");
  }

  /// pprof takes the first mapping for the main binary: make it the program's.
  void map_program_first() {
    const std::string_view program = analyzer::file_basename(p_.meta.program);
    if (program.empty()) return;
    for (const analyzer::Frame& f : p_.frames)
      if (f.module != 0 && analyzer::file_basename(p_.str(f.module)) == program) {
        mapping(f);
        return;
      }
  }

  void finish_mappings() {
    for (auto& [module, m] : mappings_) out_.mutable_mapping(static_cast<int>(m.index))->set_memory_limit(m.limit);
  }

 private:
  struct MappingInfo {
    std::uint64_t id = 0;
    std::size_t index = 0;
    std::uint64_t limit = 0;
  };

  void num_label(pprof::Sample& s, std::string_view key, std::int64_t value) {
    auto* l = s.add_label();
    l->set_key(str(key));
    l->set_num(value);
  }
  void str_label(pprof::Sample& s, std::string_view key, std::string_view value) {
    auto* l = s.add_label();
    l->set_key(str(key));
    l->set_str(str(value));
  }

  std::uint64_t mapping(const analyzer::Frame& f) {
    if (f.module == 0 || f.address < f.module_offset) return 0;
    auto [it, added] = mappings_.try_emplace(f.module);
    MappingInfo& m = it->second;
    if (added) {
      m.id = static_cast<std::uint64_t>(out_.mapping_size()) + 1;
      m.index = static_cast<std::size_t>(out_.mapping_size());
      auto* pm = out_.add_mapping();
      pm->set_id(m.id);
      pm->set_memory_start(f.address - f.module_offset);
      pm->set_filename(str(p_.str(f.module)));
      pm->set_has_functions(true);
      pm->set_has_filenames(true);
      pm->set_has_line_numbers(true);
      pm->set_has_inline_frames(true);
    }
    m.limit = std::max(m.limit, f.address + 1);
    return m.id;
  }

  std::uint64_t function(const analyzer::Frame& f) {
    const std::string_view name = p_.str(f.function);
    const std::string_view file = p_.str(f.file);
    std::string key(name);
    key += '\0';
    key += file;
    auto [it, added] = functions_.try_emplace(std::move(key), static_cast<std::uint64_t>(out_.function_size()) + 1);
    if (added) {
      auto* fn = out_.add_function();
      fn->set_id(it->second);
      fn->set_name(str(name));
      fn->set_system_name(str(name));
      fn->set_filename(str(file));
    }
    return it->second;
  }

  /// One location for frames [callees..., caller] at one address.
  std::uint64_t location(std::span<const analyzer::Frame> frames) {
    const analyzer::Frame& outer = frames.back();
    const std::uint64_t mapping_id = mapping(outer);
    std::string key = std::to_string(mapping_id) + ':' + std::to_string(outer.address);
    std::vector<std::pair<std::uint64_t, std::int64_t>> lines;
    for (const auto& f : frames) {
      if (f.function == 0 && f.file == 0) continue;  // unsymbolized: the address alone
      lines.emplace_back(function(f), static_cast<std::int64_t>(f.line));
      key += ':' + std::to_string(lines.back().first) + '.' + std::to_string(f.line);
    }
    auto [it, added] = locations_.try_emplace(std::move(key), static_cast<std::uint64_t>(out_.location_size()) + 1);
    if (added) {
      auto* loc = out_.add_location();
      loc->set_id(it->second);
      loc->set_mapping_id(mapping_id);
      loc->set_address(outer.address);
      for (const auto& [fn, line] : lines) {
        auto* l = loc->add_line();
        l->set_function_id(fn);
        l->set_line(line);
      }
    }
    return it->second;
  }

  const analyzer::Analysis& a_;
  const analyzer::Profile& p_;
  pprof::Profile& out_;
  std::unordered_map<std::string, std::int64_t> strings_;
  std::unordered_map<analyzer::StringId, MappingInfo> mappings_;
  std::unordered_map<std::string, std::uint64_t> functions_;
  std::unordered_map<std::string, std::uint64_t> locations_;
  std::vector<std::vector<std::uint64_t>> stack_locations_;
  std::vector<bool> stack_done_;
  const std::vector<std::uint64_t> no_locations_{};
};

}  // namespace

pprof::Profile build_pprof(const analyzer::Analysis& a, const ReportOptions& options) {
  const analyzer::Profile& p = *a.profile;
  pprof::Profile out;
  Builder b(a, out);
  b.map_program_first();
  for (std::string_view type : {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"}) {
    auto* t = out.add_sample_type();
    t->set_type(b.str(type));
    t->set_unit(b.str(type.ends_with("objects") ? "count" : "bytes"));
  }
  out.set_default_sample_type(b.str("inuse_space"));
  out.mutable_period_type()->set_type(b.str("space"));
  out.mutable_period_type()->set_unit(b.str("bytes"));
  out.set_period(static_cast<std::int64_t>(p.meta.sampling_interval_bytes));
  out.set_time_nanos(static_cast<std::int64_t>(p.meta.wall_time_ns));
  out.add_comment(b.str(options.generator + " export of " +
                        (p.meta.source_path.empty() ? std::string("a profile") : p.meta.source_path)));

  if (!p.sites.empty()) {
    for (const analyzer::Site& site : p.sites) b.add_sample(b.locations(site.stack), site_values(site), site.context_id);
  } else {
    out.add_comment(b.str("no sampled allocation stacks in the input: one sample per context, at its creation "
                          "stack, with its exact counters"));
    for (const analyzer::Context& c : p.contexts)
      if (c.counters.alloc_objects != 0) b.add_sample(b.locations(c.creation_stack), counter_values(c.counters), c.id);
  }
  b.finish_mappings();
  return out;
}

}  // namespace ctxheap::report::detail
