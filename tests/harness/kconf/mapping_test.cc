// MapConfigSet, ParseServiceOption and DescribeMapping on configuration sets built in code (a
// small builder writes each node's text to a scratch folder and fills the typed config by hand).
#include "harness/kconf/mapping.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab::kconf {
namespace {

using ::testing::HasSubstr;

// Builds a ConfigSet: each node's file is written (text lines) so rewrites can be checked.
class SetBuilder {
 public:
  SetBuilder() { set_.nodes.reserve(8); }  // Node() references stay valid
  // A node whose file has `lines` (default: 40 comment lines, for locations that need a line).
  KeepalivedConfig& Node(const std::string& name, std::vector<std::string> lines = {}) {
    if (lines.empty()) lines.assign(40, "# line");
    const std::filesystem::path file = dir_ / (name + ".conf");
    std::ofstream out(file);
    for (const std::string& l : lines) out << l << '\n';
    ConfigNode node;
    node.name = name;
    node.original = name + ".conf";
    node.file = file;
    set_.nodes.push_back(std::move(node));
    return set_.nodes.back().config;
  }
  SourceLocation At(const std::string& node, int line) const {
    return {dir_ / (node + ".conf"), line};
  }
  ConfigSet& set() { return set_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  testing::ScratchDir dir_{"kconf-mapping"};
  ConfigSet set_;
};

VirtualAddress Vip(const std::string& text, std::optional<std::string> dev = std::nullopt) {
  VirtualAddress v;
  const size_t slash = text.find('/');
  v.address = text.substr(0, slash);
  if (slash != std::string::npos) v.prefix_len = std::stoi(text.substr(slash + 1));
  v.dev = std::move(dev);
  return v;
}

VrrpInstance Instance(const std::string& name, const std::string& ifname, int vrid, int priority,
                      std::vector<VirtualAddress> vips) {
  VrrpInstance in;
  in.name = name;
  in.interface = ifname;
  in.virtual_router_id = vrid;
  in.priority = priority;
  in.vips = std::move(vips);
  return in;
}

VrrpScript Script(const std::string& name, const std::string& command, int weight = 0) {
  VrrpScript s;
  s.name = name;
  s.script = command;
  s.weight = weight;
  return s;
}

TrackRef Ref(const std::string& name) {
  TrackRef r;
  r.name = name;
  return r;
}

// Two nodes with one instance VI_1 on eth0 holding `vip`.
void Pair(SetBuilder& b, const std::string& vip) {
  b.Node("lb1").instances.push_back(Instance("VI_1", "eth0", 51, 150, {Vip(vip)}));
  b.Node("lb2").instances.push_back(Instance("VI_1", "eth0", 51, 100, {Vip(vip)}));
}

const MappedInterface& Interface(const Mapping& m, const std::string& node,
                                 const std::string& name) {
  for (const MappedInterface& i : m.interfaces) {
    if (i.node == node && i.name == name) return i;
  }
  throw std::runtime_error("no interface " + node + " " + name);
}

TEST(MappingTest, SameNameSameSubnetIsOneSegmentNamedAfterTheInterface) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  const Mapping m = MapConfigSet(b.set(), {});
  ASSERT_EQ(m.scenario.segments.size(), 1u);
  EXPECT_EQ(m.scenario.segments[0].name, "eth0");
  EXPECT_EQ(m.scenario.segments[0].subnet.ToString(), "10.77.0.0/24");
  EXPECT_EQ(Interface(m, "lb1", "eth0").address.ToString(), "10.77.0.11/24");
  EXPECT_EQ(Interface(m, "lb2", "eth0").address.ToString(), "10.77.0.12/24");
  EXPECT_FALSE(Interface(m, "lb1", "eth0").from_config);
  ASSERT_EQ(m.scenario.nodes.size(), 2u);
  ASSERT_TRUE(m.scenario.nodes[0].interfaces[0].address.has_value());
  EXPECT_EQ(m.scenario.nodes[0].interfaces[0].address->ToString(), "10.77.0.11/24");
  EXPECT_EQ(m.scenario.ClientAddress("eth0").ToString(), "10.77.0.254/24");
  // The single-instance view, as the JSON loader fills it.
  EXPECT_EQ(m.scenario.vip.ToString(), "10.77.0.100/24");
  EXPECT_EQ(m.scenario.virtual_router_id, 51);
  EXPECT_EQ(m.scenario.nodes[0].priority, 150);
  EXPECT_EQ(m.scenario.subnet.ToString(), "10.77.0.0/24");
  EXPECT_EQ(m.scenario.name, "certify/lb1-lb2");
  ASSERT_EQ(m.scenario.instances.size(), 1u);
  EXPECT_EQ(m.scenario.instances[0].nodes.size(), 2u);
}

TEST(MappingTest, SameNameDifferentSubnetsAreTwoSegments) {
  SetBuilder b;
  b.Node("lb1").instances.push_back(Instance("VI_1", "eth0", 51, 150, {Vip("10.77.0.100/24")}));
  b.Node("lb2").instances.push_back(Instance("VI_1", "eth0", 51, 100, {Vip("10.77.0.100/24")}));
  b.Node("lb3").instances.push_back(Instance("VI_1", "eth0", 51, 100, {Vip("192.168.5.10/24")}));
  const Mapping m = MapConfigSet(b.set(), {});
  ASSERT_EQ(m.scenario.segments.size(), 2u);
  EXPECT_EQ(m.scenario.segments[1].name, "eth0-2");
  EXPECT_EQ(m.scenario.segments[1].subnet.ToString(), "192.168.5.0/24");
  EXPECT_EQ(Interface(m, "lb3", "eth0").segment, "eth0-2");
  // Different segments: different VRRP groups; lb3's instance runs alone.
  ASSERT_EQ(m.scenario.instances.size(), 2u);
  EXPECT_EQ(m.scenario.instances[1].nodes.size(), 1u);
}

TEST(MappingTest, ASubnetHoldingTwoOthersJoinsThemIntoOneSegment) {
  SetBuilder b;
  b.Node("lb1").instances.push_back(Instance("VI_1", "eth0", 51, 150, {Vip("10.77.0.100")}));
  b.Node("lb2").instances.push_back(Instance("VI_1", "eth0", 51, 100, {Vip("10.77.1.100")}));
  b.Node("lb3").instances.push_back(Instance("VI_1", "eth0", 51, 50, {Vip("10.77.1.200/23")}));
  const Mapping m = MapConfigSet(b.set(), {});
  ASSERT_EQ(m.scenario.segments.size(), 1u);
  EXPECT_EQ(m.scenario.segments[0].subnet.ToString(), "10.77.0.0/23");
  EXPECT_EQ(Interface(m, "lb2", "eth0").address.ToString(), "10.77.0.12/23");
}

TEST(MappingTest, VipWithoutLengthIsInTheSlash24AroundIt) {
  SetBuilder b;
  Pair(b, "10.77.3.100");
  const Mapping m = MapConfigSet(b.set(), {});
  EXPECT_EQ(m.scenario.segments[0].subnet.ToString(), "10.77.3.0/24");
  EXPECT_EQ(m.scenario.instances[0].vips[0].address.ToString(), "10.77.3.100/32");
}

TEST(MappingTest, SubnetOptionPlacesVipsWithoutLength) {
  SetBuilder b;
  Pair(b, "10.77.3.100");
  MappingOptions options;
  options.subnet = Ipv4Prefix::Parse("10.77.0.0/16");
  const Mapping m = MapConfigSet(b.set(), options);
  EXPECT_EQ(m.scenario.segments[0].subnet.ToString(), "10.77.0.0/16");
  EXPECT_EQ(Interface(m, "lb1", "eth0").address.ToString(), "10.77.0.11/16");
}

TEST(MappingTest, UnicastAddressesAreKeptAndWidenTheSubnet) {
  SetBuilder b;
  VrrpInstance a = Instance("VI_1", "eth0", 51, 150, {Vip("10.77.0.100")});
  a.unicast_src_ip = "10.77.1.21";
  a.unicast_peers = {"10.77.1.22"};
  VrrpInstance c = a;
  c.unicast_src_ip.reset();  // lb2's own address: the one lb1 lists as its peer
  c.unicast_peers = {"10.77.1.21"};
  b.Node("lb1").instances.push_back(a);
  b.Node("lb2").instances.push_back(c);
  const Mapping m = MapConfigSet(b.set(), {});
  EXPECT_EQ(m.scenario.segments[0].subnet.ToString(), "10.77.0.0/23");
  EXPECT_EQ(Interface(m, "lb1", "eth0").address.ToString(), "10.77.1.21/23");
  EXPECT_TRUE(Interface(m, "lb1", "eth0").from_config);
  EXPECT_EQ(Interface(m, "lb2", "eth0").address.ToString(), "10.77.1.22/23");
  EXPECT_TRUE(Interface(m, "lb2", "eth0").from_config);
  EXPECT_TRUE(m.scenario.instances[0].unicast);
}

TEST(MappingTest, ClientAndNodeAddressesAvoidConfigAddresses) {
  SetBuilder b;
  Pair(b, "10.77.0.254/24");
  b.Node("lb3").instances.push_back(Instance("VI_1", "eth0", 51, 50, {Vip("10.77.0.254/24")}));
  // lb1 claims .13, which lb3 would be assigned.
  auto& lb1 = b.set().nodes[0].config.instances[0];
  lb1.unicast_src_ip = "10.77.0.13";
  const Mapping m = MapConfigSet(b.set(), {});
  ASSERT_TRUE(m.scenario.segments[0].client_address.has_value());
  EXPECT_EQ(m.scenario.segments[0].client_address->ToString(), "10.77.0.253/24");
  EXPECT_EQ(m.scenario.ClientAddress("eth0").ToString(), "10.77.0.253/24");
  EXPECT_EQ(Interface(m, "lb1", "eth0").address.ToString(), "10.77.0.13/24");
  EXPECT_EQ(Interface(m, "lb2", "eth0").address.ToString(), "10.77.0.12/24");
  EXPECT_EQ(Interface(m, "lb3", "eth0").address.ToString(), "10.77.0.14/24");
}

TEST(MappingTest, EveryNamedInterfaceExistsAndOpenSegmentsGetFreeSubnets) {
  SetBuilder b;
  for (const char* node : {"lb1", "lb2"}) {
    VrrpInstance in =
        Instance("VI_1", "eth0", 51, 100, {Vip("10.77.0.100/24"), Vip("10.78.0.100/24", "eth1")});
    in.track_interfaces = {Ref("eth3")};
    in.use_vmac = "vrrp.51";
    b.Node(node).instances.push_back(in);
  }
  const Mapping m = MapConfigSet(b.set(), {});
  ASSERT_EQ(m.scenario.segments.size(), 3u);
  EXPECT_EQ(m.scenario.Segment("eth1").subnet.ToString(), "10.78.0.0/24");
  EXPECT_EQ(m.scenario.Segment("eth3").subnet.ToString(), "10.79.0.0/24");
  EXPECT_EQ(m.scenario.nodes[1].interfaces.size(), 3u);
  EXPECT_EQ(m.scenario.instances[0].vips[1].interface, "eth1");
  EXPECT_EQ(m.scenario.instances[0].track_interfaces[0].interface, "eth3");
}

TEST(MappingTest, StateMasterClearsNopreemptAndPreemptDelay) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  VrrpInstance& in = set.nodes[0].config.instances[0];
  in.state = "MASTER";
  in.nopreempt = true;
  in.preempt_delay_s = 30;
  set.nodes[1].config.instances[0].nopreempt = true;
  const Mapping m = MapConfigSet(set, {});
  const InstanceNodeSpec& lb1 = m.scenario.instances[0].nodes[0];
  EXPECT_EQ(lb1.state, "MASTER");
  EXPECT_FALSE(lb1.nopreempt);
  EXPECT_FALSE(lb1.preempt_delay.has_value());
  EXPECT_TRUE(m.scenario.instances[0].nodes[1].nopreempt);
  EXPECT_FALSE(m.scenario.nodes[0].nopreempt);
  ASSERT_EQ(m.scenario.warnings.size(), 2u);
  EXPECT_THAT(m.scenario.warnings[0], HasSubstr("state MASTER clears nopreempt"));
}

