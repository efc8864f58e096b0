// Creation-site keys that survive a rebuild: no addresses, no line numbers, no directories.
#include <cstdio>

#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/report/selection.hpp"

namespace ctxheap::report {

std::string site_key(const analyzer::Profile& profile, const analyzer::CreationSite& site) {
  if (site.synthetic) return analyzer::describe_site(profile, site);
  const std::string_view function = profile.str(site.function);
  if (function.empty()) {
    char offset[32];
    std::snprintf(offset, sizeof offset, "+0x%llx", static_cast<unsigned long long>(site.module_offset));
    const std::string_view module = analyzer::file_basename(profile.str(site.module));
    return std::string(module.empty() ? "?" : module) + offset;
  }
  return std::string(function) + "@" + std::string(analyzer::file_basename(profile.str(site.file)));
}

std::string registrar_site_key(const analyzer::Analysis& analysis, const analyzer::StaleGroup& group) {
  if (group.registrar == analyzer::kNoIndex) return {};
  return site_key(*analysis.profile, analysis.site_of(group.registrar));
}

}  // namespace ctxheap::report
