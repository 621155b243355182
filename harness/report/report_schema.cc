#include "harness/report/report_schema.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>

#include "harness/model/json_fields.h"
#include "netns/error.h"

namespace viplab {

// Generated at configure time from docs/report-schema.json (see harness/CMakeLists.txt).
extern const char kReportSchemaText[];

namespace {

using nlohmann::json;

const std::set<std::string>& Keywords() {
  static const std::set<std::string> keywords = {
      "$schema",  "$id",   "$defs",   "$comment", "$ref",       "title",    "description",
      "examples", "type",  "const",   "enum",     "properties", "required", "additionalProperties",
      "items",    "anyOf", "minimum", "pattern"};
  return keywords;
}

const std::set<std::string>& TypeNames() {
  static const std::set<std::string> names = {"null",   "boolean", "object", "array",
                                              "number", "integer", "string"};
  return names;
}

// Rejects keywords and type names the validator does not implement, anywhere in `schema`.
void CheckSupported(const json& schema, const std::string& where) {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) throw std::logic_error(where + ": a schema must be an object");
  for (const auto& [key, value] : schema.items()) {
    if (!Keywords().contains(key)) {
      throw std::logic_error(fmt::format("{}: keyword '{}' is not supported", where, key));
    }
    if (key == "properties" || key == "$defs") {
      for (const auto& [name, sub] : value.items()) CheckSupported(sub, where + "/" + name);
    } else if (key == "items") {
      CheckSupported(value, where + "/items");
    } else if (key == "anyOf") {
      for (size_t i = 0; i < value.size(); ++i) {
        CheckSupported(value[i], fmt::format("{}/anyOf/{}", where, i));
      }
    } else if (key == "additionalProperties" && !value.is_boolean()) {
      throw std::logic_error(where + ": additionalProperties must be true or false");
    } else if (key == "type") {
      const json types = value.is_array() ? value : json::array({value});
      for (const json& t : types) {
        if (!t.is_string() || !TypeNames().contains(t.get<std::string>())) {
          throw std::logic_error(fmt::format("{}: unknown type {}", where, t.dump()));
        }
      }
    }
  }
}

bool HasType(const json& value, const std::string& type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() ||
           (value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>());
  }
  return false;
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

class Validator {
 public:
  Validator(const json& root, SchemaMode mode, size_t limit)
      : root_(root), mode_(mode), limit_(limit) {}

  void Check(const json& schema, const json& value, const std::string& path) {
    if (Full()) return;
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) Fail(path, "no value is allowed here");
      return;
    }
    if (schema.contains("$ref")) Check(Resolve(schema["$ref"]), value, path);
    if (!TypeMatches(schema, value)) {
      Fail(path, fmt::format("expected {}, got {}", Expected(schema), Describe(value)));
      return;
    }
    if (schema.contains("minimum") && value.is_number() &&
        value.get<double>() < schema["minimum"].get<double>()) {
      Fail(path, fmt::format("{} is below the minimum {}", value.dump(), schema["minimum"].dump()));
    }
    if (schema.contains("pattern") && value.is_string()) {
      const std::regex pattern(schema["pattern"].get<std::string>(), std::regex::ECMAScript);
      if (!std::regex_search(value.get<std::string>(), pattern)) {
        Fail(path, fmt::format("{} does not match {}", value.dump(), schema["pattern"].dump()));
      }
    }
    if (schema.contains("anyOf")) CheckAnyOf(schema["anyOf"], value, path);
    if (value.is_object()) CheckObject(schema, value, path);
    if (value.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        Check(schema["items"], value[i], fmt::format("{}[{}]", path, i));
      }
    }
  }

  std::vector<std::string> errors;

 private:
  bool Full() const { return errors.size() >= limit_; }

  void Fail(const std::string& path, const std::string& problem) {
    if (!Full()) errors.push_back(fmt::format("{}: {}", path.empty() ? "(root)" : path, problem));
  }

  const json& Resolve(const json& ref) const {
    static const std::string kPrefix = "#/$defs/";
    const std::string text = ref.is_string() ? ref.get<std::string>() : ref.dump();
    if (text.rfind(kPrefix, 0) != 0) {
      throw std::logic_error("$ref " + text + ": only #/$defs/<name> is supported");
    }
    const std::string name = text.substr(kPrefix.size());
    if (!root_.contains("$defs") || !root_["$defs"].contains(name)) {
      throw std::logic_error("$ref " + text + ": no such definition");
    }
    return root_["$defs"][name];
  }

  // Only the schema's own type, const and enum (not $ref, anyOf or nested keywords).
  static bool TypeMatches(const json& schema, const json& value) {
    if (schema.contains("type")) {
      const json& type = schema["type"];
      const json types = type.is_array() ? type : json::array({type});
      bool any = false;
      for (const json& t : types) any = any || HasType(value, t.get<std::string>());
      if (!any) return false;
    }
    if (schema.contains("const") && value != schema["const"]) return false;
    if (schema.contains("enum")) {
      const json& values = schema["enum"];
      if (std::find(values.begin(), values.end(), value) == values.end()) return false;
    }
    return true;
  }

  // Whether `value` passes `schema`'s top-level type, const and enum, following $ref.
  bool ShapeMatches(const json& schema, const json& value) const {
    if (schema.is_boolean()) return schema.get<bool>();
    if (schema.contains("$ref") && !ShapeMatches(Resolve(schema["$ref"]), value)) return false;
    return TypeMatches(schema, value);
  }

  std::string Expected(const json& schema) const {
    if (schema.contains("const")) return schema["const"].dump();
    if (schema.contains("enum")) {
      std::vector<std::string> values;
      for (const json& v : schema["enum"]) values.push_back(v.dump());
      return "one of " + fmt::format("{}", fmt::join(values, ", "));
    }
    const json& type = schema["type"];
    if (type.is_array()) {
      std::vector<std::string> names;
      for (const json& t : type) names.push_back(t.get<std::string>());
      return fmt::format("{}", fmt::join(names, " or "));
    }
    return type.get<std::string>();
  }

  static std::string Describe(const json& value) {
    if (value.is_string() || value.is_number() || value.is_boolean()) {
      std::string text = value.dump();
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return fmt::format("{} {}", value.type_name(), text);
    }
    return value.type_name();
  }

  // The branches whose outer shape fits decide the message: with exactly one, its own errors
  // (e.g. a bad field inside an object that may also be null); otherwise a type mismatch.
  void CheckAnyOf(const json& branches, const json& value, const std::string& path) {
    std::vector<const json*> fitting;
    for (const json& branch : branches) {
      Validator trial(root_, mode_, limit_);
      trial.Check(branch, value, path);
      if (trial.errors.empty()) return;
      if (ShapeMatches(branch, value)) fitting.push_back(&branch);
    }
    if (fitting.size() == 1) {
      Check(*fitting.front(), value, path);
      return;
    }
    std::vector<std::string> expected;
    for (const json& branch : branches) {
      const json& shape = branch.contains("$ref") ? Resolve(branch["$ref"]) : branch;
      expected.push_back(shape.contains("type") || shape.contains("const") || shape.contains("enum")
                             ? Expected(shape)
                             : "a schema alternative");
    }
    Fail(path, fmt::format("expected {}, got {}", fmt::join(expected, " or "), Describe(value)));
  }

  void CheckObject(const json& schema, const json& value, const std::string& path) {
    if (mode_ == SchemaMode::kStrict && schema.contains("required")) {
      for (const json& key : schema["required"]) {
        if (!value.contains(key.get<std::string>())) {
          Fail(Child(path, key.get<std::string>()), "missing");
        }
      }
    }
    const json empty = json::object();
    const json& properties = schema.contains("properties") ? schema["properties"] : empty;
    const bool closed = mode_ == SchemaMode::kStrict && schema.contains("additionalProperties") &&
                        !schema["additionalProperties"].get<bool>();
    for (const auto& [key, sub] : value.items()) {
      if (properties.contains(key)) {
        Check(properties[key], sub, Child(path, key));
      } else if (closed) {
        Fail(Child(path, key), "not in the schema");
      }
    }
  }

  const json& root_;
  SchemaMode mode_;
  size_t limit_;
};

}  // namespace

