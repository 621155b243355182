// ReadKeepalivedConfig on what instances and sync groups track: vrrp_script, vrrp_track_process,
// track_file, the track_* blocks with their weight overrides, notify lines and sync groups, with
// keepalived 2.2.7's defaults and corrections.
#include <gtest/gtest.h>

#include <string>

#include "harness/kconf/keepalived_config.h"
#include "tests/harness/kconf/reader_test_util.h"

namespace viplab::kconf {
namespace {

using testing::ErrorOf;
using testing::HasWarning;
using testing::Read;

TEST(TrackConfigTest, VrrpScriptDefaultsAndKeywords) {
  KeepalivedConfig c = Read(R"(vrrp_script plain {
  script /bin/true
}
vrrp_script full {
  script "/usr/bin/curl -s http://x"
  interval 3
  timeout 4
  weight -20 reverse
  rise 5
  fall 6
  user nobody nogroup
  init_fail
}
)");
  ASSERT_EQ(c.scripts.size(), 2u);
  const VrrpScript& plain = *c.FindScript("plain");
  EXPECT_EQ(plain.script, "/bin/true");
  EXPECT_EQ(plain.script_where.line, 2);
  EXPECT_DOUBLE_EQ(plain.interval_s, 1);
  EXPECT_FALSE(plain.timeout_s.has_value());
  EXPECT_EQ(plain.weight, 0);
  EXPECT_FALSE(plain.weight_reverse);
  EXPECT_EQ(plain.rise, 1);
  EXPECT_EQ(plain.fall, 1);
  EXPECT_FALSE(plain.user.has_value());
  const VrrpScript& full = *c.FindScript("full");
  EXPECT_EQ(full.script, "/usr/bin/curl -s http://x");
  EXPECT_EQ(full.argv, (std::vector<std::string>{"/usr/bin/curl", "-s", "http://x"}));
  EXPECT_DOUBLE_EQ(full.interval_s, 3);
  EXPECT_DOUBLE_EQ(*full.timeout_s, 4);
  EXPECT_EQ(full.weight, -20);
  EXPECT_TRUE(full.weight_reverse);
  EXPECT_EQ(full.rise, 5);
  EXPECT_EQ(full.fall, 6);
  EXPECT_EQ(*full.user, "nobody nogroup");
  EXPECT_EQ(full.where.line, 4);
  ASSERT_EQ(c.unmodelled.size(), 1u);
  EXPECT_EQ(c.unmodelled[0].keyword, "init_fail");
  EXPECT_EQ(c.FindScript("none"), nullptr);
}

TEST(TrackConfigTest, VrrpScriptCorrections) {
  KeepalivedConfig c = Read(R"(vrrp_script s {
  script /usr/bin/killall -0 haproxy
  interval 2.5
  timeout 0
  weight 300
  rise x
  fall 0
}
vrrp_script empty {
  interval 2
}
)");
  ASSERT_EQ(c.scripts.size(), 1u);  // "empty" has no script: removed
  const VrrpScript& s = c.scripts[0];
  EXPECT_EQ(s.script, "/usr/bin/killall");  // only the first word runs
  EXPECT_EQ(s.argv, (std::vector<std::string>{"/usr/bin/killall"}));
  EXPECT_TRUE(HasWarning(c, "script", "only '/usr/bin/killall' is run"));
  EXPECT_DOUBLE_EQ(s.interval_s, 2);  // whole seconds
  EXPECT_TRUE(HasWarning(c, "interval", "read as 2 s"));
  EXPECT_DOUBLE_EQ(*s.timeout_s, 1);
  EXPECT_EQ(s.weight, 300);  // 2.2.7 logs but keeps it
  EXPECT_TRUE(HasWarning(c, "weight", "[-253, 253]"));
  EXPECT_EQ(s.rise, 1);
  EXPECT_EQ(s.fall, 1);
  EXPECT_TRUE(HasWarning(c, "vrrp_script", "no script set for empty: removed"));
}

TEST(TrackConfigTest, TrackScriptWeightOverrides) {
  KeepalivedConfig c = Read(R"(vrrp_script a {
  script /a
  weight 5 reverse
}
vrrp_script b {
  script /b
  weight 3
}
vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  track_script {
    a
    b weight -254
    a weight 1
    missing
    later
    b2 weight
  }
}
vrrp_script later {
  script /later
}
vrrp_instance V2 {
  interface eth1
  virtual_router_id 2
  track_script {
    a weight 7 noreverse
    b bogus
    later weight x
  }
}
)");
  const VrrpInstance& v = c.instances[0];
  ASSERT_EQ(v.track_scripts.size(), 2u);
  EXPECT_EQ(v.track_scripts[0].name, "a");
  EXPECT_FALSE(v.track_scripts[0].weight.has_value());  // the script's own weight
  EXPECT_TRUE(v.track_scripts[0].reverse);              // ... and its reverse
  EXPECT_EQ(v.track_scripts[0].where.line, 13);
  EXPECT_EQ(*v.track_scripts[1].weight, -253);  // vrrp_track.c: +/-254 -> +/-253
  EXPECT_TRUE(HasWarning(c, "a", "duplicate track_script a"));
  EXPECT_TRUE(HasWarning(c, "missing", "not found"));
  EXPECT_TRUE(HasWarning(c, "later", "must be defined above"));
  const VrrpInstance& v2 = c.instances[1];
  ASSERT_EQ(v2.track_scripts.size(), 2u);
  EXPECT_EQ(*v2.track_scripts[0].weight, 7);
  EXPECT_FALSE(v2.track_scripts[0].reverse);
  EXPECT_EQ(v2.track_scripts[1].name, "later");
  EXPECT_EQ(*v2.track_scripts[1].weight, 0);  // read_int_func with ignore_error: "x" is 0
  EXPECT_TRUE(HasWarning(c, "later", "'x' is read as 0"));
  EXPECT_TRUE(HasWarning(c, "b", "unknown track_script option 'bogus'"));
}

