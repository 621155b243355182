// Internals of MapConfigSet (mapping.cc), shared by its parts and by nothing else:
// mapping_network.cc (interfaces, segments, addresses), mapping_checks.cc (services and checks),
// mapping_model.cc (instances and sync groups of the Scenario), mapping_rewrites.cc (rewrites and
// the lab's keepalived.conf texts).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/kconf/mapping.h"

namespace viplab::kconf::mapping_internal {

// The element of `items` whose `name` is `name`, or nullptr.
template <typename T>
const T* FindNamed(const std::vector<T>& items, std::string_view name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// Interfaces of every node, segments with subnets and client addresses, node addresses: fills
// mapping.interfaces, mapping.scenario.segments and mapping.scenario.nodes (names, interfaces).
void MapNetwork(const ConfigSet& set, const MappingOptions& options, Mapping& mapping);
// The segment of node `node`'s interface `ifname` ("" when it has none).
std::string SegmentOf(const Mapping& mapping, std::string_view node, std::string_view ifname);

// Services and checks: fills mapping.services and mapping.checks.
void MapChecks(const ConfigSet& set, const MappingOptions& options, Mapping& mapping);

// Instances and sync groups of the Scenario, not_predicted and the scenario's warnings; needs
// MapNetwork first. Throws InputError when no instance is shared by two nodes.
void MapInstances(const ConfigSet& set, Mapping& mapping);

// Rewrites and the lab's keepalived.conf per node; needs MapChecks first.
void MapRewrites(const ConfigSet& set, const MappingOptions& options, Mapping& mapping);

// Shell-like words of a check or notify command: white space separates, '...' and "..." group
// (quotes removed), backslash escapes the next character outside single quotes.
std::vector<std::string> SplitCommand(std::string_view command);
// True when the program a command runs (after a `timeout` wrapper; the script of `sh/bash
// SCRIPT`) is a file under `files_dir` laid out as on the node (DIR + absolute path).
bool SuppliedIn(const std::optional<std::filesystem::path>& files_dir, std::string_view command);

}  // namespace viplab::kconf::mapping_internal
