// ReadKeepalivedConfig against keepalived 2.2.7's reading: every keyword read, every default,
// every correction (warning) and every refusal (InputError naming file:line). Trees are built by
// conf_builder (no dependency on the real parser).
#include "harness/kconf/keepalived_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "netns/error.h"
#include "tests/harness/kconf/reader_test_util.h"

namespace viplab::kconf {
namespace {

using testing::ErrorOf;
using testing::HasWarning;
using testing::Read;

constexpr std::string_view kMinimal = R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 7
  virtual_ipaddress {
    10.0.0.100
  }
}
)";

TEST(KeepalivedConfigTest, MinimalInstanceGetsKeepalivedDefaults) {
  KeepalivedConfig c = Read(kMinimal);
  ASSERT_EQ(c.instances.size(), 1u);
  const VrrpInstance& v = c.instances[0];
  EXPECT_EQ(v.name, "VI");
  EXPECT_EQ(v.where.line, 1);
  EXPECT_FALSE(v.state.has_value());
  EXPECT_EQ(v.interface, "eth0");
  EXPECT_EQ(v.virtual_router_id, 7);
  EXPECT_EQ(v.priority, 100);
  EXPECT_DOUBLE_EQ(v.advert_int_s, 1);
  EXPECT_FALSE(v.version.has_value());
  EXPECT_EQ(c.VersionOf(v), 2);
  EXPECT_FALSE(v.nopreempt);
  EXPECT_FALSE(v.preempt_delay_s.has_value());
  EXPECT_TRUE(v.accept);  // vrrp_complete_instance: on unless strict mode
  EXPECT_FALSE(v.strict);
  EXPECT_FALSE(v.use_vmac.has_value());
  EXPECT_FALSE(v.auth_type.has_value());
  EXPECT_TRUE(v.unicast_peers.empty());
  ASSERT_EQ(v.vips.size(), 1u);
  EXPECT_EQ(v.vips[0].address, "10.0.0.100");
  EXPECT_FALSE(v.vips[0].prefix_len.has_value());
  EXPECT_FALSE(v.vips[0].dev.has_value());
  EXPECT_EQ(v.vips[0].where.line, 5);
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_TRUE(c.unknown.empty());
  EXPECT_EQ(c.FindInstance("VI"), &c.instances[0]);
  EXPECT_EQ(c.FindInstance("nope"), nullptr);
  EXPECT_EQ(c.GroupOf("VI"), nullptr);
}

TEST(KeepalivedConfigTest, MasterWithoutPriorityIsTheAddressOwner) {
  // vrrp.c vrrp_complete_instance: no priority and state MASTER -> 255; BACKUP -> 100.
  KeepalivedConfig c = Read(R"(vrrp_instance A {
  state MASTER
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    10.0.0.1
  }
}
vrrp_instance B {
  state BACKUP
  interface eth0
  virtual_router_id 2
  virtual_ipaddress {
    10.0.0.2
  }
}
)");
  EXPECT_EQ(c.instances[0].priority, 255);
  EXPECT_EQ(*c.instances[0].state, "MASTER");
  EXPECT_EQ(c.instances[0].state_where.line, 2);
  EXPECT_EQ(c.instances[1].priority, 100);
}

