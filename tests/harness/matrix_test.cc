// The matrix file format: expansion of cases/matrix.json (count, stable unique names, every
// scenario valid, weights resolved against each check's gap) and strict validation of bad files.
#include "harness/model/matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path kMatrixFile =
    std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases" / "matrix.json";

const MatrixEntry& Find(const Matrix& m, const std::string& name) {
  for (const MatrixEntry& e : m.entries) {
    if (e.name == name) return e;
  }
  throw std::runtime_error("no entry " + name);
}

TEST(MatrixFile, ExpandsToAStableCount) {
  const Matrix m = LoadMatrix(kMatrixFile);
  // 3 preemptions x (2 weighted checks x 4 weights + none) x 13 faults = 351 crossings; the
  // skip rule drops 3 weights x 9 check-blind faults for each weighted check and preemption.
  EXPECT_EQ(m.combinations, 351u);
  EXPECT_EQ(m.skipped, 3u * 2 * 3 * 9);
  EXPECT_EQ(m.excluded, 0u);
  EXPECT_EQ(m.entries.size(), 189u);
}

TEST(MatrixFile, NamesAreStableUniqueAndSayWhatTheyAre) {
  const Matrix a = LoadMatrix(kMatrixFile);
  const Matrix b = LoadMatrix(kMatrixFile);
  std::set<std::string> names;
  static const std::regex kName(R"((preempt|nopreempt|preempt_delay)/)"
                                R"((none|(script|process)-(fault|w\+small|w\+large|w-neg))/)"
                                R"((service|keepalived|node|link|network)-[a-z]+)");
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].name, b.entries[i].name);
    EXPECT_TRUE(std::regex_match(a.entries[i].name, kName)) << a.entries[i].name;
    EXPECT_TRUE(names.insert(a.entries[i].name).second) << "duplicate " << a.entries[i].name;
  }
  // Expansion order: preemption, check, weight, fault, each in file order.
  EXPECT_EQ(a.entries.front().name, "preempt/script-fault/service-kill");
  EXPECT_EQ(a.entries[1].name, "preempt/script-fault/service-freeze");
  EXPECT_EQ(a.entries.back().name, "preempt_delay/none/network-delay");
}

TEST(MatrixFile, EveryScenarioValidatesAndLeavesExpectToTheOracle) {
  const Matrix m = LoadMatrix(kMatrixFile);
  for (const MatrixEntry& e : m.entries) {
    const Scenario again = ScenarioFromJson(e.json, "again");
    EXPECT_EQ(again.name, e.name);
    EXPECT_EQ(e.scenario.name, e.name);
    EXPECT_EQ(e.scenario.file.string(), kMatrixFile.string() + ": " + e.name);
    EXPECT_TRUE(e.scenario.expect.empty()) << e.name;
    EXPECT_FALSE(e.json.contains("expect"));
    EXPECT_THAT(e.scenario.description, HasSubstr("Generated from"));
  }
}

TEST(MatrixFile, CoversTheWholeFaultCatalog) {
  const Matrix m = LoadMatrix(kMatrixFile);
  std::set<std::string> faults;
  for (const MatrixEntry& e : m.entries) faults.insert(FaultName(e.scenario.fault.kind));
  EXPECT_EQ(faults.size(), 13u);
  for (const MatrixEntry& e : m.entries) {
    EXPECT_EQ(e.name.substr(e.name.rfind('/') + 1), FaultName(e.scenario.fault.kind));
  }
}

