// JsonFields: strict reading of one JSON object from an input file. Every accessor marks its key
// as known; Done() rejects the keys nobody asked for. Errors are InputError naming the file and
// the field path: "cases/a.json: nodes[1].priority: must be a whole number".
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace viplab {

// Reads and parses a JSON file. Throws InputError: "file: cannot be read", or
// "file:line:column: malformed JSON: ..." (line and column, which people and editors want,
// rather than nlohmann's byte offset).
nlohmann::json ReadJsonFile(const std::filesystem::path& file);

class JsonFields {
 public:
  // `path` is the object's own position ("" for the root, "nodes[1]"). Throws if not an object.
  JsonFields(const nlohmann::json& object, std::string file, std::string path);

  bool Has(const char* key) const;
  template <typename T>
  T Required(const char* key);
  template <typename T>
  std::optional<T> Optional(const char* key);
  JsonFields Object(const char* key);
  std::vector<JsonFields> Array(const char* key);  // an array of objects
  // The value itself, for fields of mixed shape (a string or an object); marks it known. Throws
  // "is missing" when absent.
  const nlohmann::json& Raw(const char* key);
  // A child object that is not a field of this one, e.g. element `index` of an array read with
  // Raw(): its path is "<key>[<index>]".
  JsonFields Element(const nlohmann::json& value, const char* key, size_t index) const;

  [[noreturn]] void Fail(std::string_view key, std::string_view message) const;
  // "file: path.key: message", the text Fail() throws; for warnings that do not stop the load.
  std::string Describe(std::string_view key, std::string_view message) const;
  void Done() const;

  const std::string& file() const { return file_; }

 private:
  std::string FieldPath(std::string_view key) const;
  const nlohmann::json* object_;
  std::string file_;
  std::string path_;
  std::set<std::string> known_;
};

}  // namespace viplab