TEST(MappingTest, OneTrackedScriptIsTheCheckWithItsEffectiveWeight) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  for (ConfigNode& n : set.nodes) {
    VrrpScript s = Script("chk_haproxy", "killall -0 haproxy", -20);
    s.interval_s = 2;
    s.fall = 3;
    n.config.scripts.push_back(s);
    TrackRef r = Ref("chk_haproxy");
    r.weight = -30;
    n.config.instances[0].track_scripts = {r};
  }
  const Mapping m = MapConfigSet(set, {});
  const CheckSpec& check = m.scenario.instances[0].nodes[0].check;
  EXPECT_EQ(check.type, CheckType::kScript);
  EXPECT_EQ(check.weight, -30);
  EXPECT_EQ(check.interval, 2);
  EXPECT_EQ(check.fall, 3);
  EXPECT_TRUE(m.not_predicted.empty());
}

TEST(MappingTest, SeveralWeightedScriptsAreNotPredicted) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  for (ConfigNode& n : set.nodes) {
    n.config.scripts = {Script("chk_a", "pidof a", 20), Script("chk_b", "pidof b", 5)};
    n.config.instances[0].track_scripts = {Ref("chk_a"), Ref("chk_b")};
  }
  const Mapping m = MapConfigSet(set, {});
  ASSERT_EQ(m.not_predicted.size(), 2u);
  EXPECT_THAT(m.not_predicted[0], HasSubstr("VI_1 on lb1"));
  EXPECT_THAT(m.not_predicted[0], HasSubstr("chk_a weight 20, chk_b weight 5"));
  EXPECT_EQ(m.scenario.instances[0].nodes[0].check.type, CheckType::kNone);
}

