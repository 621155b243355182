// NodeNameFrom and LoadConfigSet: node names from file names or FILE@ID, folders, and the
// InputErrors for sets that cannot be one deployment.
#include "harness/kconf/config_set.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab::kconf {
namespace {

using viplab::testing::ScratchDir;

constexpr std::string_view kConf = R"(vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
@lb1 priority 150
@^lb1 priority 100
  virtual_ipaddress {
    10.77.0.100/24
  }
}
)";

void Write(const std::filesystem::path& path, std::string_view text) {
  std::ofstream(path) << text;
}

std::string ErrorOf(const std::vector<std::string>& arguments) {
  try {
    LoadConfigSet(arguments);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(NodeNameFromTest, LowerCasedAndReducedToLabelCharacters) {
  EXPECT_EQ(NodeNameFrom("HAPROXY01"), "haproxy01");
  EXPECT_EQ(NodeNameFrom("lb_2"), "lb-2");
  EXPECT_EQ(NodeNameFrom("--My__Node..1--"), "my-node-1");
  EXPECT_EQ(NodeNameFrom("master-0"), "master-0");
  EXPECT_EQ(NodeNameFrom("___"), "");
  EXPECT_EQ(NodeNameFrom(""), "");
  // At most 15 characters, never ending in '-'.
  EXPECT_EQ(NodeNameFrom("abcdefghijklmnopqrst"), "abcdefghijklmno");
  EXPECT_EQ(NodeNameFrom("abcdefghijklmn_pq"), "abcdefghijklmn");
}

TEST(ConfigSetTest, FilesAndFoldersGiveOneNodeEach) {
  ScratchDir dir("kconf-set");
  std::filesystem::create_directory(dir / "set");
  Write(dir / "set" / "LB2.conf", kConf);
  Write(dir / "set" / "lb1.conf", kConf);
  Write(dir / "set" / "notes.txt", "not a config");
  Write(dir / "HAPROXY01.conf", kConf);
  ConfigSet set = LoadConfigSet({(dir / "set").string(), (dir / "HAPROXY01.conf").string()});
  ASSERT_EQ(set.nodes.size(), 3u);
  EXPECT_EQ(set.nodes[0].name, "lb2");  // sorted by file name: "LB2.conf" < "lb1.conf"
  EXPECT_EQ(set.nodes[1].name, "lb1");
  EXPECT_EQ(set.nodes[2].name, "haproxy01");
  EXPECT_EQ(set.nodes[2].original, (dir / "HAPROXY01.conf").string());
  EXPECT_EQ(set.nodes[2].file, dir / "HAPROXY01.conf");
  EXPECT_EQ(set.nodes[2].config_id, "");
  ASSERT_EQ(set.nodes[2].config.instances.size(), 1u);
  EXPECT_EQ(set.FindNode("lb1"), &set.nodes[1]);
  EXPECT_EQ(set.FindNode("lb3"), nullptr);
}

TEST(ConfigSetTest, FileAtIdSelectsTheIdLines) {
  ScratchDir dir("kconf-set");
  Write(dir / "keepalived.conf", kConf);
  std::string file = (dir / "keepalived.conf").string();
  ConfigSet set = LoadConfigSet({file + "@lb1", file + "@lb_2"});
  ASSERT_EQ(set.nodes.size(), 2u);
  EXPECT_EQ(set.nodes[0].name, "lb1");
  EXPECT_EQ(set.nodes[0].config_id, "lb1");
  EXPECT_EQ(set.nodes[0].original, file + "@lb1");
  EXPECT_EQ(set.nodes[0].config.instances[0].priority, 150);
  EXPECT_EQ(set.nodes[1].name, "lb-2");
  EXPECT_EQ(set.nodes[1].config_id, "lb_2");
  EXPECT_EQ(set.nodes[1].config.instances[0].priority, 100);
}

TEST(ConfigSetTest, BadSetsAreInputErrors) {
  ScratchDir dir("kconf-set");
  Write(dir / "lb1.conf", kConf);
  Write(dir / "LB1.conf", kConf);
  Write(dir / "___.conf", kConf);
  std::filesystem::create_directory(dir / "empty");
  std::string lb1 = (dir / "lb1.conf").string();
  EXPECT_EQ(ErrorOf({}), "no keepalived configuration given");
  EXPECT_EQ(ErrorOf({lb1, (dir / "LB1.conf").string()}),
            (dir / "LB1.conf").string() + ": node name 'lb1' is already given by " + lb1);
  EXPECT_EQ(ErrorOf({(dir / "___.conf").string()}),
            (dir / "___.conf").string() + ": no node name can be made of it (a-z, 0-9, '-')");
  EXPECT_EQ(ErrorOf({(dir / "empty").string()}),
            (dir / "empty").string() + ": no *.conf file in this folder");
  EXPECT_EQ(ErrorOf({(dir / "missing.conf").string()}),
            (dir / "missing.conf").string() + ": no such file or folder");
  EXPECT_EQ(ErrorOf({lb1 + "@"}), lb1 + "@: empty config id after '@'");
  EXPECT_EQ(ErrorOf({lb1 + "@a", lb1 + "@A"}),
            lb1 + "@A: node name 'a' is already given by " + lb1 + "@a");
  EXPECT_NE(ErrorOf({(dir / "nope.conf").string() + "@x"}).find("no such file"), std::string::npos);
}

TEST(ConfigSetTest, AFileKeepalivedRefusesNamesFileAndLine) {
  ScratchDir dir("kconf-set");
  Write(dir / "bad.conf", "vrrp_instance VI {\n  interface eth0\n  virtual_router_id 300\n}\n");
  EXPECT_EQ(ErrorOf({(dir / "bad.conf").string()})
                .rfind((dir / "bad.conf").string() + ":3: virtual_router_id: '300'", 0),
            0u);
}

}  // namespace
}  // namespace viplab::kconf