TEST(KeepalivedConfigTest, EveryInstanceKeywordIsRead) {
  KeepalivedConfig c = Read(R"(vrrp_script chk {
  script "killall -0 haproxy"
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 2
  nopreempt
  preempt_delay 5.5
  accept
  dont_track_primary
  use_vmac vrrp51
  vmac_xmit_base
  authentication {
    auth_type PASS
    auth_pass secret
  }
  unicast_src_ip 10.0.0.11
  unicast_peer {
    10.0.0.12
    10.0.0.13 min_ttl 1 max_ttl 64
  }
  virtual_ipaddress {
    10.0.0.100/24 dev eth1 label eth1:vip brd 10.0.0.255 scope global
    10.0.0.101
  }
  virtual_ipaddress_excluded {
    10.0.1.1/32
  }
  virtual_routes {
    10.0.2.0/24 via 10.0.0.1
  }
  virtual_rules {
    from 10.0.0.100/32 table 1
  }
  track_script {
    chk weight -10 reverse
  }
  track_interface {
    eth1 weight 2
    eth2
  }
  notify_master "/bin/master.sh x"
  notify_backup /bin/backup.sh
  notify_fault /bin/fault.sh
  notify_stop /bin/stop.sh
  notify_deleted
  notify /bin/notify.sh
  garp_master_refresh 5
  garp_master_delay 1
}
)");
  ASSERT_EQ(c.instances.size(), 1u);
  const VrrpInstance& v = c.instances[0];
  EXPECT_EQ(v.priority, 150);
  EXPECT_EQ(v.priority_where.line, 8);
  EXPECT_DOUBLE_EQ(v.advert_int_s, 2);
  EXPECT_TRUE(v.nopreempt);
  EXPECT_EQ(v.nopreempt_where.line, 10);
  EXPECT_DOUBLE_EQ(*v.preempt_delay_s, 5.5);
  EXPECT_EQ(v.preempt_delay_where.line, 11);
  EXPECT_TRUE(v.accept);
  EXPECT_TRUE(v.dont_track_primary);
  EXPECT_EQ(*v.use_vmac, "vrrp51");
  EXPECT_TRUE(v.vmac_xmit_base);
  EXPECT_EQ(*v.auth_type, "PASS");
  EXPECT_EQ(*v.auth_pass, "secret");
  EXPECT_EQ(*v.unicast_src_ip, "10.0.0.11");
  EXPECT_EQ(v.unicast_peers, (std::vector<std::string>{"10.0.0.12", "10.0.0.13"}));
  EXPECT_EQ(v.unicast_where.line, 21);
  ASSERT_EQ(v.vips.size(), 2u);
  EXPECT_EQ(v.vips[0].address, "10.0.0.100");
  EXPECT_EQ(*v.vips[0].prefix_len, 24);
  EXPECT_EQ(*v.vips[0].dev, "eth1");
  EXPECT_EQ(*v.vips[0].label, "eth1:vip");
  EXPECT_EQ(v.vips[0].other, (std::vector<std::string>{"brd", "10.0.0.255", "scope", "global"}));
  ASSERT_EQ(v.vips_excluded.size(), 1u);
  EXPECT_EQ(*v.vips_excluded[0].prefix_len, 32);
  ASSERT_EQ(v.virtual_routes.size(), 1u);
  EXPECT_EQ(v.virtual_routes[0].keyword, "10.0.2.0/24");
  EXPECT_EQ(v.virtual_routes[0].args, (std::vector<std::string>{"via", "10.0.0.1"}));
  ASSERT_EQ(v.virtual_rules.size(), 1u);
  EXPECT_EQ(v.virtual_rules[0].keyword, "from");
  ASSERT_EQ(v.track_scripts.size(), 1u);
  EXPECT_EQ(*v.track_scripts[0].weight, -10);
  EXPECT_TRUE(v.track_scripts[0].reverse);
  ASSERT_EQ(v.track_interfaces.size(), 2u);
  EXPECT_EQ(*v.track_interfaces[0].weight, 2);
  EXPECT_FALSE(v.track_interfaces[1].weight.has_value());
  EXPECT_EQ(v.notify.master->args[0], "/bin/master.sh x");
  EXPECT_EQ(v.notify.backup->args[0], "/bin/backup.sh");
  EXPECT_EQ(v.notify.fault->args[0], "/bin/fault.sh");
  EXPECT_EQ(v.notify.stop->args[0], "/bin/stop.sh");
  EXPECT_TRUE(v.notify.deleted.has_value());
  EXPECT_EQ(v.notify.notify->args[0], "/bin/notify.sh");
  ASSERT_EQ(v.garp.size(), 2u);
  EXPECT_EQ(v.garp[0].keyword, "garp_master_refresh");
  // min_ttl/max_ttl on a peer are accepted but not modelled.
  ASSERT_EQ(c.unmodelled.size(), 1u);
  EXPECT_EQ(c.unmodelled[0].keyword, "10.0.0.13");
  EXPECT_TRUE(c.unknown.empty());
  EXPECT_TRUE(c.warnings.empty()) << c.warnings[0].what;
}