TEST(MappingTest, TrackFileIsNotPredicted) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  set.nodes[0].config.instances[0].track_files = {Ref("flag")};
  const Mapping m = MapConfigSet(set, {});
  ASSERT_EQ(m.not_predicted.size(), 1u);
  EXPECT_THAT(m.not_predicted[0], HasSubstr("track_file"));
}

struct FormCase {
  std::string command;
  std::string service;
  int port;
  bool https;
};

class SimpleCheckTest : public ::testing::TestWithParam<FormCase> {};

TEST_P(SimpleCheckTest, BecomesAStandInService) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  set.nodes[0].config.scripts = {Script("chk", GetParam().command)};
  const Mapping m = MapConfigSet(set, {});
  ASSERT_EQ(m.checks.size(), 1u);
  EXPECT_EQ(m.checks[0].how, MappedCheck::How::kStandIn) << GetParam().command;
  EXPECT_EQ(m.checks[0].service, GetParam().service);
  ASSERT_EQ(m.services.size(), 1u);
  EXPECT_EQ(m.services[0].node, "lb1");
  EXPECT_EQ(m.services[0].name, GetParam().service);
  EXPECT_EQ(m.services[0].port, GetParam().port);
  EXPECT_EQ(m.services[0].https, GetParam().https);
  EXPECT_THAT(m.services[0].because, HasSubstr("chk: "));
  EXPECT_TRUE(m.rewrites.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Forms, SimpleCheckTest,
    ::testing::Values(FormCase{"pidof haproxy", "haproxy", 0, false},
                      FormCase{"/usr/bin/pidof -s /usr/sbin/nginx", "nginx", 0, false},
                      FormCase{"killall -0 haproxy", "haproxy", 0, false},
                      FormCase{"pgrep -x sshd", "sshd", 0, false},
                      FormCase{"pgrep sshd", "sshd", 0, false},
                      FormCase{"/usr/bin/curl http://10.77.0.11:1967/health", "port-1967", 1967,
                               false},
                      FormCase{"curl -fsk https://localhost/healthz", "port-443", 443, true},
                      FormCase{"curl -o /dev/null -Lfs http://localhost/", "port-80", 80, false},
                      FormCase{"</dev/tcp/127.0.0.1/80", "port-80", 80, false},
                      FormCase{"bash -c '</dev/tcp/127.0.0.1/8080'", "port-8080", 8080, false},
                      FormCase{"nc -z 127.0.0.1 25", "port-25", 25, false},
                      FormCase{"nc -z -w 1 127.0.0.1 25", "port-25", 25, false},
                      FormCase{"/usr/bin/timeout 0.9 /usr/bin/curl -o /dev/null -Lfs "
                               "http://localhost:1936/healthz/ready",
                               "port-1936", 1936, false},
                      FormCase{"timeout -s KILL 2 killall -0 haproxy", "haproxy", 0, false}));

