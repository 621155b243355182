// Scenarios built in code for the oracle's unit tests (oracle_test.cc, oracle_keepalived_test.cc).
#pragma once

#include <nlohmann/json.hpp>

#include "harness/model/scenario.h"

namespace viplab::oracle_scenarios {

// A scenario from `nodes` (the first listed starts first) and `fault`, plus `extra` fields
// (a `steps` field replaces the fault).
inline Scenario Make(const nlohmann::json& nodes, const nlohmann::json& fault,
                     const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json j = {{"name", "oracle-test"},
                      {"vip", "10.77.0.200/24"},
                      {"subnet", "10.77.0.0/24"},
                      {"nodes", nodes},
                      {"fault", fault}};
  for (const auto& [key, value] : extra.items()) j[key] = value;
  if (j.contains("steps")) j.erase("fault");
  return ScenarioFromJson(j, "oracle-test.json");
}

// Two nodes lb1 and lb2 with the given priorities.
inline nlohmann::json TwoNodes(int p1 = 101, int p2 = 100) {
  return nlohmann::json::array(
      {{{"name", "lb1"}, {"priority", p1}}, {{"name", "lb2"}, {"priority", p2}}});
}

}  // namespace viplab::oracle_scenarios
