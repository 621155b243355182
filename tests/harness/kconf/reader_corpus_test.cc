// The reader on real configurations: every set of the shared corpus (../shared/keepalived-corpus
// next to the project, or $VIPLAB_CORPUS) loads as a config set without error, and each set is
// spot-checked. Skipped, saying so, when the corpus is not there.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/kconf/config_set.h"
#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab::kconf {
namespace {

namespace fs = std::filesystem;
using ::viplab::testing::CorpusPath;

ConfigSet LoadSet(std::string_view folder) {
  return LoadConfigSet({(CorpusPath() / folder).string()});
}

const ConfigNode& Node(const ConfigSet& set, std::string_view name) {
  const ConfigNode* node = set.FindNode(name);
  if (!node) throw std::runtime_error("no node " + std::string(name));
  return *node;
}

TEST(ReaderCorpusTest, EverySetLoads) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  int sets = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(CorpusPath())) {
    if (!entry.is_directory()) continue;
    SCOPED_TRACE(entry.path().string());
    ++sets;
    try {
      ConfigSet set = LoadConfigSet({entry.path().string()});
      EXPECT_GE(set.nodes.size(), 2u);
      for (const ConfigNode& node : set.nodes) {
        EXPECT_FALSE(node.config.instances.empty()) << node.original;
        EXPECT_TRUE(node.config.unknown.empty()) << node.original;
      }
    } catch (const InputError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(sets, 8);
}

TEST(ReaderCorpusTest, Kolla) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet set = LoadSet("kolla-ansible-loadbalancer");
  ASSERT_EQ(set.nodes.size(), 3u);
  const KeepalivedConfig& c = Node(set, "lb1").config;
  const VrrpInstance* v = c.FindInstance("kolla_internal_vip_51");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v->state, "BACKUP");
  EXPECT_TRUE(v->nopreempt);
  EXPECT_EQ(v->priority, 1);
  EXPECT_EQ(v->virtual_router_id, 51);
  ASSERT_EQ(v->vips.size(), 2u);
  EXPECT_EQ(*v->vips[0].dev, "eth0");
  EXPECT_EQ(*v->vips[1].dev, "eth1");
  EXPECT_FALSE(v->vips[0].prefix_len.has_value());
  ASSERT_EQ(v->track_interfaces.size(), 1u);
  EXPECT_EQ(v->track_interfaces[0].name, "eth1");
  EXPECT_FALSE(v->track_interfaces[0].weight.has_value());
  EXPECT_EQ(*v->auth_type, "PASS");
  EXPECT_EQ(*v->auth_pass, "kollaKAp");
  const VrrpScript* s = c.FindScript("check_alive");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->rise, 10);
  EXPECT_EQ(s->fall, 2);
  EXPECT_EQ(Node(set, "lb3").config.instances[0].priority, 3);
}

TEST(ReaderCorpusTest, OpenShift) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet set = LoadSet("openshift-mco-onprem-api-ingress");
  const KeepalivedConfig& c = Node(set, "master-0").config;
  ASSERT_EQ(c.instances.size(), 2u);
  const VrrpInstance& api = c.instances[0];
  EXPECT_EQ(api.name, "ocp4_API_0");
  EXPECT_EQ(*api.unicast_src_ip, "10.77.0.11");
  EXPECT_EQ(api.unicast_peers.size(), 2u);
  EXPECT_EQ(*api.vips[0].label, "vip");
  EXPECT_EQ(*api.vips[0].prefix_len, 32);
  EXPECT_EQ(c.FindScript("chk_ocp_lb")->weight, 20);
  EXPECT_EQ(c.FindScript("chk_ingress")->weight, 0);
  EXPECT_TRUE(c.global.enable_script_security);
  EXPECT_EQ(*c.global.script_user, "root");
  EXPECT_EQ(*c.global.max_auto_priority, -1);
  ASSERT_EQ(c.global.garp.size(), 1u);
  EXPECT_EQ(c.instances[1].virtual_router_id, 147);
}

TEST(ReaderCorpusTest, LocalCheck) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet set = LoadSet("keepalived-sample-vrrp-localcheck");
  const KeepalivedConfig& c = Node(set, "lb1").config;
  ASSERT_EQ(c.instances.size(), 9u);
  const VrrpInstance& v1 = c.instances[0];
  ASSERT_EQ(v1.track_interfaces.size(), 3u);
  EXPECT_EQ(*v1.track_interfaces[0].weight, 2);
  EXPECT_EQ(*v1.track_interfaces[1].weight, -2);
  EXPECT_FALSE(v1.track_interfaces[2].weight.has_value());
  ASSERT_EQ(v1.track_scripts.size(), 5u);
  EXPECT_FALSE(v1.track_scripts[0].weight.has_value());
  EXPECT_EQ(v1.track_scripts[1].name, "chk_haproxy");
  EXPECT_EQ(*v1.track_scripts[1].weight, 2);
  EXPECT_EQ(c.FindScript("chk_sshd")->weight, -4);
  EXPECT_EQ(c.FindScript("chk_http_port")->script, "</dev/tcp/127.0.0.1/80");
  EXPECT_EQ(c.FindScript("chk_sshd")->argv, (std::vector<std::string>{"killall", "-0", "sshd"}));
  // VI_3 has no state: priority 100 stays 100.
  EXPECT_FALSE(c.instances[2].state.has_value());
  EXPECT_EQ(c.instances[2].priority, 100);
  EXPECT_EQ(Node(set, "lb2").config.instances[0].priority, 99);
}

