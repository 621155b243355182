#include "harness/kconf/config_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <system_error>

#include "harness/kconf/conf_tree.h"
#include "netns/error.h"

namespace viplab::kconf {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNodeName = 15;

// One file of the set before it is read.
struct Entry {
  std::string name;
  std::string original;
  fs::path file;
  std::string config_id;
};

bool IsRegularFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

bool IsDirectory(const fs::path& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

std::vector<Entry> FolderEntries(const std::string& argument) {
  std::vector<fs::path> files;
  std::error_code error;
  for (const fs::directory_entry& e : fs::directory_iterator(argument, error)) {
    if (e.path().extension() == ".conf" && IsRegularFile(e.path())) files.push_back(e.path());
  }
  if (error) throw InputError(fmt::format("{}: cannot be read: {}", argument, error.message()));
  if (files.empty()) throw InputError(fmt::format("{}: no *.conf file in this folder", argument));
  std::sort(files.begin(), files.end());
  std::vector<Entry> entries;
  for (const fs::path& file : files) {
    entries.push_back(Entry{.name = NodeNameFrom(file.stem().string()),
                            .original = file.string(),
                            .file = file,
                            .config_id = ""});
  }
  return entries;
}

std::vector<Entry> EntriesOf(const std::string& argument) {
  if (IsDirectory(argument)) return FolderEntries(argument);
  if (IsRegularFile(argument)) {
    fs::path file(argument);
    return {Entry{.name = NodeNameFrom(file.stem().string()),
                  .original = argument,
                  .file = file,
                  .config_id = ""}};
  }
  // FILE@ID: one file for several nodes, ID as keepalived's -i.
  size_t at = argument.rfind('@');
  if (at != std::string::npos && at > 0) {
    fs::path file(argument.substr(0, at));
    std::string id = argument.substr(at + 1);
    if (id.empty()) throw InputError(fmt::format("{}: empty config id after '@'", argument));
    if (!IsRegularFile(file)) {
      throw InputError(fmt::format("{}: no such file ({})", argument, file.string()));
    }
    return {Entry{.name = NodeNameFrom(id), .original = argument, .file = file, .config_id = id}};
  }
  throw InputError(fmt::format("{}: no such file or folder", argument));
}

}  // namespace

std::string NodeNameFrom(std::string_view stem) {
  std::string name;
  for (char c : stem) {
    auto u = static_cast<unsigned char>(c);
    char lower = static_cast<char>(std::tolower(u));
    bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    char out = keep ? lower : '-';
    if (out == '-' && (name.empty() || name.back() == '-')) continue;
    name += out;
  }
  if (name.size() > kMaxNodeName) name.resize(kMaxNodeName);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

const ConfigNode* ConfigSet::FindNode(std::string_view name) const {
  auto it = std::find_if(nodes.begin(), nodes.end(),
                         [&](const ConfigNode& node) { return node.name == name; });
  return it == nodes.end() ? nullptr : &*it;
}

ConfigSet LoadConfigSet(const std::vector<std::string>& arguments) {
  if (arguments.empty()) throw InputError("no keepalived configuration given");
  std::vector<Entry> entries;
  for (const std::string& argument : arguments) {
    for (Entry& entry : EntriesOf(argument)) {
      if (entry.name.empty()) {
        throw InputError(
            fmt::format("{}: no node name can be made of it (a-z, 0-9, '-')", entry.original));
      }
      for (const Entry& other : entries) {
        if (other.name == entry.name) {
          throw InputError(fmt::format("{}: node name '{}' is already given by {}", entry.original,
                                       entry.name, other.original));
        }
      }
      entries.push_back(std::move(entry));
    }
  }
  ConfigSet set;
  for (Entry& entry : entries) {
    ConfTree tree = ParseKeepalivedConf(entry.file, ParseOptions{.config_id = entry.config_id});
    set.nodes.push_back(ConfigNode{.name = std::move(entry.name),
                                   .original = std::move(entry.original),
                                   .file = std::move(entry.file),
                                   .config_id = std::move(entry.config_id),
                                   .config = ReadKeepalivedConfig(std::move(tree))});
  }
  return set;
}

}  // namespace viplab::kconf