TEST(MappingTest, ServiceOptionNamesAndAddsServices) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  set.nodes[0].config.scripts = {Script("chk_web", "curl -fs https://127.0.0.1:8443/"),
                                 Script("chk_ha", "killall -0 haproxy")};
  MappingOptions options;
  options.services = {ParseServiceOption("web=tcp:8443/https"),
                      ParseServiceOption("haproxy=tcp:80"), ParseServiceOption("db=tcp:5432")};
  const Mapping m = MapConfigSet(set, options);
  EXPECT_EQ(m.checks[0].service, "web");
  EXPECT_EQ(m.checks[1].service, "haproxy");
  std::vector<std::string> lb1, lb2;
  for (const MappedService& s : m.services) {
    (s.node == "lb1" ? lb1 : lb2)
        .push_back(fmt::format("{}:{}{}", s.name, s.port, s.https ? "s" : ""));
  }
  EXPECT_THAT(lb1, ::testing::ElementsAre("web:8443s", "haproxy:80", "db:5432"));
  EXPECT_THAT(lb2, ::testing::ElementsAre("web:8443s", "haproxy:80", "db:5432"));
}

TEST(MappingTest, ParseServiceOptionRejectsBadForms) {
  const ServiceOption o = ParseServiceOption("haproxy=tcp:8443/https");
  EXPECT_EQ(o.name, "haproxy");
  EXPECT_EQ(o.port, 8443);
  EXPECT_TRUE(o.https);
  EXPECT_FALSE(ParseServiceOption("x=tcp:1").https);
  for (const char* bad :
       {"haproxy", "haproxy=udp:53", "=tcp:80", "x=tcp:0", "x=tcp:70000", "x=tcp:80/http"}) {
    EXPECT_THROW(ParseServiceOption(bad), InputError) << bad;
  }
}