TEST(MatrixFile, WeightsAreRelativeToEachChecksGap) {
  const Matrix m = LoadMatrix(kMatrixFile);
  auto weight = [&](const std::string& name) {
    return Find(m, name).scenario.nodes[0].check.weight;
  };
  EXPECT_EQ(weight("preempt/script-fault/service-kill"), 0);
  EXPECT_EQ(weight("preempt/script-w+small/service-kill"), 1);   // gap 2 - 1
  EXPECT_EQ(weight("preempt/script-w+large/service-kill"), 4);   // gap 2 + 2
  EXPECT_EQ(weight("preempt/script-w-neg/service-kill"), -4);    // -(gap 2) - 2
  EXPECT_EQ(weight("preempt/process-w+small/service-kill"), 2);  // gap 3 - 1
  EXPECT_EQ(weight("preempt/process-w+large/service-kill"), 5);  // gap 3 + 2
  EXPECT_EQ(weight("preempt/process-w-neg/service-kill"), -5);
  EXPECT_FALSE(Find(m, "preempt/none/service-kill").json.at("check").contains("weight"));
}

TEST(MatrixFile, PreemptionAndPrioritiesReachEveryNode) {
  const Matrix m = LoadMatrix(kMatrixFile);
  const Scenario& nopreempt = Find(m, "nopreempt/process-w+large/service-kill").scenario;
  ASSERT_EQ(nopreempt.nodes.size(), 2u);
  EXPECT_EQ(nopreempt.nodes[0].priority, 249);
  EXPECT_EQ(nopreempt.nodes[1].priority, 246);
  for (const NodeSpec& n : nopreempt.nodes) {
    EXPECT_TRUE(n.nopreempt);
    EXPECT_FALSE(n.preempt_delay);
    EXPECT_EQ(n.check.type, CheckType::kProcess);
  }
  const Scenario& delay = Find(m, "preempt_delay/script-fault/service-kill").scenario;
  for (const NodeSpec& n : delay.nodes) {
    EXPECT_FALSE(n.nopreempt);
    EXPECT_EQ(n.preempt_delay, 5.0);
  }
  const Scenario& preempt = Find(m, "preempt/none/link-down").scenario;
  EXPECT_EQ(preempt.nodes[0].check.type, CheckType::kNone);
  EXPECT_FALSE(preempt.nodes[0].nopreempt);
  EXPECT_EQ(preempt.fault.side, "switch");
}

TEST(MatrixFile, SkipRuleKeepsWeightsOnlyWhereTheCheckCanFail) {
  const Matrix m = LoadMatrix(kMatrixFile);
  std::set<std::string> names;
  for (const MatrixEntry& e : m.entries) names.insert(e.name);
  EXPECT_TRUE(names.count("nopreempt/script-w+large/keepalived-restart"));
  EXPECT_TRUE(names.count("nopreempt/script-fault/node-crash"));
  EXPECT_FALSE(names.count("nopreempt/script-w+large/node-crash"));
  EXPECT_TRUE(names.count("nopreempt/none/node-crash"));
}

// A small valid matrix, with `patch` merged over it (RFC 7386: null deletes a key).
json Small(const std::string& patch = "{}") {
  json m = json::parse(R"({
    "base": {"vip": "10.77.0.200/24", "subnet": "10.77.0.0/24",
             "nodes": [{"name": "lb1"}, {"name": "lb2"}]},
    "axes": {
      "preemption": [{"name": "preempt"}, {"name": "nopreempt", "nopreempt": true}],
      "check": [{"name": "script", "check": {"type": "script"},
                 "priorities": {"lb1": 102, "lb2": 100}},
                {"name": "none", "check": {"type": "none"},
                 "priorities": {"lb1": 102, "lb2": 100}}],
      "weight": [{"name": "fault", "weight": 0}, {"name": "big", "weight": "gap+3"}],
      "fault": [{"fault": {"target": "service", "action": "kill"}},
                {"name": "crash", "fault": {"target": "keepalived", "action": "crash"}}]
    }})");
  m.merge_patch(json::parse(patch));
  return m;
}

std::vector<std::string> Names(const Matrix& m) {
  std::vector<std::string> out;
  for (const MatrixEntry& e : m.entries) out.push_back(e.name);
  return out;
}

