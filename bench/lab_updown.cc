// Benchmark: how long bringing a lab's network up and down takes (namespaces + bridge + veths +
// addresses, no daemons), for 3 and 32 nodes. Prints the median over repeated runs. Compare with
// bench/ip_baseline.sh, which does the same with one `ip` command per step.
//
//   sudo build/viplab-bench-updown [--reps N]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "harness/lab/lab_directory.h"
#include "harness/lab/topology.h"
#include "netns/clock.h"

namespace {

using viplab::Ipv4Prefix;

struct Figures {
  double up_ms;
  double down_ms;
};

Figures RunOnce(int nodes) {
  viplab::LabDirectory lab = viplab::LabDirectory::Allocate();
  const Ipv4Prefix subnet = Ipv4Prefix::Parse("10.99.0.0/24");
  viplab::TopologySpec spec;
  spec.prefix = lab.prefix();
  for (int i = 0; i < nodes; ++i) {
    spec.nodes.push_back(
        {fmt::format("n{}", i + 1), Ipv4Prefix(subnet.Host(static_cast<uint32_t>(11 + i)), 24)});
  }
  spec.client = {"client", Ipv4Prefix(subnet.Host(254), 24)};
  const auto t0 = viplab::Now();
  auto topology = viplab::Topology::Build(spec);
  const auto t1 = viplab::Now();
  topology.reset();
  const auto t2 = viplab::Now();
  return {viplab::MillisBetween(t0, t1), viplab::MillisBetween(t1, t2)};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 15;
  CLI::App app{"Times a lab's network up and down (no daemons) for 3 and 32 nodes."};
  app.add_option("--reps", reps, "runs per size; the median is printed")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  fmt::print("{:>6} {:>12} {:>12} {:>14}   (median of {} runs)\n", "nodes", "up ms", "down ms",
             "up+down ms", reps);
  for (int nodes : {3, 32}) {
    RunOnce(nodes);  // warm-up: first namespace creation pays one-off kernel costs
    std::vector<double> up, down, total;
    for (int r = 0; r < reps; ++r) {
      const Figures f = RunOnce(nodes);
      up.push_back(f.up_ms);
      down.push_back(f.down_ms);
      total.push_back(f.up_ms + f.down_ms);
    }
    fmt::print("{:>6} {:>12.1f} {:>12.1f} {:>14.1f}\n", nodes, Median(up), Median(down),
               Median(total));
  }
  return 0;
}
