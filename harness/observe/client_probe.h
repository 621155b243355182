// ClientProbe: the data-plane view. From the lab's client namespace it opens a TCP connection to
// VIP:port every `period` (10 ms), sends an HTTP request and records which node answered (the
// stand-in answers with its node name) or why it failed (refused, reset, timeout). Probes overlap
// when answers are slow, so a black-holed VIP never stalls the schedule. Changes of what the
// client sees become Timeline events ("served by lb2", "failed: connection refused") with
// TimelineEvent::vip set. Several VIPs are probed each on its own schedule (its own timer, its
// own in-flight attempts, its own "what the client sees"); the client reaches each through its
// port on the VIP's segment (routing by the connected subnets, no binding here).
//
// The probe thread joins the client namespace once (setns moves only that thread), uses
// timerfd + epoll, and stops through an eventfd.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/observe/timeline.h"
#include "netns/clock.h"
#include "netns/ipv4.h"
#include "netns/unique_fd.h"

namespace viplab {

class NetworkNamespace;
struct Scenario;

struct ProbeSample {
  ProbeSample() = default;
  ProbeSample(TimePoint s, TimePoint e, bool o, std::string n, std::string err, std::string v = {})
      : start(s), end(e), ok(o), node(std::move(n)), error(std::move(err)), vip(std::move(v)) {}
  TimePoint start;
  TimePoint end;
  bool ok = false;
  std::string node;   // who answered (ok only)
  std::string error;  // why not (failures only)
  std::string vip;    // the VIP probed, "10.77.0.200"
};

// Every VIP of `scenario` (AllVips order, duplicates once): what the client probes.
std::vector<Ipv4Address> ProbeTargets(const Scenario& scenario);

class ClientProbe {
 public:
  // Probes every address of `vips` (AllVips order, e.g. ProbeTargets(scenario)).
  ClientProbe(const NetworkNamespace& client_ns, std::vector<Ipv4Address> vips, int port,
              Timeline& timeline, std::chrono::milliseconds period = std::chrono::milliseconds(10),
              std::chrono::milliseconds timeout = std::chrono::milliseconds(200));
  // One VIP.
  ClientProbe(const NetworkNamespace& client_ns, Ipv4Address vip, int port, Timeline& timeline,
              std::chrono::milliseconds period = std::chrono::milliseconds(10),
              std::chrono::milliseconds timeout = std::chrono::milliseconds(200));
  ~ClientProbe();  // stops

  void Start();
  void Stop();
  // All finished probes (every VIP's), ordered by start time.
  std::vector<ProbeSample> Samples() const;
  // Those of one VIP ("10.77.0.200").
  std::vector<ProbeSample> Samples(const std::string& vip) const;

 private:
  void Run();
  int ns_fd_;
  std::vector<Ipv4Address> vips_;
  int port_;
  Timeline& timeline_;
  std::chrono::milliseconds period_;
  std::chrono::milliseconds timeout_;
  UniqueFd stop_fd_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<ProbeSample> samples_;
  std::map<std::string, std::string> last_seen_;  // per VIP; probe thread only
  std::exception_ptr error_;
};

}  // namespace viplab