TEST(MappingTest, TrackProcessIsAService) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  for (ConfigNode& n : set.nodes) {
    TrackProcess p;
    p.name = "track_haproxy";
    p.process = "haproxy";
    p.weight = 0;
    n.config.track_processes = {p};
    n.config.instances[0].track_processes = {Ref("track_haproxy")};
  }
  const Mapping m = MapConfigSet(set, {});
  ASSERT_EQ(m.services.size(), 2u);
  EXPECT_EQ(m.services[0].name, "haproxy");
  EXPECT_EQ(m.scenario.instances[0].nodes[1].check.type, CheckType::kProcess);
}

TEST(MappingTest, SuppliedScriptRunsAsVendorScriptOthersAreLabDriven) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  std::filesystem::create_directories(b.dir() / "files/etc/keepalived");
  std::ofstream(b.dir() / "files/etc/keepalived/check.sh") << "#!/bin/sh\n";
  VrrpScript vendor = Script("chk_vendor", "/usr/bin/timeout 2 /etc/keepalived/check.sh");
  vendor.script_where = b.At("lb1", 3);
  VrrpScript other = Script("chk_other", "/usr/local/bin/check_other.sh --fast");
  other.script_where = b.At("lb1", 8);
  set.nodes[0].config.scripts = {vendor, other};
  MappingOptions options;
  options.files_dir = b.dir() / "files";
  const Mapping m = MapConfigSet(set, options);
  ASSERT_EQ(m.checks.size(), 2u);
  EXPECT_EQ(m.checks[0].how, MappedCheck::How::kVendorScript);
  EXPECT_EQ(m.checks[1].how, MappedCheck::How::kLabDriven);
  EXPECT_STREQ(ToString(m.checks[1].how), "lab-driven");
  ASSERT_EQ(m.rewrites.size(), 1u);
  EXPECT_EQ(m.rewrites[0].where.line, 8);
}

