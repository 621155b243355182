// RunConfigTest (harness/lab/config_test.h): `keepalived --config-test` in a scratch namespace
// that has the config's interfaces. A good config naming eth1 loads without complaints (and
// complains about eth1 when the namespace lacks it), an unknown keyword is a complaint of a
// loaded file, a missing file is not loaded. Each run leaves no namespace, lab record or process
// behind and never touches the host's network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "harness/lab/config_test.h"
#include "netns/error.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kGood = R"(vrrp_instance VI_1 {
  state BACKUP
  interface eth1
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    10.0.0.1/24
  }
}
)";

class ConfigTestLab : public ::testing::Test {
 protected:
  void SetUp() override {
    VIPLAB_SKIP_UNLESS_LAB();
    host_before_ = testing::HostNetworkSnapshot();
    namespaces_before_ = testing::LabNamespaces();
  }
  void TearDown() override {
    if (IsSkipped()) return;
    EXPECT_EQ(testing::LabNamespaces(), namespaces_before_);
    EXPECT_THAT(testing::MountsContaining("/run/viplab/"), IsEmpty());
    EXPECT_THAT(testing::ChildProcesses(), IsEmpty());
    EXPECT_EQ(testing::HostNetworkSnapshot(), host_before_);
  }

  std::filesystem::path Write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  ConfigTestResult Run(const std::filesystem::path& config,
                       std::vector<std::string> interfaces = {"eth1"}) {
    ConfigTestSpec spec;
    spec.config = config;
    spec.interfaces = std::move(interfaces);
    return RunConfigTest(spec);
  }

  testing::ScratchDir dir_{"viplab-config-test"};
  std::string host_before_;
  std::vector<std::string> namespaces_before_;
};

TEST_F(ConfigTestLab, GoodConfigNamingEth1HasNoComplaints) {
  const auto config = Write("good.conf", kGood);
  const ConfigTestResult result = Run(config);
  EXPECT_TRUE(result.loaded);
  EXPECT_THAT(result.complaints, IsEmpty());
  EXPECT_EQ(result.exit_code, 0);
  // The same file where eth1 does not exist: keepalived says so (still loaded).
  const ConfigTestResult without = Run(config, {});
  EXPECT_TRUE(without.loaded);
  EXPECT_THAT(
      without.complaints,
      ::testing::Contains(HasSubstr("interface eth1 for vrrp_instance VI_1 doesn't exist")));
  EXPECT_NE(without.exit_code, 0);
}

TEST_F(ConfigTestLab, UnknownKeywordIsAComplaint) {
  std::string text = kGood;
  text.insert(text.find("  priority"), "  bogus_keyword 3\n");
  const ConfigTestResult result = Run(Write("bad.conf", text));
  EXPECT_TRUE(result.loaded);
  EXPECT_THAT(result.complaints, ElementsAre(HasSubstr("Unknown keyword 'bogus_keyword'")));
  EXPECT_EQ(result.exit_code, 5);
}

TEST_F(ConfigTestLab, MissingFileIsNotLoaded) {
  const ConfigTestResult result = Run(dir_ / "missing.conf");
  EXPECT_FALSE(result.loaded);
  EXPECT_THAT(result.complaints, ElementsAre(HasSubstr("Config files missing")));
}

TEST_F(ConfigTestLab, BadInterfaceNameIsInputError) {
  EXPECT_THROW(Run(Write("good.conf", kGood), {"an-interface-name-too-long"}), InputError);
}

}  // namespace
}  // namespace viplab
