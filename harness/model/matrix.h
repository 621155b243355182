// Matrix: a file of axes — preemption × check × weight × fault — crossed into concrete scenarios
// (see cases/matrix.json). The format, strictly validated (unknown fields are errors naming the
// file and field path):
//
//   { "description": "...",
//     "base": { vip, subnet, interface, advert_int, vrrp_version, virtual_router_id, port,
//               unicast, startup: as in a scenario;
//               "nodes": [{"name": "lb1"}, {"name": "lb2"}] (optional per-node advert_int) },
//     "axes": {
//       "preemption": [{"name", "description", "nopreempt": bool, "preempt_delay": s, "exclude"}],
//       "check": [{"name", "description", "check": {a scenario check without weight},
//                  "priorities": {"lb1": 102, "lb2": 100}, "weighted": bool, "exclude"}],
//       "weight": [{"name", "description", "weight": 0 | -253..253 | "gap+N" | "gap-N" |
//                   "-gap-N", "exclude"}],
//       "fault": [{"name" (default target-action), "description", "fault": {a scenario fault},
//                  "exclude"}] },
//     "skip": [{"when": {"<axis>": "<value name>" or ["...", ...], ...}, "why": "..."}],
//     "exclude": ["<glob on scenario names>", ...] }
//
// Every node gets the check's priority and the preemption value's settings. The first node in
// base.nodes must have the highest priority: it starts first and is the initial master, and the
// priority *gap* is its priority minus the best other node's. Weights may be written relative to
// that gap, so one weight axis means the same thing ("smaller than the gap") for every check.
// A check with "weighted": false (default for type none) is not crossed with the weight axis.
// A combination is skipped when every axis named in a skip rule's `when` has one of the listed
// values; it is excluded when its name matches a top-level glob or a glob of one of its values.
// Rules and globs that never match are errors (they are stale or misspelt).
//
// Names are "<preemption>/<check>-<weight>/<fault>" ("nopreempt/script-w+large/service-kill"),
// "<preemption>/<check>/<fault>" for unweighted checks. Every combination, skipped or not, must
// be a valid scenario (ScenarioFromJson, origin "<file>: <name>"); `expect` is left empty so the
// oracle judges the outcome.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/scenario.h"

namespace viplab {

// One expanded combination.
struct MatrixEntry {
  std::string name;
  nlohmann::json json;  // the generated scenario file
  Scenario scenario;    // json, validated
};

// An expanded matrix: the entries that survived skip rules and excludes, in expansion order
// (preemption, then check, weight, fault; each in file order), which is stable.
struct Matrix {
  std::filesystem::path file;
  std::vector<MatrixEntry> entries;
  size_t combinations = 0;  // all crossings, before skip rules and excludes
  size_t skipped = 0;       // by skip rules
  size_t excluded = 0;      // by exclude globs

  std::vector<Scenario> Scenarios() const;
};

// Validates and expands a parsed matrix; `file` names it in messages. Throws InputError.
Matrix ExpandMatrix(const nlohmann::json& root, const std::filesystem::path& file);
// Reads, parses and expands a matrix file. Throws InputError ("file:line:col: malformed JSON",
// "file: axes.check[1].priorities.lb3: is not a node of base.nodes", ...).
Matrix LoadMatrix(const std::filesystem::path& file);

}  // namespace viplab