TEST(MappingTest, RewritesAreListedWithFileLineAndAppliedToTheLabConfig) {
  SetBuilder b;
  KeepalivedConfig& lb1 =
      b.Node("lb1", {"global_defs {", "  notify_fifo /run/keepalived/fifo", "}",
                     "vrrp_script chk {", "    script \"/usr/local/bin/chk.sh\"  # mine", "}",
                     "include extra/*.conf", "vrrp_instance VI_1 {",
                     "    notify_master \"/usr/local/bin/became_master.sh\"", "}"});
  std::filesystem::create_directories(b.dir() / "extra");
  std::ofstream(b.dir() / "extra/a.conf") << "# from a\n";
  b.Node("lb2").instances.push_back(Instance("VI_1", "eth0", 51, 100, {Vip("10.77.0.100/24")}));
  VrrpScript s = Script("chk", "/usr/local/bin/chk.sh");
  s.script_where = b.At("lb1", 5);
  lb1.scripts = {s};
  VrrpInstance in = Instance("VI_1", "eth0", 51, 150, {Vip("10.77.0.100/24")});
  LineRef notify;
  notify.keyword = "notify_master";
  notify.args = {"/usr/local/bin/became_master.sh"};
  notify.where = b.At("lb1", 9);
  in.notify.master = notify;
  lb1.instances = {in};
  ConfNode fifo;
  fifo.keyword = "notify_fifo";
  fifo.args = {"/run/keepalived/fifo"};
  fifo.where = b.At("lb1", 2);
  ConfNode global;
  global.keyword = "global_defs";
  global.where = b.At("lb1", 1);
  global.has_block = true;
  global.children = {fifo};
  lb1.tree.top = {global};
  const Mapping m = MapConfigSet(b.set(), {});
  ASSERT_EQ(m.rewrites.size(), 4u);
  EXPECT_EQ(m.rewrites[0].where.line, 2);
  EXPECT_EQ(m.rewrites[0].lab_form, "notify_fifo @VIPLAB_NODE_DIR@/notify.fifo");
  EXPECT_EQ(m.rewrites[1].where.line, 5);
  EXPECT_EQ(m.rewrites[1].original, "script \"/usr/local/bin/chk.sh\"  # mine");
  EXPECT_EQ(m.rewrites[1].lab_form, "script \"/usr/lib/viplab/viplab-labcheck lb1 chk\"");
  EXPECT_EQ(m.rewrites[2].where.line, 7);
  EXPECT_THAT(m.rewrites[2].lab_form, HasSubstr("inlined"));
  EXPECT_EQ(m.rewrites[3].lab_form, "notify_master /bin/true");
  const std::string& lab = m.lab_configs.at("lb1");
  EXPECT_THAT(lab, HasSubstr("\n    script \"/usr/lib/viplab/viplab-labcheck lb1 chk\"\n"));
  EXPECT_THAT(lab, HasSubstr("\n# from a\n"));
  EXPECT_THAT(lab, HasSubstr("    notify_master /bin/true\n"));
  EXPECT_THAT(lab, ::testing::Not(HasSubstr("became_master")));
  EXPECT_EQ(m.scenario.nodes[0].keepalived_conf, lab);
  const std::string text = DescribeMapping(m, b.set());
  EXPECT_THAT(text, HasSubstr(fmt::format("{}:5: script \"/usr/local/bin/chk.sh\"  # mine -> "
                                          "script \"/usr/lib/viplab/viplab-labcheck lb1 chk\" (",
                                          (b.dir() / "lb1.conf").string())));
  EXPECT_THAT(text, HasSubstr("lb1 chk: lab-driven \"/usr/local/bin/chk.sh\""));
  EXPECT_THAT(text, HasSubstr("lb1 eth0 -> segment eth0, 10.77.0.11/24 (assigned)"));
  EXPECT_THAT(text, HasSubstr("eth0 10.77.0.0/24, client 10.77.0.254/24"));
  EXPECT_EQ(text, DescribeMapping(MapConfigSet(b.set(), {}), b.set()));
}