TEST(TrackConfigTest, TrackInterfaceWeights) {
  KeepalivedConfig c = Read(R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  track_interface {
    eth1 weight 2
    eth2 weight -2 reverse
    eth3
    eth4 weight 999
    eth5 up
    eth1
  }
}
)");
  const auto& t = c.instances[0].track_interfaces;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(*t[0].weight, 2);
  EXPECT_EQ(*t[1].weight, -2);
  EXPECT_TRUE(t[1].reverse);
  EXPECT_FALSE(t[2].weight.has_value());
  EXPECT_EQ(*t[3].weight, 0);  // invalid: 0, i.e. FAULT when down
  EXPECT_TRUE(HasWarning(c, "eth5", "unknown track_interface option"));
  EXPECT_TRUE(HasWarning(c, "eth1", "duplicate"));
}

TEST(TrackConfigTest, TrackProcessAndTrackFile) {
  KeepalivedConfig c = Read(R"(vrrp_track_process haproxy {
  process haproxy -f /etc/haproxy.cfg
  weight -30 reverse
  quorum 2
  quorum_max 3
  delay 0.5
  fork_delay 1
}
track_file tf {
  file /run/tf
  init_file 5 overwrite
}
vrrp_track_file old {
  file /run/old
  weight -7 reverse
}
vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  track_process {
    haproxy
  }
  track_file {
    tf weight 4
    old
  }
}
)");
  const TrackProcess& p = *c.FindTrackProcess("haproxy");
  EXPECT_EQ(p.process, "haproxy");
  EXPECT_EQ(p.parameters, (std::vector<std::string>{"-f", "/etc/haproxy.cfg"}));
  EXPECT_EQ(*p.param_match, "exact");
  EXPECT_EQ(p.weight, -30);
  EXPECT_TRUE(p.weight_reverse);
  EXPECT_EQ(p.quorum, 2);
  EXPECT_EQ(*p.quorum_max, 3);
  EXPECT_DOUBLE_EQ(*p.delay_s, 0.5);
  const TrackFile& tf = *c.FindTrackFile("tf");
  EXPECT_EQ(tf.file, "/run/tf");
  EXPECT_EQ(tf.weight, 1);  // track_file.c track_file_handler: default weight 1
  EXPECT_EQ(*tf.init_value, 5);
  const TrackFile& old = *c.FindTrackFile("old");
  EXPECT_EQ(old.weight, -7);
  EXPECT_TRUE(old.weight_reverse);
  const VrrpInstance& v = c.instances[0];
  ASSERT_EQ(v.track_processes.size(), 1u);
  EXPECT_FALSE(v.track_processes[0].weight.has_value());
  EXPECT_TRUE(v.track_processes[0].reverse);
  ASSERT_EQ(v.track_files.size(), 2u);
  EXPECT_EQ(*v.track_files[0].weight, 4);
  EXPECT_TRUE(v.track_files[1].reverse);
  EXPECT_EQ(c.FindTrackProcess("x"), nullptr);
  EXPECT_EQ(c.FindTrackFile("x"), nullptr);
}

TEST(TrackConfigTest, SyncGroups) {
  KeepalivedConfig c = Read(R"(vrrp_script chk {
  script /chk
}
vrrp_sync_group G {
  group {
    A
    B ghost
  }
  track_script {
    chk weight 0
  }
  notify_master /bin/m.sh
  sync_group_tracking_weight
}
vrrp_sync_group H {
  group {
    B
  }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
}
vrrp_instance B {
  interface eth1
  virtual_router_id 2
}
)");
  ASSERT_EQ(c.sync_groups.size(), 1u);  // H's only member is already in G: removed
  const SyncGroup& g = c.sync_groups[0];
  EXPECT_EQ(g.members, (std::vector<std::string>{"A", "B"}));
  ASSERT_EQ(g.track_scripts.size(), 1u);
  EXPECT_EQ(*g.track_scripts[0].weight, 0);
  EXPECT_EQ(g.notify.master->args[0], "/bin/m.sh");
  EXPECT_TRUE(g.tracking_weight);
  EXPECT_EQ(g.where.line, 4);
  EXPECT_EQ(c.GroupOf("A"), &c.sync_groups[0]);
  EXPECT_EQ(c.GroupOf("B"), &c.sync_groups[0]);
  EXPECT_TRUE(HasWarning(c, "vrrp_sync_group", "member ghost does not exist"));
  EXPECT_TRUE(HasWarning(c, "vrrp_sync_group", "already in another sync group"));
  EXPECT_TRUE(HasWarning(c, "vrrp_sync_group", "H has no existing member: removed"));
}

