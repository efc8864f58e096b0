#include <string>
#include <unordered_map>

#include "ctxheap/analyzer/shown_frames.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer {
namespace {


/// Cross-run keys: no addresses, no line numbers, no directories. An unsymbolized frame
/// is keyed by module name and offset (stable for one build).
void set_keys(const Profile& p, CreationSite& s) {
  using detail::hash_combine;
  using detail::hash_text;
  if (s.synthetic) {
    s.loose_key = hash_combine(hash_text(to_string(s.synthetic_kind)), hash_text(p.str(s.synthetic_name)));
    s.key = s.loose_key;
    return;
  }
  const std::string_view function = p.str(s.function);
  if (function.empty()) {
    s.key = hash_combine(hash_text(file_basename(p.str(s.module))), s.module_offset);
    s.loose_key = s.key;
    return;
  }
  s.loose_key = hash_text(function);
  s.key = hash_combine(s.loose_key, hash_text(file_basename(p.str(s.file))));
}

}  // namespace

std::string describe_site(const Profile& profile, const CreationSite& site) {
  if (site.synthetic) {
    if (site.synthetic_kind == ContextKind::Background) return "<background>";
    if (site.synthetic_kind == ContextKind::Todo) return "<todo>";
    return "an unknown site";
  }
  std::string out(profile.str(site.function));
  const std::string_view file = file_basename(profile.str(site.file));
  if (out.empty()) {
    const std::string_view module = file_basename(profile.str(site.module));
    if (file.empty() && module.empty()) return "an unknown site";
    out = module_offset_name(module.empty() ? std::string_view("?") : module, site.module_offset);
  }
  if (!file.empty()) {
    out += ' ';
    out += file;
    if (site.line != 0) out += ':' + std::to_string(site.line);
  }
  return out;
}

SiteTable build_site_table(const Profile& profile) {
  SiteTable table;
  table.context_site.resize(profile.contexts.size(), kNoIndex);
  std::vector<Index> stack_site(profile.stacks.size(), kNoIndex);
  std::unordered_map<std::string, Index> by_text;  // function \0 file \0 line
  std::unordered_map<std::uint64_t, Index> synthetic;  // (kind, name id)

  auto site_of_stack = [&](Index stack) -> Index {
    if (stack_site[stack] != kNoIndex) return stack_site[stack];
    const auto frames = profile.stack_frames(stack);
    CreationSite s;
    s.stack = stack;
    if (const Index f = site_frame(profile, frames); f != kNoIndex) {
      s.function = frames[f].function;
      s.file = frames[f].file;
      s.line = frames[f].line;
      s.module = frames[f].module;
      s.module_offset = frames[f].module_offset;
    }
    std::string key(profile.str(s.function));
    key += '\0';
    key += profile.str(s.file);
    key += '\0';
    key += std::to_string(s.line);
    if (s.function == 0 && s.file == 0) {  // unsymbolized: the module offset tells sites apart
      key += '\0';
      key += profile.str(s.module);
      key += '\0';
      key += std::to_string(s.module_offset);
    }
    auto [it, added] = by_text.emplace(std::move(key), static_cast<Index>(table.sites.size()));
    if (added) {
      set_keys(profile, s);
      table.sites.push_back(s);
    }
    return stack_site[stack] = it->second;
  };

  for (Index i = 0; i < profile.contexts.size(); ++i) {
    const Context& c = profile.contexts[i];
    if (c.creation_stack < profile.stacks.size() && profile.stacks[c.creation_stack].frame_count != 0) {
      table.context_site[i] = site_of_stack(c.creation_stack);
      continue;
    }
    const StringId name = (c.kind == ContextKind::Background || c.kind == ContextKind::Todo) ? 0 : c.name;
    const std::uint64_t key = (std::uint64_t{static_cast<std::uint8_t>(c.kind)} << 32) | name;
    auto [it, added] = synthetic.emplace(key, static_cast<Index>(table.sites.size()));
    if (added) {
      CreationSite s;
      s.synthetic = true;
      s.synthetic_kind = c.kind;
      s.synthetic_name = name;
      set_keys(profile, s);
      table.sites.push_back(s);
    }
    table.context_site[i] = it->second;
  }
  return table;
}

}  // namespace ctxheap::analyzer