TEST(MappingTest, ConditionalLinesAreResolvedForTheConfigId) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  std::ofstream(set.nodes[0].file) << "@lb1 # kept\n@^lb1 # dropped\n@lb2 # dropped too\n";
  set.nodes[0].config_id = "lb1";
  const Mapping m = MapConfigSet(set, {});
  EXPECT_EQ(m.lab_configs.at("lb1"), "# kept\n");
  ASSERT_EQ(m.rewrites.size(), 3u);
  EXPECT_EQ(m.rewrites[1].lab_form, "(dropped)");
}

// Through the parser and the reader: an included check and `@id` lines of one file for two nodes.
TEST(MappingTest, LabConfigOfParsedFilesInlinesIncludesAndResolvesConditionalLines) {
  testing::ScratchDir dir("kconf-mapping-parsed");
  std::filesystem::create_directories(dir / "checks");
  std::ofstream(dir / "checks/chk.conf")
      << "vrrp_script chk {\n    script \"/usr/local/bin/chk.sh\"\n}\n";
  std::ofstream(dir / "ka.conf") << "include checks/*.conf\n"
                                    "vrrp_instance VI_1 {\n"
                                    "    interface eth0\n"
                                    "    virtual_router_id 51\n"
                                    "@lb1 priority 150\n"
                                    "@lb2 priority 100\n"
                                    "    virtual_ipaddress {\n"
                                    "        10.77.0.100/24\n"
                                    "    }\n"
                                    "    track_script {\n"
                                    "        chk\n"
                                    "    }\n"
                                    "    notify_master \"/usr/local/bin/master.sh\"\n"
                                    "}\n";
  const std::string file = (dir / "ka.conf").string();
  const ConfigSet set = LoadConfigSet({file + "@lb1", file + "@lb2"});
  const Mapping m = MapConfigSet(set, {});
  std::vector<std::string> rewrites;
  for (const Rewrite& r : m.rewrites) {
    if (r.node == "lb1") {
      rewrites.push_back(
          fmt::format("{}:{} {}", r.where.file.filename().string(), r.where.line, r.lab_form));
    }
  }
  EXPECT_THAT(
      rewrites,
      ::testing::ElementsAre(
          fmt::format("ka.conf:1 (inlined: {})", (dir / "checks/chk.conf").string()),
          "chk.conf:2 script \"/usr/lib/viplab/viplab-labcheck lb1 chk\"", "ka.conf:5 priority 150",
          "ka.conf:6 (dropped)", "ka.conf:13 notify_master /bin/true"));
  // The lab's text is a configuration keepalived (and our reader) loads: one file, same instance.
  const std::string& lab = m.lab_configs.at("lb1");
  const KeepalivedConfig again =
      ReadKeepalivedConfig(ParseKeepalivedText(lab, dir / "lab-lb1.conf", {}));
  ASSERT_EQ(again.instances.size(), 1u);
  EXPECT_EQ(again.instances[0].priority, 150);
  ASSERT_EQ(again.scripts.size(), 1u);
  EXPECT_EQ(again.scripts[0].script, "/usr/lib/viplab/viplab-labcheck lb1 chk");
  EXPECT_EQ(again.instances[0].notify.master->args.at(0), "/bin/true");
  EXPECT_EQ(m.scenario.instances.at(0).nodes.at(1).priority, 100);
}