std::string ErrorOf(const json& m) {
  try {
    ExpandMatrix(m, "m.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MatrixExpand, CrossesAxesInFileOrder) {
  const Matrix m = ExpandMatrix(Small(), "m.json");
  EXPECT_THAT(Names(m),
              ElementsAre("preempt/script-fault/service-kill", "preempt/script-fault/crash",
                          "preempt/script-big/service-kill", "preempt/script-big/crash",
                          "preempt/none/service-kill", "preempt/none/crash",
                          "nopreempt/script-fault/service-kill", "nopreempt/script-fault/crash",
                          "nopreempt/script-big/service-kill", "nopreempt/script-big/crash",
                          "nopreempt/none/service-kill", "nopreempt/none/crash"));
  EXPECT_EQ(Find(m, "preempt/script-big/crash").scenario.nodes[1].check.weight, 5);
}

TEST(MatrixExpand, SkipRulesAndExcludes) {
  const Matrix m = ExpandMatrix(
      Small(R"({"skip": [{"when": {"check": "script", "weight": ["big"], "fault": "crash"},
                          "why": "test"}],
                "exclude": ["nopreempt/none/*"]})"),
      "m.json");
  EXPECT_EQ(m.combinations, 12u);
  EXPECT_EQ(m.skipped, 2u);
  EXPECT_EQ(m.excluded, 2u);
  EXPECT_THAT(Names(m),
              ElementsAre("preempt/script-fault/service-kill", "preempt/script-fault/crash",
                          "preempt/script-big/service-kill", "preempt/none/service-kill",
                          "preempt/none/crash", "nopreempt/script-fault/service-kill",
                          "nopreempt/script-fault/crash", "nopreempt/script-big/service-kill"));
}

TEST(MatrixExpand, PerValueExcludeAppliesToThatValueOnly) {
  json patch = Small();
  patch["axes"]["fault"][1]["exclude"] = {"*/none/*", "preempt/*"};
  const Matrix m = ExpandMatrix(patch, "m.json");
  EXPECT_THAT(Names(m),
              ElementsAre("preempt/script-fault/service-kill", "preempt/script-big/service-kill",
                          "preempt/none/service-kill", "nopreempt/script-fault/service-kill",
                          "nopreempt/script-fault/crash", "nopreempt/script-big/service-kill",
                          "nopreempt/script-big/crash", "nopreempt/none/service-kill"));
}

TEST(MatrixErrors, UnknownFieldsNameFileAndPath) {
  EXPECT_EQ(ErrorOf(Small(R"({"axis": {}})")), "m.json: axis: unknown field");
  EXPECT_EQ(ErrorOf(Small(R"({"axes": {"colour": []}})")), "m.json: axes.colour: unknown field");
  EXPECT_EQ(ErrorOf(Small(R"({"base": {"vpi": "x"}})")), "m.json: base.vpi: unknown field");
  json m = Small();
  m["axes"]["check"][1]["prio"] = 1;
  EXPECT_EQ(ErrorOf(m), "m.json: axes.check[1].prio: unknown field");
  m = Small();
  m["axes"]["preemption"][0]["preempt"] = true;
  EXPECT_EQ(ErrorOf(m), "m.json: axes.preemption[0].preempt: unknown field");
}

