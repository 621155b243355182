// The wire capture in real scenario runs: keepalived's adverts on the lab switch become `advert`
// events of the right node with the right priority before and after the fault, the new master's
// gratuitous ARPs become `garp` events, and the pcap file is kept (and readable by libpcap) when
// --pcap is given or the scenario failed, and not otherwise.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "harness/lab/environment.h"
#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "lab_checks.h"
#include "netns/vrrp_packet.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::filesystem::path kCases = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases";

std::string Describe(const ScenarioResult& r) {
  std::string out = fmt::format("error: {}\n", r.error);
  for (const auto& f : r.verdict.failures) out += "failure: " + f + "\n";
  for (const auto& e : r.events) {
    if (e.kind == "client") continue;
    out += fmt::format("  {:>9.1f} ms  {:<7} {:<13} {}\n", e.t_ms, e.node, e.kind, e.detail);
  }
  for (const auto& line : r.log_tail) out += "  | " + line + "\n";
  return out;
}

RunOptions Options() {
  const Environment env = CheckEnvironment(VIPLAB_BUILD_DIR);
  RunOptions options;
  options.lab.keepalived = env.keepalived;
  options.lab.tools_dir = env.tools_dir;
  return options;
}

std::vector<TimedEvent> EventsOf(const ScenarioResult& r, const std::string& node,
                                 const std::string& kind) {
  std::vector<TimedEvent> out;
  std::copy_if(r.events.begin(), r.events.end(), std::back_inserter(out),
               [&](const TimedEvent& e) { return e.node == node && e.kind == kind; });
  return out;
}

// The t_ms of the first event of `node` becoming `state`, if any.
std::optional<double> FirstState(const ScenarioResult& r, const std::string& node,
                                 const std::string& state) {
  for (const TimedEvent& e : r.events) {
    if (e.node == node && e.kind == "state" && e.detail == state) return e.t_ms;
  }
  return std::nullopt;
}

struct PcapSummary {
  int link_type = -1;
  size_t frames = 0;
  std::vector<VrrpAdvert> adverts;
  size_t tcp_to_vip = 0;  // client probes reaching the VIP
  size_t arp = 0;
};

PcapSummary ReadPcap(const std::filesystem::path& file, Ipv4Address vip) {
  PcapSummary out;
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t* p = pcap_open_offline(file.c_str(), errbuf);
  EXPECT_NE(p, nullptr) << errbuf;
  if (!p) return out;
  out.link_type = pcap_datalink(p);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &header, &data) == 1) {
    const std::span<const uint8_t> frame(data, header->caplen);
    ++out.frames;
    if (auto advert = DecodeVrrpFrame(frame)) out.adverts.push_back(*advert);
    if (DecodeArpFrame(frame)) ++out.arp;
    // IPv4 (EtherType at 12) TCP (protocol at 14 + 9) to the VIP (destination at 14 + 16).
    if (frame.size() >= 34 && frame[12] == 0x08 && frame[13] == 0x00 && frame[23] == 6) {
      const uint32_t dst = uint32_t{frame[30]} << 24 | uint32_t{frame[31]} << 16 |
                           uint32_t{frame[32]} << 8 | frame[33];
      if (Ipv4Address(dst) == vip) ++out.tcp_to_vip;
    }
  }
  pcap_close(p);
  return out;
}

class CaptureLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "lab tests need root";
    dir_ = std::filesystem::temp_directory_path() / fmt::format("viplab-capture-{}", ::getpid());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(CaptureLabTest, TrackProcessFailoverShowsEachMastersAdvertsAndKeepsThePcap) {
  // VRRPv2, advert 1 s, lb1 254 / lb2 251; haproxy killed on lb1 puts it in FAULT.
  const Scenario scenario = LoadScenario(kCases / "issue-2599" / "d-track-process.json");
  RunOptions options = Options();
  options.pcap_dir = dir_ / "pcap";
  const std::string host_before = testing::HostNetworkSnapshot();

  const ScenarioResult r = RunScenario(scenario, options);

  ASSERT_TRUE(r.passed) << Describe(r);
  const std::vector<TimedEvent> lb1 = EventsOf(r, "lb1", "advert");
  const std::vector<TimedEvent> lb2 = EventsOf(r, "lb2", "advert");
  ASSERT_FALSE(lb1.empty()) << Describe(r);
  ASSERT_FALSE(lb2.empty()) << Describe(r);
  // Before the fault lb1 is master, advertising its configured priority once a second.
  EXPECT_LT(lb1.front().t_ms, 0);
  for (const TimedEvent& e : lb1) {
    if (e.t_ms < 0) {
      EXPECT_EQ(e.detail, "prio 254 v2 int 1s vrid 51") << Describe(r);
    }
  }
  // Entering FAULT it resigns with a priority-0 advert; lb2 then advertises 251 as master.
  EXPECT_TRUE(std::any_of(lb1.begin(), lb1.end(), [](const TimedEvent& e) {
    return e.t_ms >= 0 && e.detail == "prio 0 v2 int 1s vrid 51";
  })) << Describe(r);
  const std::optional<double> lb2_master = FirstState(r, "lb2", "MASTER");
  ASSERT_TRUE(lb2_master) << Describe(r);
  EXPECT_GE(lb2.front().t_ms, 0) << "lb2 never advertised as master before the fault";
  EXPECT_GE(lb2.front().t_ms, *lb2_master - 50) << Describe(r);
  for (const TimedEvent& e : lb2) EXPECT_EQ(e.detail, "prio 251 v2 int 1s vrid 51");
  // The new master announces the VIP.
  const std::vector<TimedEvent> garps = EventsOf(r, "lb2", "garp");
  ASSERT_FALSE(garps.empty()) << Describe(r);
  EXPECT_GE(garps.front().t_ms, 0);
  EXPECT_THAT(garps.front().detail, StartsWith("10.77.0.200 is-at "));

  // The pcap file: kept where --pcap says, valid, and frame for frame what the timeline saw.
  ASSERT_TRUE(r.pcap) << Describe(r);
  EXPECT_EQ(*r.pcap, dir_ / "pcap" / "issue-2599_d-track-process.pcap");
  const PcapSummary pcap = ReadPcap(*r.pcap, scenario.vip.address());
  EXPECT_EQ(pcap.link_type, DLT_EN10MB);
  EXPECT_EQ(pcap.adverts.size(), lb1.size() + lb2.size());
  EXPECT_GT(pcap.arp, 0u);
  EXPECT_GT(pcap.tcp_to_vip, 0u);  // the client's probes crossed the switch too
  for (const VrrpAdvert& a : pcap.adverts) {
    EXPECT_EQ(a.ttl, 255);
    EXPECT_EQ(a.checksum_ok, std::optional<bool>(true));
  }

  EXPECT_THAT(testing::LabLeftovers(r.lab_prefix), ::testing::IsEmpty());
  EXPECT_THAT(testing::ChildProcesses(), ::testing::IsEmpty());
  EXPECT_EQ(testing::HostNetworkSnapshot(), host_before);
}