TEST(MappingTest, NoVrrpGroupIsAnInputError) {
  SetBuilder b;
  b.Node("lb1").instances.push_back(Instance("VI_1", "eth0", 51, 150, {Vip("10.77.0.100/24")}));
  b.Node("lb2").instances.push_back(Instance("VI_1", "eth0", 52, 100, {Vip("10.77.0.100/24")}));
  try {
    MapConfigSet(b.set(), {});
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("forms no VRRP group"));
  }
}

TEST(MappingTest, LongInterfaceNameIsAnInputError) {
  SetBuilder b;
  Pair(b, "10.77.0.100/24");
  auto& set = b.set();
  set.nodes[1].config.instances[0].interface = "enp0s31f6-storage";
  set.nodes[1].config.instances[0].where = b.At("lb2", 4);
  try {
    MapConfigSet(set, {});
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("lb2.conf:4: interface name 'enp0s31f6-storage' has 17"));
  }
}

// Through the reader, which drops the weighted track_script of a sync group member
// (instance_checks.cc DropIgnoredWeights): the mapping sees only what keepalived tracks.
TEST(MappingTest, SyncGroupsMapToInstancesAndDropWeightedMemberScripts) {
  testing::ScratchDir dir("kconf-mapping-sync");
  std::ofstream(dir / "ka.conf") << "vrrp_script chk_w {\n script \"pidof w\"\n weight 10\n}\n"
                                    "vrrp_script chk_g {\n script \"pidof g\"\n}\n"
                                    "vrrp_sync_group MAIN {\n group {\n LAN\n WAN\n }\n"
                                    " track_script {\n chk_g\n }\n}\n"
                                    "vrrp_instance LAN {\n interface eth0\n virtual_router_id 10\n"
                                    " priority 100\n virtual_ipaddress {\n 10.77.0.254/24\n }\n"
                                    " track_script {\n chk_w\n }\n}\n"
                                    "vrrp_instance WAN {\n interface eth1\n virtual_router_id 20\n"
                                    " priority 100\n virtual_ipaddress {\n 10.78.0.254/24\n }\n}\n";
  const std::string file = (dir / "ka.conf").string();
  const Mapping m = MapConfigSet(LoadConfigSet({file + "@lb1", file + "@lb2"}), {});
  ASSERT_EQ(m.scenario.sync_groups.size(), 1u);
  EXPECT_THAT(m.scenario.sync_groups[0].instances, ::testing::ElementsAre("LAN", "WAN"));
  // chk_w (weighted, sync group member) is ignored by keepalived; the group's chk_g applies.
  EXPECT_EQ(m.scenario.instances[0].nodes[0].check.type, CheckType::kScript);
  EXPECT_EQ(m.scenario.instances[0].nodes[0].check.weight, 0);
  EXPECT_TRUE(m.not_predicted.empty());
  EXPECT_EQ(m.scenario.segments.size(), 2u);
}

}  // namespace
}  // namespace viplab::kconf
