// ClientProbe: the data-plane view. From the lab's client namespace it opens a TCP connection to
// VIP:port every `period` (10 ms), sends an HTTP request and records which node answered (the
// stand-in answers with its node name) or why it failed (refused, reset, timeout). Probes overlap
// when answers are slow, so a black-holed VIP never stalls the schedule. Changes of what the
// client sees become Timeline events ("served by lb2", "failed: connection refused").
//
// The probe thread joins the client namespace once (setns moves only that thread), uses
// timerfd + epoll, and stops through an eventfd.
#pragma once

#include <atomic>
#include <chrono>
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

struct ProbeSample {
  TimePoint start;
  TimePoint end;
  bool ok = false;
  std::string node;   // who answered (ok only)
  std::string error;  // why not (failures only)
};

class ClientProbe {
 public:
  ClientProbe(const NetworkNamespace& client_ns, Ipv4Address vip, int port, Timeline& timeline,
              std::chrono::milliseconds period = std::chrono::milliseconds(10),
              std::chrono::milliseconds timeout = std::chrono::milliseconds(200));
  ~ClientProbe();  // stops

  void Start();
  void Stop();
  // All finished probes, ordered by start time.
  std::vector<ProbeSample> Samples() const;

 private:
  void Run();
  int ns_fd_;
  Ipv4Address vip_;
  int port_;
  Timeline& timeline_;
  std::chrono::milliseconds period_;
  std::chrono::milliseconds timeout_;
  UniqueFd stop_fd_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<ProbeSample> samples_;
  std::string last_seen_;  // probe thread only
  std::exception_ptr error_;
};

}  // namespace viplab