TEST(KeepalivedConfigTest, PreemptUndoesNopreemptAndNoAcceptUndoesAccept) {
  KeepalivedConfig c = Read(R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 7
  nopreempt
  preempt
  accept
  no_accept
  use_vmac
  virtual_ipaddress {
    10.0.0.100
  }
}
)");
  EXPECT_FALSE(c.instances[0].nopreempt);
  EXPECT_FALSE(c.instances[0].accept);
  EXPECT_EQ(*c.instances[0].use_vmac, "");
}

TEST(KeepalivedConfigTest, AdvertIntFractionsFollowTheVersion) {
  // vrrp_adv_handler reads decimals; vrrp_complete_instance rounds VRRPv2 to whole seconds and
  // VRRPv3 to 10 ms.
  KeepalivedConfig v3 = Read(R"(vrrp_instance VI {
  interface eth0
  version 3
  virtual_router_id 7
  advert_int 0.25
  virtual_ipaddress {
    10.0.0.100
  }
}
)");
  EXPECT_DOUBLE_EQ(v3.instances[0].advert_int_s, 0.25);
  EXPECT_EQ(v3.VersionOf(v3.instances[0]), 3);
  EXPECT_TRUE(v3.warnings.empty());

  KeepalivedConfig v2 = Read(R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 7
  advert_int 1.6
  virtual_ipaddress {
    10.0.0.100
  }
}
)");
  EXPECT_DOUBLE_EQ(v2.instances[0].advert_int_s, 2);
  EXPECT_TRUE(HasWarning(v2, "advert_int", "rounded to 2 s"));

  KeepalivedConfig global3 = Read(R"(global_defs {
  vrrp_version 3
}
vrrp_instance VI {
  interface eth0
  virtual_router_id 7
  advert_int 0.005
  virtual_ipaddress {
    10.0.0.100
  }
}
)");
  EXPECT_EQ(global3.VersionOf(global3.instances[0]), 3);
  EXPECT_EQ(*global3.global.vrrp_version, 3);
  EXPECT_DOUBLE_EQ(global3.instances[0].advert_int_s, 1);  // 0.005 < 0.01: ignored
  EXPECT_TRUE(HasWarning(global3, "advert_int", "not valid"));
}

TEST(KeepalivedConfigTest, BadPriorityAndAdvertAreCorrectedNotRefused) {
  // vrrp_prio_handler: "Using default 100"; vrrp_adv_handler: "ignoring".
  for (std::string_view word : {"abc", "0", "256", "100x"}) {
    std::string text = fmt::format(R"(vrrp_instance VI {{
  state MASTER
  interface eth0
  virtual_router_id 7
  priority {}
  advert_int {}
  virtual_ipaddress {{
    10.0.0.100
  }}
}}
)",
                                   word, word);
    KeepalivedConfig c = Read(text);
    EXPECT_EQ(c.instances[0].priority, 100) << word;
    EXPECT_DOUBLE_EQ(c.instances[0].advert_int_s, 1) << word;
    EXPECT_TRUE(HasWarning(c, "priority", "using 100")) << word;
    EXPECT_TRUE(HasWarning(c, "advert_int", "not valid")) << word;
    EXPECT_EQ(c.warnings[0].where.line, 5);
  }
}

