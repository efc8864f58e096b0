#include "schema_validator.hpp"

#include <fstream>
#include <stdexcept>

namespace ctxheap_test {
namespace {

using nlohmann::json;

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& v, const std::string& path, std::vector<std::string>& errors) const {
    if (schema.contains("$ref")) check(resolve(schema["$ref"].get<std::string>()), v, path, errors);
    if (schema.contains("allOf"))
      for (const json& sub : schema["allOf"]) check(sub, v, path, errors);
    if (schema.contains("anyOf")) {
      bool any = false;
      for (const json& sub : schema["anyOf"]) {
        std::vector<std::string> sub_errors;
        check(sub, v, path, sub_errors);
        any = any || sub_errors.empty();
      }
      if (!any) errors.push_back(path + ": matches none of anyOf");
    }
    if (schema.contains("type") && !type_ok(schema["type"], v)) {
      errors.push_back(path + ": not of type " + schema["type"].dump());
      return;
    }
    if (schema.contains("const") && v != schema["const"]) errors.push_back(path + ": not " + schema["const"].dump());
    if (schema.contains("enum")) {
      bool found = false;
      for (const json& e : schema["enum"]) found = found || e == v;
      if (!found) errors.push_back(path + ": " + v.dump() + " not in " + schema["enum"].dump());
    }
    if (v.is_number()) {
      if (schema.contains("minimum") && v.get<double>() < schema["minimum"].get<double>())
        errors.push_back(path + ": below minimum");
      if (schema.contains("maximum") && v.get<double>() > schema["maximum"].get<double>())
        errors.push_back(path + ": above maximum");
    }
    if (v.is_object()) check_object(schema, v, path, errors);
    if (v.is_array()) {
      if (schema.contains("minItems") && v.size() < schema["minItems"].get<std::size_t>())
        errors.push_back(path + ": fewer than minItems");
      if (schema.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i) check(schema["items"], v[i], path + "[" + std::to_string(i) + "]", errors);
    }
  }

 private:
  void check_object(const json& schema, const json& v, const std::string& path, std::vector<std::string>& errors) const {
    if (schema.contains("required"))
      for (const json& key : schema["required"])
        if (!v.contains(key.get<std::string>())) errors.push_back(path + ": missing required key " + key.dump());
    const json* props = schema.contains("properties") ? &schema["properties"] : nullptr;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (props != nullptr && props->contains(it.key())) {
        check((*props)[it.key()], it.value(), path + "." + it.key(), errors);
      } else if (closed(schema)) {
        errors.push_back(path + ": key \"" + it.key() + "\" is not in the schema");
      }
    }
  }

  /// additionalProperties: false here or in a $ref'd / allOf schema that declares the key.
  bool closed(const json& schema) const {
    return schema.contains("additionalProperties") && schema["additionalProperties"] == false;
  }

  static bool type_ok(const json& type, const json& v) {
    if (type.is_array()) {
      for (const json& t : type)
        if (type_ok(t, v)) return true;
      return false;
    }
    const std::string t = type.get<std::string>();
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    return false;
  }

  const json& resolve(const std::string& ref) const {
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
    return root_.at("$defs").at(ref.substr(prefix.size()));
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> validate_json(const nlohmann::json& schema, const nlohmann::json& value) {
  std::vector<std::string> errors;
  Validator(schema).check(schema, value, "$", errors);
  return errors;
}

const nlohmann::json& report_schema() {
  static const nlohmann::json schema = [] {
    std::ifstream in(CTXHEAP_REPORT_SCHEMA);
    if (!in) throw std::runtime_error("cannot read " CTXHEAP_REPORT_SCHEMA);
    return nlohmann::json::parse(in);
  }();
  return schema;
}

}  // namespace ctxheap_test
