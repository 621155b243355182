// Loading scenario files and folders of them (scenario.h): LoadScenario, LoadScenarios and
// PrintWarnings. Parsing and validation are ScenarioFromJson's (scenario.cc).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "harness/model/json_fields.h"
#include "harness/model/scenario.h"
#include "netns/error.h"

namespace viplab {

using nlohmann::json;

Scenario LoadScenario(const std::filesystem::path& file) {
  return ScenarioFromJson(ReadJsonFile(file), file);
}

std::vector<Scenario> LoadScenarios(const std::vector<std::filesystem::path>& paths) {
  std::vector<Scenario> scenarios;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
          files.push_back(entry.path());
        }
      }
      std::sort(files.begin(), files.end());
      if (files.empty())
        throw InputError(fmt::format("{}: holds no *.json scenario", path.string()));
      for (const auto& f : files) {
        // A matrix file (top-level "axes") in a scenario folder is not a scenario: expand it
        // with `viplab matrix`.
        const json root = ReadJsonFile(f);
        if (root.is_object() && root.contains("axes")) continue;
        scenarios.push_back(ScenarioFromJson(root, f));
      }
      if (scenarios.empty()) {
        throw InputError(fmt::format("{}: holds no *.json scenario", path.string()));
      }
    } else if (std::filesystem::exists(path, ec)) {
      const json root = ReadJsonFile(path);
      if (root.is_object() && root.contains("axes")) {
        throw InputError(fmt::format("{}: is a matrix file: run it with `viplab matrix {}`",
                                     path.string(), path.string()));
      }
      scenarios.push_back(ScenarioFromJson(root, path));
    } else {
      throw InputError(fmt::format("{}: no such file or directory", path.string()));
    }
  }
  std::set<std::string> seen;
  for (const Scenario& s : scenarios) {
    if (!seen.insert(s.name).second) {
      throw InputError(fmt::format("{}: name: '{}' is used by another scenario of this run",
                                   s.file.string(), s.name));
    }
  }
  return scenarios;
}

void PrintWarnings(const std::vector<Scenario>& scenarios, std::ostream& out) {
  for (const Scenario& s : scenarios) {
    for (const std::string& w : s.warnings) out << "viplab: warning: " << w << "\n";
  }
}

}  // namespace viplab