TEST(KeepalivedConfigTest, RefusalsNameFileLineAndKeyword) {
  // vrrp.c chk_min_cfg: a VRID in 1..255 is required.
  for (std::string_view vrid : {"0", "256", "abc", "-1"}) {
    std::string text = fmt::format(R"(vrrp_instance VI {{
  interface eth0
  virtual_router_id {}
}}
)",
                                   vrid);
    EXPECT_EQ(ErrorOf(text).rfind("t.conf:3: virtual_router_id: '", 0), 0u) << ErrorOf(text);
  }
  EXPECT_EQ(ErrorOf("vrrp_instance VI {\n  interface eth0\n}\n")
                .rfind("t.conf:1: vrrp_instance: "
                       "VI: virtual_router_id",
                       0),
            0u);
  // chk_min_cfg: no interface (or a name over 15 characters, which vrrp_int_handler ignores).
  EXPECT_NE(ErrorOf("vrrp_instance VI {\n  virtual_router_id 1\n}\n")
                .find("t.conf:1: "
                      "vrrp_instance: VI: no "
                      "(usable) interface"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("vrrp_instance VI {\n  interface abcdefghijklmnop\n  virtual_router_id 1\n}\n"),
            "t.conf:2: interface: 'abcdefghijklmnop' is longer than 15 characters (IFNAMSIZ): "
            "keepalived ignores it and refuses VI without an interface");
  EXPECT_EQ(ErrorOf("vrrp_instance VI {\n  interface lo\n  virtual_router_id 1\n}\n"),
            "t.conf:2: interface: 'lo' is a loopback interface: keepalived ignores it and refuses "
            "VI without an interface");
  // lib/parser.c null_strvec: a keyword without its value exits.
  EXPECT_EQ(ErrorOf("vrrp_instance VI {\n  interface eth0\n  priority\n}\n"),
            "t.conf:3: priority: missing a parameter at word position 2 (keepalived 2.2.7 exits: "
            "lib/parser.c null_strvec)");
  EXPECT_EQ(ErrorOf("vrrp_script {\n}\n").rfind("t.conf:1: vrrp_script: missing", 0), 0u);
  // vrrp_complete_instance: VRRPv3 needs a VIP; strict mode refuses unicast peers.
  EXPECT_NE(ErrorOf("vrrp_instance VI {\n interface eth0\n virtual_router_id 1\n version 3\n}\n")
                .find("t.conf:1: vrrp_instance: VI: no VIP"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"(global_defs {
  vrrp_strict
}
vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  unicast_peer {
    10.0.0.2
  }
  virtual_ipaddress {
    10.0.0.100
  }
}
)")
                .find("t.conf:7: unicast_peer: VI: unicast peers are not supported in strict"),
            std::string::npos);
}

TEST(KeepalivedConfigTest, DuplicateVridOnOneInterfaceIsRefused) {
  // vrrp.c check_vrid_conflicts.
  std::string text = R"(vrrp_instance A {
  interface eth0
  virtual_router_id 9
  virtual_ipaddress {
    10.0.0.1
  }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 9
  virtual_ipaddress {
    10.0.0.2
  }
}
)";
  EXPECT_EQ(ErrorOf(text),
            "t.conf:8: vrrp_instance: A and B both use VRID 9 on eth0: keepalived refuses to load");
  // On different interfaces they do not conflict.
  text.replace(text.rfind("eth0"), 4, "eth1");
  EXPECT_EQ(ErrorOf(text), "");
}

TEST(KeepalivedConfigTest, NoVipInVersion2IsAWarning) {
  KeepalivedConfig c = Read("vrrp_instance VI {\n interface eth0\n virtual_router_id 1\n}\n");
  EXPECT_TRUE(HasWarning(c, "vrrp_instance", "no VIP"));
}

TEST(KeepalivedConfigTest, StateIsCaseSensitiveAndMasterWins) {
  KeepalivedConfig c = Read(R"(vrrp_instance A {
  state master
  interface eth0
  virtual_router_id 1
}
vrrp_instance B {
  state MASTER
  state BACKUP
  interface eth0
  virtual_router_id 2
}
)");
  EXPECT_EQ(*c.instances[0].state, "BACKUP");
  EXPECT_EQ(c.instances[0].priority, 100);
  EXPECT_TRUE(HasWarning(c, "state", "unknown state 'master'"));
  EXPECT_EQ(*c.instances[1].state, "MASTER");
  EXPECT_TRUE(HasWarning(c, "state", "BACKUP ignored"));
}

