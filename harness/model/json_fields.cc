#include "harness/model/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "netns/error.h"

namespace viplab {

nlohmann::json ReadJsonFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot be read", file.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    size_t line = 1, column = 1;
    const size_t end = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    if (auto pos = what.find("syntax error"); pos != std::string::npos) what = what.substr(pos);
    throw InputError(
        fmt::format("{}:{}:{}: malformed JSON: {}", file.string(), line, column, what));
  } catch (const nlohmann::json::exception& e) {
    // Well-formed text nlohmann cannot represent, e.g. a number out of double's range (1e9999:
    // out_of_range.406), found by tests/fuzz/scenario_fuzz.cc; it has no byte position.
    throw InputError(fmt::format("{}: malformed JSON: {}", file.string(), e.what()));
  }
}
namespace {

using nlohmann::json;

template <typename T>
bool HasType(const json& value);
template <>
bool HasType<std::string>(const json& value) {
  return value.is_string();
}
template <>
bool HasType<int>(const json& value) {
  return value.is_number_integer();
}
template <>
bool HasType<double>(const json& value) {
  return value.is_number();
}
template <>
bool HasType<bool>(const json& value) {
  return value.is_boolean();
}

template <typename T>
const char* TypeName();
template <>
const char* TypeName<std::string>() {
  return "a string";
}
template <>
const char* TypeName<int>() {
  return "a whole number";
}
template <>
const char* TypeName<double>() {
  return "a number";
}
template <>
const char* TypeName<bool>() {
  return "true or false";
}

}  // namespace

JsonFields::JsonFields(const json& object, std::string file, std::string path)
    : object_(&object), file_(std::move(file)), path_(std::move(path)) {
  if (!object.is_object()) {
    throw InputError(
        fmt::format("{}: {}: must be a JSON object", file_, path_.empty() ? "(top level)" : path_));
  }
}

std::string JsonFields::FieldPath(std::string_view key) const {
  if (key.empty()) return path_;
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

bool JsonFields::Has(const char* key) const { return object_->contains(key); }

template <typename T>
T JsonFields::Required(const char* key) {
  if (!Has(key)) Fail(key, "is missing");
  return *Optional<T>(key);
}

template <typename T>
std::optional<T> JsonFields::Optional(const char* key) {
  known_.insert(key);
  auto it = object_->find(key);
  if (it == object_->end()) return std::nullopt;
  if (!HasType<T>(*it)) Fail(key, fmt::format("must be {}", TypeName<T>()));
  if constexpr (std::is_same_v<T, int>) {
    if (!it->is_number_integer() || *it > INT32_MAX || *it < INT32_MIN) {
      Fail(key, "is out of range");
    }
  }
  return it->get<T>();
}

template std::string JsonFields::Required<std::string>(const char*);
template int JsonFields::Required<int>(const char*);
template double JsonFields::Required<double>(const char*);
template bool JsonFields::Required<bool>(const char*);
template std::optional<std::string> JsonFields::Optional<std::string>(const char*);
template std::optional<int> JsonFields::Optional<int>(const char*);
template std::optional<double> JsonFields::Optional<double>(const char*);
template std::optional<bool> JsonFields::Optional<bool>(const char*);

const json& JsonFields::Raw(const char* key) {
  known_.insert(key);
  if (!Has(key)) Fail(key, "is missing");
  return object_->at(key);
}

JsonFields JsonFields::Element(const json& value, const char* key, size_t index) const {
  return JsonFields(value, file_, fmt::format("{}[{}]", FieldPath(key), index));
}

JsonFields JsonFields::Object(const char* key) {
  known_.insert(key);
  if (!Has(key)) Fail(key, "is missing");
  const json& value = object_->at(key);
  if (!value.is_object()) Fail(key, "must be a JSON object");
  return JsonFields(value, file_, FieldPath(key));
}

std::vector<JsonFields> JsonFields::Array(const char* key) {
  known_.insert(key);
  if (!Has(key)) Fail(key, "is missing");
  const json& value = object_->at(key);
  if (!value.is_array()) Fail(key, "must be a JSON array");
  std::vector<JsonFields> items;
  for (size_t i = 0; i < value.size(); ++i) {
    items.emplace_back(value[i], file_, fmt::format("{}[{}]", FieldPath(key), i));
  }
  return items;
}

void JsonFields::Fail(std::string_view key, std::string_view message) const {
  throw InputError(Describe(key, message));
}

std::string JsonFields::Describe(std::string_view key, std::string_view message) const {
  return fmt::format("{}: {}: {}", file_, FieldPath(key), message);
}

void JsonFields::Done() const {
  for (const auto& item : object_->items()) {
    if (known_.count(item.key()) == 0) Fail(item.key(), "unknown field");
  }
}

}  // namespace viplab
