// pprof export: the Profile message, serialized and gzipped (what `go tool pprof` reads).
#include <ostream>
#include <stdexcept>

#include "ctxheap/report/writers.hpp"
#include "pprof/gzip.hpp"
#include "pprof/pprof_builder.hpp"

namespace ctxheap::report {

void write_pprof(std::ostream& out, const ReportSubject& subject, const ReportOptions& options) {
  const pprof::Profile profile = detail::build_pprof(*subject.analysis, options);
  std::string bytes;
  if (!profile.SerializeToString(&bytes)) throw std::runtime_error("pprof: cannot serialize the profile");
  const std::string compressed = detail::gzip(bytes);
  out.write(compressed.data(), static_cast<std::streamsize>(compressed.size()));
}

}  // namespace ctxheap::report