TEST(KeepalivedConfigTest, GlobalDefs) {
  KeepalivedConfig c = Read(R"(global_defs {
  router_id lb1
  enable_script_security
  script_user keepalived_script users
  vrrp_version 3
  vrrp_strict
  vrrp_skip_check_adv_addr
  dynamic_interfaces
  notify_fifo /run/fifo
  notify_fifo_script /bin/fifo.sh
  max_auto_priority -1
  vrrp_garp_master_refresh 60
  vrrp_gna_interval 0
  notification_email {
    root@localhost
  }
  smtp_server 127.0.0.1
  vrrp_iptables
  lvs_id LB1
}
)");
  const GlobalDefs& g = c.global;
  EXPECT_EQ(*g.router_id, "lb1");
  EXPECT_TRUE(g.enable_script_security);
  EXPECT_EQ(*g.script_user, "keepalived_script users");
  EXPECT_EQ(*g.vrrp_version, 3);
  EXPECT_TRUE(g.vrrp_strict);
  EXPECT_TRUE(g.vrrp_skip_check_adv_addr);
  EXPECT_TRUE(g.dynamic_interfaces);
  EXPECT_EQ(*g.notify_fifo, "/run/fifo");
  EXPECT_EQ(*g.notify_fifo_script, "/bin/fifo.sh");
  EXPECT_EQ(*g.max_auto_priority, -1);
  ASSERT_EQ(g.garp.size(), 2u);
  EXPECT_EQ(g.garp[0].keyword, "vrrp_garp_master_refresh");
  EXPECT_EQ(g.where.line, 1);
  ASSERT_EQ(c.unmodelled.size(), 3u);
  EXPECT_EQ(c.unmodelled[0].keyword, "notification_email");
  EXPECT_EQ(c.unmodelled[2].keyword, "vrrp_iptables");
  // lvs_id left keepalived long before 2.2.7: unknown to it too.
  ASSERT_EQ(c.unknown.size(), 1u);
  EXPECT_EQ(c.unknown[0].keyword, "lvs_id");
  EXPECT_EQ(c.unknown[0].where.line, 19);
}

TEST(KeepalivedConfigTest, StrictComesFromGlobalUnlessTheInstanceSaysSo) {
  KeepalivedConfig c = Read(R"(global_defs {
  vrrp_strict
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    10.0.0.1
  }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 2
  strict_mode off
  virtual_ipaddress {
    10.0.0.2
  }
}
)");
  EXPECT_TRUE(c.instances[0].strict);
  EXPECT_FALSE(c.instances[0].accept);  // strict: accept mode off by default
  EXPECT_FALSE(c.instances[1].strict);
  EXPECT_TRUE(c.instances[1].accept);
}