const json& ReportSchema() {
  static const json schema = json::parse(kReportSchemaText);
  return schema;
}

std::vector<std::string> SchemaErrors(const json& schema, const json& value, SchemaMode mode,
                                      size_t limit) {
  CheckSupported(schema, "#");
  Validator validator(schema, mode, limit);
  validator.Check(schema, value, "");
  return std::move(validator.errors);
}

void CheckReport(const json& report, const std::string& origin) {
  if (!report.is_object()) {
    throw InputError(fmt::format("{}: not a viplab report: expected a JSON object, got {}", origin,
                                 report.type_name()));
  }
  if (!report.contains("schema_version")) {
    throw InputError(fmt::format("{}: not a viplab report: no schema_version", origin));
  }
  if (report["schema_version"] != kReportSchemaVersion) {
    throw InputError(fmt::format(
        "{}: schema_version {} is not supported; viplab {} reads schema_version {} only", origin,
        report["schema_version"].dump(), VIPLAB_VERSION, kReportSchemaVersion));
  }
  constexpr size_t kShown = 5;
  std::vector<std::string> errors =
      SchemaErrors(ReportSchema(), report, SchemaMode::kReader, kShown);
  // The core: without these there is nothing to render.
  static const json kAbsent;
  const auto found = report.find("scenarios");
  const json& scenarios = found == report.end() ? kAbsent : *found;
  if (found == report.end()) errors.push_back("scenarios: missing");
  for (size_t i = 0; scenarios.is_array() && i < scenarios.size(); ++i) {
    for (const char* key : {"name", "passed"}) {
      if (scenarios[i].is_object() && !scenarios[i].contains(key)) {
        errors.push_back(fmt::format("scenarios[{}].{}: missing", i, key));
      }
    }
  }
  if (errors.size() > kShown) errors.resize(kShown);
  if (!errors.empty()) {
    throw InputError(
        fmt::format("{}: not a valid viplab report (see docs/report-schema.json):\n  {}", origin,
                    fmt::join(errors, "\n  ")));
  }
}

json LoadReport(const std::filesystem::path& file) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!std::filesystem::exists(status)) {
    throw InputError(fmt::format("{}: no such file", file.string()));
  }
  if (std::filesystem::is_directory(status)) {
    throw InputError(fmt::format("{}: is a directory, not a JSON report", file.string()));
  }
  json report = ReadJsonFile(file);
  CheckReport(report, file.string());
  return report;
}

}  // namespace viplab