TEST(ReaderCorpusTest, VyosSyncGroup) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet set = LoadSet("vyos-vrrp-sync-group");
  const KeepalivedConfig& c = Node(set, "router1").config;
  const VrrpInstance* lan = c.FindInstance("LAN");
  ASSERT_NE(lan, nullptr);
  EXPECT_EQ(*lan->use_vmac, "eth0v10v4");
  EXPECT_DOUBLE_EQ(*lan->preempt_delay_s, 0);
  EXPECT_EQ(lan->priority, 200);
  EXPECT_EQ(*lan->auth_pass, "vyLAN10");
  ASSERT_EQ(c.sync_groups.size(), 1u);
  EXPECT_EQ(c.sync_groups[0].name, "MAIN");
  EXPECT_EQ(c.sync_groups[0].members, (std::vector<std::string>{"LAN", "WAN"}));
  ASSERT_EQ(c.sync_groups[0].track_scripts.size(), 1u);
  EXPECT_EQ(c.sync_groups[0].track_scripts[0].name, "healthcheck_sg_MAIN");
  EXPECT_EQ(c.GroupOf("WAN"), &c.sync_groups[0]);
  EXPECT_TRUE(c.global.dynamic_interfaces);
  EXPECT_EQ(*c.global.notify_fifo, "/run/keepalived/keepalived_notify_fifo");
  EXPECT_DOUBLE_EQ(c.FindScript("healthcheck_sg_MAIN")->interval_s, 60);
}

TEST(ReaderCorpusTest, Cephadm) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet set = LoadSet("cephadm-ingress");
  const KeepalivedConfig& c = Node(set, "ceph-a").config;
  EXPECT_EQ(*c.instances[0].state, "MASTER");
  EXPECT_EQ(c.instances[0].priority, 100);
  EXPECT_EQ(c.FindScript("check_backend")->weight, -20);
  EXPECT_EQ(c.FindScript("check_backend")->script, "/usr/bin/curl http://10.77.0.11:1967/health");
  EXPECT_EQ(Node(set, "ceph-c").config.instances[0].unicast_peers,
            (std::vector<std::string>{"10.77.0.11", "10.77.0.12"}));
}

TEST(ReaderCorpusTest, Octavia) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet set = LoadSet("octavia-amphora-active-standby");
  const KeepalivedConfig& c = Node(set, "amp1").config;
  const VrrpInstance& v = c.instances[0];
  EXPECT_FALSE(v.state.has_value());
  EXPECT_TRUE(v.nopreempt);
  EXPECT_TRUE(v.accept);
  ASSERT_EQ(v.virtual_routes.size(), 2u);
  EXPECT_EQ(v.virtual_routes[1].keyword, "default");
  ASSERT_EQ(v.virtual_rules.size(), 1u);
  EXPECT_TRUE(v.vips_excluded.empty());
  ASSERT_EQ(v.garp.size(), 2u);
  EXPECT_EQ(v.garp[0].keyword, "garp_master_refresh");
  EXPECT_EQ(v.garp[0].args, (std::vector<std::string>{"5"}));
  EXPECT_EQ(c.FindScript("check_script")->script, "/var/lib/octavia/vrrp/check_script.sh");
}

TEST(ReaderCorpusTest, AnsibleSyncGroupAndIssue2370) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  ConfigSet ansible = LoadSet("ansible-keepalived-evrardjp-sync-group");
  const KeepalivedConfig& a = Node(ansible, "lb1").config;
  EXPECT_EQ(a.sync_groups[0].members, (std::vector<std::string>{"external", "internal"}));
  EXPECT_DOUBLE_EQ(a.FindScript("haproxy_check_script")->interval_s, 5);
  EXPECT_EQ(Node(ansible, "lb2").config.instances[1].priority, 20);
  ConfigSet issue = LoadSet("keepalived-issue-2370-multicast-split-brain");
  const KeepalivedConfig& p = Node(issue, "configproxy1").config;
  EXPECT_TRUE(p.global.vrrp_skip_check_adv_addr);
  EXPECT_EQ(*p.global.router_id, "configproxy1");
  EXPECT_EQ(p.global.garp.size(), 2u);
  EXPECT_TRUE(p.instances[0].nopreempt);
  EXPECT_EQ(Node(issue, "configproxy2").config.instances[0].priority, 50);
}

}  // namespace
}  // namespace viplab::kconf