TEST(KeepalivedConfigTest, NotExercisedUnmodelledAndUnknown) {
  KeepalivedConfig c = Read(R"(virtual_server 10.0.0.1 80 {
  real_server 10.0.0.2 80 {
  }
}
virtual_server_group web {
}
bfd_instance b1 {
}
static_ipaddress {
  10.9.9.9/24 dev eth0
}
net_namespace blue
garp_group {
}
no_such_section {
}
vrrp_instance V6 {
  interface eth0
  virtual_router_id 1
  mcast_src_ip 10.0.0.1
  frobnicate 3
  authentication {
    auth_type PASS
    auth_pass 123456789
    auth_wat x
  }
  virtual_ipaddress {
    fe80::1/64
    2001:db8::1 label x
  }
}
)");
  ASSERT_GE(c.not_exercised.size(), 6u);
  EXPECT_EQ(c.not_exercised[0].what, "virtual_server 10.0.0.1 80");
  EXPECT_EQ(c.not_exercised[0].where.line, 1);
  EXPECT_EQ(c.not_exercised[1].what, "virtual_server_group web");
  EXPECT_EQ(c.not_exercised[2].what, "bfd_instance b1");
  EXPECT_EQ(c.not_exercised[3].what, "static_ipaddress");
  EXPECT_EQ(c.not_exercised[4].what, "net_namespace blue");
  EXPECT_EQ(c.not_exercised.back().what, "vrrp_instance V6 (IPv6)");
  const VrrpInstance& v = c.instances[0];
  EXPECT_TRUE(v.ipv6);
  EXPECT_EQ(c.VersionOf(v), 3);
  ASSERT_EQ(v.vips.size(), 2u);
  EXPECT_TRUE(v.vips[0].ipv6);
  EXPECT_EQ(*v.vips[0].prefix_len, 64);
  EXPECT_FALSE(v.vips[1].label.has_value());  // no labels on IPv6
  EXPECT_EQ(*v.auth_pass, "12345678");        // truncated to 8
  EXPECT_TRUE(HasWarning(c, "auth_pass", "truncated"));
  ASSERT_EQ(c.unmodelled.size(), 2u);
  EXPECT_EQ(c.unmodelled[0].keyword, "garp_group");
  EXPECT_EQ(c.unmodelled[1].keyword, "mcast_src_ip");
  ASSERT_EQ(c.unknown.size(), 3u);
  EXPECT_EQ(c.unknown[0].keyword, "no_such_section");
  EXPECT_EQ(c.unknown[1].keyword, "frobnicate");
  EXPECT_EQ(c.unknown[1].args, (std::vector<std::string>{"3"}));
  EXPECT_EQ(c.unknown[2].keyword, "auth_wat");
}

TEST(KeepalivedConfigTest, VirtualAddressCorrections) {
  KeepalivedConfig c = Read(R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    10.0.0.300
    10.0.0.1/40
    10.0.0.2 label abcdefghijklmnop
    10.0.0.3 dev
    10.0.0.4 dev eth0 dev eth1
    10.0.0.5 sparkle
    2001:db8::5
  }
}
)");
  const auto& vips = c.instances[0].vips;
  ASSERT_EQ(vips.size(), 2u);
  EXPECT_EQ(vips[0].address, "10.0.0.1");
  EXPECT_EQ(*vips[0].prefix_len, 32);  // invalid length: the full length
  EXPECT_EQ(vips[1].address, "10.0.0.5");
  EXPECT_TRUE(HasWarning(c, "10.0.0.300", "invalid address"));
  EXPECT_TRUE(HasWarning(c, "10.0.0.1/40", "invalid prefix"));
  EXPECT_TRUE(HasWarning(c, "10.0.0.2", "label"));
  EXPECT_TRUE(HasWarning(c, "10.0.0.3", "no dev value"));
  EXPECT_TRUE(HasWarning(c, "10.0.0.4", "dev given twice"));
  EXPECT_TRUE(HasWarning(c, "10.0.0.5", "unknown address option 'sparkle'"));
  EXPECT_TRUE(HasWarning(c, "2001:db8::5", "family"));
  EXPECT_FALSE(c.instances[0].ipv6);
}

TEST(KeepalivedConfigTest, UnicastWithoutPeersAndDuplicateNames) {
  KeepalivedConfig c = Read(R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  unicast_src_ip 10.0.0.1
}
vrrp_instance VI {
  interface eth0
  virtual_router_id 2
}
vrrp_instance {
}
)");
  ASSERT_EQ(c.instances.size(), 1u);
  EXPECT_EQ(*c.instances[0].unicast_src_ip, "10.0.0.1");
  EXPECT_TRUE(HasWarning(c, "unicast_peer", "keepalived uses multicast"));
  EXPECT_TRUE(HasWarning(c, "vrrp_instance", "already defined: skipped"));
  EXPECT_TRUE(HasWarning(c, "vrrp_instance", "must have one name"));
}

