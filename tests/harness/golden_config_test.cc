// Golden outputs, part 1: the configuration viplab renders for every node of every shipped
// scenario (cases/catalog, failback, issue-2599, deploy) and of a sample of the matrix
// (cases/matrix.json), with the lab prefix fixed to "vl-1-". Per node, in
// tests/harness/golden/configs/<folder>/:
//   <scenario>.<node>.keepalived.conf          keepalived.conf with the haproxy stand-in
//   <scenario>.<node>.keepalived-haproxy.conf  keepalived.conf with real haproxy (--service)
//   <scenario>.<node>.service.txt              the service's argv and track_process identity
//                                              (stand-in and haproxy) and the haproxy.cfg
// Byte-for-byte: issue 8 (harness/ into layered libraries) must not change a byte.
// Regenerate deliberately: VIPLAB_UPDATE_GOLDEN=1 build/golden_test, then review the diff.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "daemon/haproxy_config.h"
#include "daemon/keepalived_config.h"
#include "daemon/service.h"
#include "harness/lab/keepalived_setup.h"
#include "harness/model/matrix.h"
#include "harness/model/scenario.h"
#include "tests/harness/golden_check.h"

namespace viplab {
namespace {

using testing::GoldenFolder;

const std::filesystem::path kSource = VIPLAB_SOURCE_DIR;
constexpr const char* kLabPrefix = "vl-1-";

// What Lab::StartService passes for this node and service kind.
ServiceSpec ServiceOf(const Scenario& scenario, const NodeSpec& node, ServiceKind kind) {
  ServiceSpec spec;
  spec.kind = kind;
  spec.lab = kLabPrefix;
  spec.node = node.name;
  spec.port = scenario.service_port;
  return spec;
}

std::string ServiceText(const Scenario& scenario, const NodeSpec& node) {
  std::string text;
  for (const auto& [label, kind] : {std::pair{"stand-in", ServiceKind::kStandin},
                                    std::pair{"haproxy", ServiceKind::kHaproxy}}) {
    const ServiceSpec spec = ServiceOf(scenario, node, kind);
    text += fmt::format("# {} argv after argv[0] \"haproxy\"\n{}\n", label,
                        fmt::join(ServiceArguments(spec), " "));
    text += fmt::format("# {} identity (track_process)\n{}\n", label,
                        fmt::join(ServiceIdentity(spec), " "));
  }
  text += "# haproxy.cfg\n";
  text += RenderHaproxyConfig({node.name, scenario.service_port, ""});
  return text;
}

// Checks the three files of every node of `scenario`, named "<stem>.<node>.*".
void CheckScenario(GoldenFolder& folder, const Scenario& scenario, const std::string& stem) {
  for (size_t i = 0; i < scenario.nodes.size(); ++i) {
    const NodeSpec& node = scenario.nodes[i];
    const std::string base = stem + "." + node.name;
    folder.Check(base + ".keepalived.conf", RenderKeepalivedConfig(BuildKeepalivedConfig(
                                                scenario, i, {kLabPrefix, ServiceKind::kStandin})));
    folder.Check(base + ".keepalived-haproxy.conf",
                 RenderKeepalivedConfig(
                     BuildKeepalivedConfig(scenario, i, {kLabPrefix, ServiceKind::kHaproxy})));
    folder.Check(base + ".service.txt", ServiceText(scenario, node));
  }
}

class GoldenConfigs : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenConfigs, EveryNodeOfEveryScenarioRendersAsReviewed) {
  GoldenFolder folder("configs/" + GetParam());
  const std::vector<Scenario> scenarios = LoadScenarios({kSource / "cases" / GetParam()});
  ASSERT_FALSE(scenarios.empty());
  for (const Scenario& s : scenarios) CheckScenario(folder, s, s.file.stem().string());
  folder.Finish();
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenConfigs,
                         ::testing::Values("catalog", "failback", "issue-2599", "deploy"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The matrix sample: the first five entries in expansion order, then the first entry with each
// preemption, check-weight and fault value not yet covered. Matrix names are
// "<preemption>/<check>[-<weight>]/<fault>": the files go to configs/matrix/<name>.<node>.*.
std::vector<const MatrixEntry*> MatrixSample(const Matrix& matrix) {
  std::vector<const MatrixEntry*> sample;
  std::set<std::string> seen;
  for (const MatrixEntry& entry : matrix.entries) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t slash; (slash = entry.name.find('/', start)) != std::string::npos;
         start = slash + 1) {
      parts.push_back(entry.name.substr(start, slash - start));
    }
    parts.push_back(entry.name.substr(start));
    bool is_new = sample.size() < 5;
    for (size_t axis = 0; axis < parts.size(); ++axis) {
      is_new |= seen.insert(fmt::format("{}:{}", axis, parts[axis])).second;
    }
    if (is_new) sample.push_back(&entry);
  }
  return sample;
}

TEST(GoldenConfigs, MatrixSampleRendersAsReviewed) {
  GoldenFolder folder("configs/matrix");
  const Matrix matrix = LoadMatrix(kSource / "cases/matrix.json");
  const auto sample = MatrixSample(matrix);
  ASSERT_GE(sample.size(), 5u);
  std::string names;
  for (const MatrixEntry* entry : sample) {
    CheckScenario(folder, entry->scenario, entry->name);
    names += entry->name + "\n";
  }
  folder.Check("sample.txt", names);  // which entries the sample holds, for review
  folder.Finish();
}

// The failure message names the first differing line, a missing final newline and extra lines.
TEST(GoldenCheck, FirstDifferenceNamesTheLine) {
  using testing::FirstDifference;
  EXPECT_EQ(FirstDifference("a\nb\n", "a\nb\n"), "");
  EXPECT_EQ(FirstDifference("a\nb\nc\n", "a\nB\nc\n"),
            "line 2: expected `b\\n`, got `B\\n` (3 vs 3 lines)");
  EXPECT_EQ(FirstDifference("a\nb\n", "a\nb"), "line 2: expected `b\\n`, got `b` (2 vs 2 lines)");
  EXPECT_EQ(FirstDifference("a\n", "a\nb\n"),
            "line 2: expected end of file, got `b\\n` (1 vs 2 lines)");
}

}  // namespace
}  // namespace viplab
