// A small JSON Schema validator for the keywords docs/report-schema.json uses: type,
// const, enum, required, properties, additionalProperties (false), items, minItems,
// minimum, maximum, local $ref, anyOf, allOf. Enough to catch a report that drifts
// from its documented schema in either direction.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ctxheap_test {

/// Every violation as "path: problem"; empty when `value` conforms to `schema` (whose
/// $refs resolve inside `schema` itself).
std::vector<std::string> validate_json(const nlohmann::json& schema, const nlohmann::json& value);

/// docs/report-schema.json, parsed.
const nlohmann::json& report_schema();

}  // namespace ctxheap_test