TEST(KeepalivedConfigTest, DuplicateUnicastVridSharingAPeerIsRefused) {
  std::string text = R"(vrrp_instance A {
  interface eth0
  virtual_router_id 9
  unicast_src_ip 10.0.0.1
  unicast_peer {
    10.0.0.2
  }
  virtual_ipaddress {
    10.0.0.100
  }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 9
  unicast_src_ip 10.0.0.1
  unicast_peer {
    10.0.0.2
  }
  virtual_ipaddress {
    10.0.0.101
  }
}
)";
  EXPECT_EQ(
      ErrorOf(text),
      "t.conf:12: vrrp_instance: A and B both use VRID 9 on eth0: keepalived refuses to load");
  text.replace(text.rfind("10.0.0.2"), 8, "10.0.0.3");
  EXPECT_EQ(ErrorOf(text), "");
  // Both without unicast_src_ip: both send from the interface's address.
  std::string implicit = text;
  implicit.replace(implicit.rfind("10.0.0.3"), 8, "10.0.0.2");
  const std::string src = "  unicast_src_ip 10.0.0.1\n";
  for (size_t at; (at = implicit.find(src)) != std::string::npos;) implicit.erase(at, src.size());
  EXPECT_NE(ErrorOf(implicit).find("both use VRID 9"), std::string::npos);
}

TEST(KeepalivedConfigTest, NativeIpv6TrackBfdAndGroupNotifyDeleted) {
  KeepalivedConfig c = Read(R"(vrrp_instance V6 {
  native_ipv6
  version 2
  interface eth0
  virtual_router_id 1
  use_vmac 00:00:5e:00:01:01 vmac6
  track_bfd {
    b1
  }
  virtual_ipaddress {
    fe80::1
  }
}
vrrp_sync_group G {
  group {
    V6
  }
  notify_deleted /bin/x
  track_bfd {
    b1
  }
}
)");
  const VrrpInstance& v = c.instances[0];
  EXPECT_TRUE(v.ipv6);
  EXPECT_EQ(*v.version, 3);  // native_ipv6 sets 3; "version 2" conflicts and is ignored
  EXPECT_TRUE(HasWarning(c, "version", "conflicts"));
  EXPECT_EQ(*v.use_vmac, "vmac6");  // the MAC word is not a name
  ASSERT_EQ(c.not_exercised.size(), 3u);
  EXPECT_EQ(c.not_exercised[0].what, "track_bfd of vrrp_instance V6");
  EXPECT_EQ(c.not_exercised[1].what, "track_bfd of vrrp_sync_group G");
  EXPECT_EQ(c.not_exercised[2].what, "vrrp_instance V6 (IPv6)");
  ASSERT_EQ(c.unknown.size(), 1u);  // sync groups have no notify_deleted
  EXPECT_EQ(c.unknown[0].keyword, "notify_deleted");
}

TEST(KeepalivedConfigTest, AuthenticationKeepalivedDrops) {
  KeepalivedConfig c = Read(R"(vrrp_instance V3 {
  interface eth0
  version 3
  virtual_router_id 1
  authentication {
    auth_type PASS
    auth_pass x
  }
  virtual_ipaddress {
    10.0.0.1
  }
}
vrrp_instance NOPASS {
  interface eth0
  virtual_router_id 2
  authentication {
    auth_type AH
  }
}
)");
  EXPECT_FALSE(c.instances[0].auth_type.has_value());
  EXPECT_FALSE(c.instances[0].auth_pass.has_value());
  EXPECT_TRUE(HasWarning(c, "authentication", "V3: VRRP version 3 does not support"));
  EXPECT_FALSE(c.instances[1].auth_type.has_value());
  EXPECT_TRUE(HasWarning(c, "authentication", "NOPASS: authentication without auth_pass"));
}

TEST(KeepalivedConfigTest, VersionOf) {
  KeepalivedConfig c;
  VrrpInstance v;
  EXPECT_EQ(c.VersionOf(v), 2);
  c.global.vrrp_version = 3;
  EXPECT_EQ(c.VersionOf(v), 3);
  v.version = 2;
  EXPECT_EQ(c.VersionOf(v), 2);
}

}  // namespace
}  // namespace viplab::kconf
