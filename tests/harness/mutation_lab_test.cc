// A bound must be able to fail: shipped cases, each mutated in one field (built here from the
// shipped JSON), run for real and must be judged FAIL on the check the mutation breaks. If a
// case's bound also held without the behaviour it claims to test, its mutant would pass.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "harness/lab/environment.h"
#include "harness/model/json_fields.h"
#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "lab_checks.h"

namespace viplab {
namespace {

using nlohmann::json;

struct Mutant {
  std::string name;                   // gtest name
  std::string file;                   // under cases/
  std::function<void(json&)> mutate;  // the one change
  std::string failing_check;          // the verdict failure must name this check
};

std::string Describe(const ScenarioResult& r) {
  std::string out = fmt::format("error: {}\n", r.error);
  for (const auto& f : r.verdict.failures) out += "failure: " + f + "\n";
  for (const auto& c : r.verdict.checks) out += "check: " + c + "\n";
  for (const auto& e : r.events) {
    if (e.kind == "client") continue;
    out += fmt::format("  {:>9.1f} ms  {:<7} {:<13} {}\n", e.t_ms, e.node, e.kind, e.detail);
  }
  return out;
}

json& Node(json& root, const std::string& name) {
  for (json& node : root.at("nodes")) {
    if (node.at("name") == name) return node;
  }
  throw std::runtime_error("no node " + name);
}

const Mutant kMutants[] = {
    // code-review 1.1: the bound must exclude the no-delay window (lb1 back within ~5 s).
    {"PreemptDelayRemoved", "failback/preempt-delay-returns.json",
     [](json& root) { Node(root, "lb1").erase("preempt_delay"); }, "failover_ms"},
    // Weight 0: lb1 goes FAULT on the failed check and lb2 takes over: the VIP moves.
    {"Issue2599AWeightZero", "issue-2599/a-weight2-nopreempt.json",
     [](json& root) { root["check"]["weight"] = 0; }, "vip_moved"},
    // Weight 1 instead of 4: lb1 drops from 102 to 101, equal to lb2's 101, and a backup accepts
    // equal-priority adverts (keepalived 2.2.7 vrrp.c, vrrp_state_backup): the VIP stays. (Weight
    // 2 would not do: 103 -> 101 is still below lb2's 102, the outcome is the same.)
    {"Issue2599CWeightOne", "issue-2599/c-weight4-preempt.json",
     [](json& root) { root["check"]["weight"] = 1; }, "owner_after"},
    // Without nopreempt lb2 (102) preempts lb1 (101 after the drop): the VIP moves.
    {"Issue2599ANopreemptRemoved", "issue-2599/a-weight2-nopreempt.json",
     [](json& root) {
       for (json& node : root.at("nodes")) node.erase("nopreempt");
     },
     "vip_moved"},
};

class Mutation : public ::testing::TestWithParam<Mutant> {};

TEST_P(Mutation, MutatedCaseIsJudgedFail) {
  const Mutant& m = GetParam();
  const std::filesystem::path file = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases" / m.file;
  // The shipped case itself loads; the mutant differs from it in one field.
  json root = ReadJsonFile(file);
  const json shipped = root;
  m.mutate(root);
  ASSERT_NE(root, shipped);
  root["name"] = root["name"].get<std::string>() + "-mutant";
  const Scenario scenario = ScenarioFromJson(root, file.string() + " (mutant " + m.name + ")");

  const Environment env = CheckEnvironment(VIPLAB_BUILD_DIR);
  RunOptions options;
  options.lab.keepalived = env.keepalived;
  options.lab.tools_dir = env.tools_dir;
  const ScenarioResult result = RunScenario(scenario, options);

  // Judged (no run error), and FAIL on the check the mutation breaks.
  EXPECT_EQ(result.error, "") << Describe(result);
  EXPECT_FALSE(result.passed) << Describe(result);
  EXPECT_THAT(result.verdict.failures, ::testing::Contains(::testing::HasSubstr(m.failing_check)))
      << Describe(result);
  fmt::print("{}: judged FAIL on: {}\n", m.name, fmt::join(result.verdict.failures, "; "));
  EXPECT_THAT(testing::LabLeftovers(result.lab_prefix), ::testing::IsEmpty());
  EXPECT_THAT(testing::ChildProcesses(), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(ShippedCases, Mutation, ::testing::ValuesIn(kMutants),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace viplab
