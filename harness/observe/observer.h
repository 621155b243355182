// Observer: turns kernel and daemon signals of one lab into Timeline events on one EventLoop
// thread — VIP address added/removed and link changes (netlink, per node namespace), VRRP state
// changes (keepalived notify fifos), process exits (pidfds) and SIGINT/SIGTERM (an eventfd that
// interrupts the timeline). Register everything, then Start(); Stop() before the watched objects
// go away.
//
// Every VIP of the scenario (AllVips) is watched on any interface of a node, matched by address
// whatever its length: vip_added/vip_removed carry TimelineEvent::vip ("10.77.0.200") and the
// configured prefix as detail ("10.77.0.200/24"). Link changes are recorded for every interface
// the node has (NodeSpec::interfaces). A notify line `INSTANCE "VI_2" MASTER 100` is a state
// event with instance "VI_2"; a `GROUP "G1" MASTER` line (vrrp_sync_group) is a note "sync group
// G1: MASTER": its members' own INSTANCE lines already carry the states.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "daemon/notify_fifo.h"
#include "harness/model/scenario.h"
#include "harness/observe/timeline.h"
#include "netns/event_loop.h"
#include "netns/ipv4.h"
#include "netns/netlink_monitor.h"
#include "netns/unique_fd.h"

namespace viplab {

class NetworkNamespace;

class Observer {
 public:
  // Also tells `timeline` the scenario's VIPs and instances (Timeline::SetScope(ScopeOf(...))).
  Observer(Timeline& timeline, const Scenario& scenario);
  ~Observer();

  // Watches the VIPs and the node's interfaces in its namespace. Call before Start().
  void WatchNode(const std::string& node, const NetworkNamespace& ns);
  // Creates the fifo at `host_path` and records every state line keepalived writes to it.
  void WatchNotifyFifo(const std::string& node, const std::filesystem::path& host_path);
  // Records "<what> exited" once `pidfd` becomes readable. Any time, from any thread.
  void WatchProcessExit(const std::string& node, const std::string& what, int pidfd);
  // `event_fd` (edge-triggered) becoming readable interrupts the timeline.
  void WatchInterrupt(int event_fd);

  void Start();
  void Stop();
  // Why observing stopped early (a callback threw: netlink monitor, notify fifo read, ...), or
  // empty. The timeline is failed with the same reason as it happens (Timeline::Fail).
  std::string error() const;
  // For tests: runs `fn` on the observer's loop thread, as a watched source's callback would.
  void PostForTest(std::function<void()> fn) { loop_.Post(std::move(fn)); }

 private:
  Timeline& timeline_;
  std::set<Ipv4Address> vips_;
  std::map<std::string, std::set<std::string>> interfaces_;  // node -> its interfaces' names
  std::string default_interface_;  // a node the scenario does not list: the scenario's
  EventLoop loop_;
  std::vector<std::pair<std::string, std::unique_ptr<NetlinkMonitor>>> monitors_;
  std::vector<std::unique_ptr<NotifyFifo>> fifos_;
  std::mutex pidfds_mutex_;
  std::map<int, UniqueFd> pidfds_;  // duplicates of watched pidfds, closed once they fired
  bool started_ = false;
};

}  // namespace viplab