TEST(MatrixErrors, BadAxisValues) {
  json m = Small();
  m["axes"]["weight"][1]["weight"] = "gap*2";
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: axes.weight[1].weight: must be a whole number or a "
                                    "formula of the priority gap"));
  m = Small();
  m["axes"]["weight"][1]["weight"] = "gap-2";  // gap 2: weight 0 would mean FAULT
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: axes.weight[1].weight: 'gap-2' is 0 with check "
                                    "'script' (gap 2)"));
  m = Small();
  m["axes"]["check"][0]["priorities"] = {{"lb1", 250}, {"lb2", 248}};  // 250 + 5 > 254
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: axes.weight[1].weight: 'gap+3' = 5 with check "
                                    "'script' (gap 2) takes lb1 from 250 to 255"));
  m = Small();
  m["axes"]["check"][0]["priorities"] = {{"lb1", 100}, {"lb2", 101}};
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: axes.check[0].priorities: lb1 (100) must be above"));
  m = Small();
  m["axes"]["check"][0]["priorities"]["lb3"] = 90;
  EXPECT_EQ(ErrorOf(m), "m.json: axes.check[0].priorities.lb3: is not a node of base.nodes");
  m = Small();
  m["axes"]["check"][0]["priorities"].erase("lb2");
  EXPECT_EQ(ErrorOf(m), "m.json: axes.check[0].priorities.lb2: is missing");
  m = Small();
  m["axes"]["check"][0]["check"]["weight"] = 2;
  EXPECT_EQ(ErrorOf(m), "m.json: axes.check[0].check.weight: is set by the weight axis");
  m = Small();
  m["axes"]["check"][1]["weighted"] = true;
  EXPECT_EQ(ErrorOf(m), "m.json: axes.check[1].weighted: check type none has no weight");
  m = Small();
  m["axes"]["fault"][1]["name"] = "service-kill";
  EXPECT_EQ(ErrorOf(m), "m.json: axes.fault[1].name: 'service-kill' is used twice on this axis");
  m = Small();
  m["axes"]["preemption"][0]["name"] = "pre/empt";
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: axes.preemption[0].name: 'pre/empt' may hold only"));
  m = Small();
  m["axes"]["preemption"][1]["preempt_delay"] = 3;
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: axes.preemption[1].preempt_delay: has no effect"));
  EXPECT_EQ(ErrorOf(Small(R"({"axes": {"fault": []}})")),
            "m.json: axes.fault: must list at least one value");
}

TEST(MatrixErrors, GeneratedScenarioErrorsNameTheCombination) {
  json m = Small();
  m["axes"]["fault"][0]["fault"]["action"] = "explode";
  EXPECT_THAT(ErrorOf(m), HasSubstr("m.json: preempt/script-fault/service-explode: fault.action: "
                                    "unknown fault 'explode'"));
  EXPECT_THAT(ErrorOf(Small(R"({"base": {"vip": "10.99.0.200/24"}})")),
              HasSubstr("m.json: preempt/script-fault/service-kill: vip:"));
}

TEST(MatrixErrors, SkipRulesAndGlobsMustBeLive) {
  EXPECT_EQ(ErrorOf(Small(R"({"skip": [{"when": {"check": "scirpt"}, "why": "x"}]})")),
            "m.json: skip[0].when.check: 'scirpt' is not a value of axis check (script, none)");
  EXPECT_EQ(ErrorOf(Small(R"({"skip": [{"when": {"colour": "red"}, "why": "x"}]})")),
            "m.json: skip[0].when.colour: unknown field");
  EXPECT_EQ(ErrorOf(Small(R"({"skip": [{"when": {"check": "none"}}]})")),
            "m.json: skip[0].why: is missing");
  // none is unweighted, so a rule on none with a weight never matches.
  EXPECT_EQ(
      ErrorOf(Small(R"({"skip": [{"when": {"check": "none", "weight": "big"}, "why": "x"}]})")),
      "m.json: skip[0]: matches no combination");
  EXPECT_EQ(ErrorOf(Small(R"({"exclude": ["*/nothing/*"]})")),
            "m.json: exclude[0]: '*/nothing/*' matches no scenario left by the skip rules");
  EXPECT_EQ(ErrorOf(Small(R"({"exclude": [3]})")),
            "m.json: exclude[0]: must be a non-empty string");
  EXPECT_EQ(ErrorOf(Small(R"({"exclude": ["*"]})")),
            "m.json: every combination is skipped or excluded");
}

TEST(MatrixErrors, MalformedFileGivesLineAndColumn) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("viplab-matrix-test-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << "{\n  \"base\": {,\n}\n";
  try {
    LoadMatrix(path);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string() + ":2:12: malformed JSON"));
  }
  std::filesystem::remove(path);
  EXPECT_THROW(LoadMatrix(path), InputError);  // cannot be read
}

}  // namespace
}  // namespace viplab