TEST(TrackConfigTest, NotifyCorrections) {
  KeepalivedConfig c = Read(R"(vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  notify_master /bin/a.sh MASTER
  notify_master /bin/b.sh
  notify_backup
}
)");
  const NotifyScripts& n = c.instances[0].notify;
  EXPECT_EQ(n.master->args, (std::vector<std::string>{"/bin/a.sh", "MASTER"}));
  EXPECT_EQ(n.master->where.line, 4);
  EXPECT_FALSE(n.backup.has_value());
  EXPECT_TRUE(HasWarning(c, "notify_master", "'MASTER' is the user [group]"));
  EXPECT_TRUE(HasWarning(c, "notify_master", "already specified"));
  EXPECT_TRUE(HasWarning(c, "notify_backup", "no script"));
}

TEST(TrackConfigTest, MoreCorrections) {
  KeepalivedConfig c = Read(R"(global_defs {
  max_auto_priority
  vrrp_version 4
  router_id
}
vrrp_track_process p {
  process haproxy
  weight 10
  weight 20
  param_match partial
}
vrrp_track_process nothing {
  weight 1
}
track_file f {
  file /run/f
  weight 999
}
vrrp_instance VI {
  interface eth0
  virtual_router_id 1
  track_file {
    f weight 2 sideways
  }
  track_process {
    p weight -254
  }
}
)");
  EXPECT_EQ(*c.global.max_auto_priority, 99);  // no value: the SCHED_RR maximum
  EXPECT_FALSE(c.global.vrrp_version.has_value());
  EXPECT_TRUE(HasWarning(c, "vrrp_version", "2 or 3"));
  EXPECT_FALSE(c.global.router_id.has_value());
  const TrackProcess& p = *c.FindTrackProcess("p");
  EXPECT_EQ(p.weight, 10);
  EXPECT_EQ(*p.param_match, "partial");
  EXPECT_TRUE(HasWarning(c, "weight", "weight already set"));
  EXPECT_EQ(c.FindTrackProcess("nothing"), nullptr);
  EXPECT_EQ(c.FindTrackFile("f")->weight, 1);
  EXPECT_TRUE(c.instances[0].track_files.empty());  // unknown 4th word drops a track_file entry
  ASSERT_EQ(c.instances[0].track_processes.size(), 1u);
  EXPECT_EQ(*c.instances[0].track_processes[0].weight, -254);  // no +/-254 clamp for processes
  EXPECT_NE(ErrorOf("vrrp_script s {\n  script /x\n  user\n}\n").find("t.conf:3: user: missing"),
            std::string::npos);
}

TEST(TrackConfigTest, SyncGroupMembersAndAddressOwnersDropWeights) {
  // vrrp.c vrrp_complete_instance: weighted trackers of a sync group member (without
  // sync_group_tracking_weight) or of the address owner are ignored.
  KeepalivedConfig c = Read(R"(vrrp_script w {
  script /w
  weight 5
}
vrrp_script u {
  script /u
}
track_file f {
  file /f
}
vrrp_sync_group G {
  group {
    A
  }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  track_script {
    w
    u
  }
  track_interface {
    eth1 weight 3
    eth2
  }
  track_file {
    f
  }
}
vrrp_instance OWNER {
  state MASTER
  interface eth0
  virtual_router_id 2
  track_script {
    u weight 2
  }
  track_interface {
    eth1 weight 3
  }
}
vrrp_instance FREE {
  interface eth0
  virtual_router_id 3
  track_script {
    w
  }
}
)");
  const VrrpInstance& a = *c.FindInstance("A");
  ASSERT_EQ(a.track_scripts.size(), 1u);
  EXPECT_EQ(a.track_scripts[0].name, "u");
  ASSERT_EQ(a.track_interfaces.size(), 2u);
  EXPECT_EQ(*a.track_interfaces[0].weight, 0);
  ASSERT_EQ(a.track_files.size(), 1u);
  EXPECT_EQ(*a.track_files[0].weight, 0);
  EXPECT_TRUE(
      HasWarning(c, "track_script", "A: weighted script w not tracked: A is in sync group G"));
  EXPECT_TRUE(HasWarning(c, "track_interface", "weight 0: FAULT when down"));
  const VrrpInstance& owner = *c.FindInstance("OWNER");
  EXPECT_EQ(owner.priority, 255);
  EXPECT_TRUE(owner.track_scripts.empty());
  EXPECT_TRUE(owner.track_interfaces.empty());
  EXPECT_TRUE(HasWarning(c, "track_script", "OWNER has priority 255"));
  EXPECT_EQ(c.FindInstance("FREE")->track_scripts.size(), 1u);
}

}  // namespace
}  // namespace viplab::kconf
