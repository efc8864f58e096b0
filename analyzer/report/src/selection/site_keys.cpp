// Creation-site keys that survive a rebuild: no addresses, no line numbers, no directories.
#include "ctxheap/analyzer/shown_frames.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/report/selection.hpp"

namespace ctxheap::report {

std::string site_key(const analyzer::Profile& profile, const analyzer::CreationSite& site) {
  if (site.synthetic) return analyzer::describe_site(profile, site);
  const std::string_view function = profile.str(site.function);
  if (function.empty()) {
    const std::string_view module = profile.str(site.module);
    return analyzer::module_offset_name(module.empty() ? std::string_view("?") : module, site.module_offset);
  }
  return std::string(function) + "@" + std::string(analyzer::file_basename(profile.str(site.file)));
}

std::string registrar_site_key(const analyzer::Analysis& analysis, const analyzer::StaleGroup& group) {
  if (group.registrar == analyzer::kNoIndex) return {};
  return site_key(*analysis.profile, analysis.site_of(group.registrar));
}

}  // namespace ctxheap::report
