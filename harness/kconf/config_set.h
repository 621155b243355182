// The configurations of one deployment: one keepalived.conf per node.
//
// LoadConfigSet takes what the user named on the command line: files, folders (every *.conf in
// it, sorted, not recursive) and FILE@ID (one file for several nodes, the id selecting its `@ID`
// lines as keepalived's `-i ID` does). Node names come from the file name without its extension
// (or from ID for FILE@ID), lower-cased and reduced to a-z 0-9 '-' (other characters become '-',
// runs of '-' collapse, leading/trailing '-' are dropped), at most 15 characters:
// `HAPROXY01.conf` -> `haproxy01`, `keepalived.conf@lb_2` -> `lb-2`. Two files giving the same
// name, an empty name, a folder without *.conf, or fewer than one file: InputError.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/keepalived_config.h"

namespace viplab::kconf {

// One node of the set.
struct ConfigNode {
  std::string name;      // the lab's node name (see above)
  std::string original;  // as named on the command line: "HAPROXY01.conf", "ka.conf@lb1"
  std::filesystem::path file;
  std::string config_id;  // FILE@ID: ID; else empty
  KeepalivedConfig config;
};

struct ConfigSet {
  std::vector<ConfigNode> nodes;
  const ConfigNode* FindNode(std::string_view name) const;
};

// "HAPROXY01" -> "haproxy01"; empty when nothing usable is left.
std::string NodeNameFrom(std::string_view stem);

// Parses and reads every file; InputError (file:line) on the first bad one.
ConfigSet LoadConfigSet(const std::vector<std::string>& arguments);

}  // namespace viplab::kconf
