// Configuration sets for the lint tests, built in code (independent of the keepalived.conf
// reader): instances, scripts and nodes with keepalived 2.2.7 defaults and fixed source lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/config_set.h"
#include "harness/lint/lint.h"

namespace viplab::lint::testing {

// vrrp_instance NAME on `interface` (lines 10..): state BACKUP, VIP 10.0.0.100/24.
kconf::VrrpInstance Instance(const std::string& name, int vrid, int priority,
                             const std::string& interface = "eth0");
// vrrp_script NAME { script COMMAND; weight WEIGHT } (lines 2..), interval 1, fall 1.
kconf::VrrpScript Script(const std::string& name, const std::string& command, int weight);
// An entry of track_script (line 20); `weight`: the override.
kconf::TrackRef Ref(const std::string& name, std::optional<int> weight = std::nullopt);
// A notify line (line 30) running `command`.
kconf::LineRef Notify(const std::string& keyword, const std::string& command);
// One node NAME (file NAME.conf; every location's file set to it).
kconf::ConfigNode Node(const std::string& name, std::vector<kconf::VrrpInstance> instances,
                       std::vector<kconf::VrrpScript> scripts = {});
kconf::ConfigSet Set(std::vector<kconf::ConfigNode> nodes);

// The keepalived #2599 pair: lb1 priority 101, lb2 100, both tracking chk_haproxy
// ("killall -0 haproxy", weight `weight`), both with nopreempt when `nopreempt`.
kconf::ConfigSet Pair(int priority1, int priority2, int weight, bool nopreempt);

// Unit-test options: no host lookups, no --files.
LintOptions Options();

// The findings of one code.
std::vector<Finding> Only(const std::vector<Finding>& findings, const std::string& code);
// Every code, for failure messages: "KA001 lb1: ...\n".
std::string Dump(const std::vector<Finding>& findings);
// True when `part` occurs in `text` (for messages, bases and fixes).
inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace viplab::lint::testing
