#include "harness/run/deployment_timing.h"

#include <algorithm>

#include "harness/model/instance_settings.h"
#include "harness/model/vrrp_timing.h"

namespace viplab {

Scenario InstanceTimingView(const Scenario& scenario, const InstanceSpec& instance,
                            Tracked tracked) {
  Scenario view = scenario;
  view.nodes.clear();
  int weights = 0;
  for (const TrackInterfaceSpec& t : instance.track_interfaces) {
    if (tracked == Tracked::kAllUp && t.weight > 0) weights += t.weight;
    if (tracked == Tracked::kAllDown && t.weight < 0) weights += t.weight;
  }
  for (const NodeSpec& node : scenario.nodes) {
    const InstanceNodeSpec* settings = instance.FindNode(node.name);
    if (!settings) continue;
    NodeSpec n = WithInstanceSettings(node, *settings);
    n.priority = settings->priority == 255 ? 255 : std::clamp(settings->priority + weights, 1, 254);
    view.nodes.push_back(std::move(n));
  }
  return view;
}

double InstanceAdvertMs(const InstanceSpec& instance, const std::string& node) {
  const InstanceNodeSpec* settings = instance.FindNode(node);
  return settings ? settings->advert_int * 1000 : 0;
}

double InstanceMaxAdvertMs(const InstanceSpec& instance) {
  double advert = 0;
  for (const InstanceNodeSpec& n : instance.nodes) advert = std::max(advert, n.advert_int * 1000);
  return advert;
}

double DeploymentConvergeTimeoutMs(const Scenario& scenario) {
  double longest = 0;
  for (const InstanceSpec& instance : scenario.instances) {
    const Scenario view = InstanceTimingView(scenario, instance, Tracked::kAllDown);
    if (view.nodes.empty()) continue;
    longest = std::max(longest, LargestMasterDownMs(view) + 3 * MaxAdvertMs(view));
  }
  return longest + 10000;
}

double DeploymentWindowMs(const Scenario& scenario, double predicted_max_ms) {
  double window = 0;
  double max_advert = 0;
  for (const InstanceSpec& instance : scenario.instances) {
    const Scenario view = InstanceTimingView(scenario, instance, Tracked::kAllDown);
    if (view.nodes.empty()) continue;
    window = std::max(window, ObservationWindowMs(view));
    max_advert = std::max(max_advert, MaxAdvertMs(view));
  }
  for (const VipExpectation& v : scenario.expect.vips) {
    if (v.failover_ms && v.failover_ms->max) window = std::max(window, *v.failover_ms->max + 1000);
  }
  return std::max(window, predicted_max_ms + max_advert);
}

}  // namespace viplab