TEST_F(CaptureLabTest, NodeCrashShowsTheSilenceBeforeTheBackupTakesOverAndDropsThePcap) {
  // VRRPv3, advert 0.5 s, lb1 150 / lb2 100; lb1 crashes silently, then comes back and preempts.
  const Scenario scenario = LoadScenario(kCases / "catalog" / "node-crash.json");
  const ScenarioResult r = RunScenario(scenario, Options());

  ASSERT_TRUE(r.passed) << Describe(r);
  EXPECT_FALSE(r.pcap) << "a passed scenario without --pcap keeps no capture";
  const std::vector<TimedEvent> lb1 = EventsOf(r, "lb1", "advert");
  const std::vector<TimedEvent> lb2 = EventsOf(r, "lb2", "advert");
  ASSERT_FALSE(lb1.empty()) << Describe(r);
  ASSERT_FALSE(lb2.empty()) << Describe(r);
  for (const TimedEvent& e : lb1) EXPECT_EQ(e.detail, "prio 150 v3 int 50cs vrid 51");
  for (const TimedEvent& e : lb2) EXPECT_EQ(e.detail, "prio 100 v3 int 50cs vrid 51");
  // lb2 is silent as a backup and starts advertising only after the crash; lb1's last advert
  // before it is the last one it sent before dying, one Master_Down_Interval (1.805 s) earlier.
  const TimedEvent& first_lb2 = lb2.front();
  EXPECT_GT(first_lb2.t_ms, 0) << Describe(r);
  double last_lb1 = -1e9;
  for (const TimedEvent& e : lb1) {
    if (e.t_ms < first_lb2.t_ms) last_lb1 = e.t_ms;
  }
  EXPECT_LT(last_lb1, 0) << "lb1 advertised after it crashed\n" << Describe(r);
  EXPECT_GT(first_lb2.t_ms - last_lb1, 1500) << Describe(r);
  EXPECT_LT(first_lb2.t_ms - last_lb1, 2500) << Describe(r);
  // Back after the clear, lb1 preempts: its adverts resume and lb2 falls silent.
  EXPECT_GT(lb1.back().t_ms, first_lb2.t_ms) << Describe(r);
}

TEST_F(CaptureLabTest, AFailedScenarioKeepsItsPcapUnderLogs) {
  Scenario scenario = LoadScenario(kCases / "issue-2599" / "d-track-process.json");
  scenario.expect.owner_after = "lb1";  // wrong on purpose: the VIP moves to lb2
  scenario.expect.vip_moved = false;
  RunOptions options = Options();
  options.logs_dir = dir_ / "logs";

  const ScenarioResult r = RunScenario(scenario, options);

  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.error, "") << Describe(r);
  ASSERT_TRUE(r.pcap) << Describe(r);
  EXPECT_EQ(*r.pcap, dir_ / "logs" / "issue-2599_d-track-process" / "capture.pcap");
  const PcapSummary pcap = ReadPcap(*r.pcap, scenario.vip.address());
  EXPECT_GT(pcap.adverts.size(), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "logs" / "issue-2599_d-track-process" / "lb1"));
}

// A run never passes blind: the capture dies (its bridge deleted under it just before the
// fault) and the run is an error at once, not a PASS of "the VIP stays" on a frozen timeline.
TEST_F(CaptureLabTest, ACaptureThatDiesMakesTheRunAnError) {
  const Scenario scenario = LoadScenario(kCases / "issue-2599" / "a-weight2-nopreempt.json");
  RunOptions options = Options();
  std::string prefix;
  options.progress = [&prefix](const std::string& line) {
    if (const size_t at = line.find("] lab vl-"); at != std::string::npos) {
      prefix = line.substr(at + 6, line.find(' ', at + 6) - (at + 6));  // "vl-7-"
    }
    if (line.find("injecting") != std::string::npos && !prefix.empty()) {
      const std::string command =
          fmt::format("ip -n {}sw link del {}br", prefix, prefix);  // the switch's bridge
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
  };

  const ScenarioResult r = RunScenario(scenario, options);

  EXPECT_FALSE(r.passed) << Describe(r);
  EXPECT_THAT(r.error, HasSubstr("the wire capture stopped")) << Describe(r);
  // The wait for "the VIP stays" ended with the capture, not with the window.
  EXPECT_LT(r.measured.observed_ms, r.window_ms / 2) << Describe(r);
  EXPECT_THAT(testing::LabLeftovers(prefix), ::testing::IsEmpty());
}

}  // namespace
}  // namespace viplab
