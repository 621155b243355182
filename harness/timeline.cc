#include "harness/timeline.h"

#include "netns/error.h"

namespace viplab {

void Timeline::Add(TimelineEvent event) {
  {
    std::lock_guard lock(mutex_);
    Apply(event);
    events_.push_back(std::move(event));
  }
  changed_.notify_all();
}

void Timeline::Add(std::string node, std::string kind, std::string detail, TimePoint time) {
  Add(TimelineEvent{time, std::move(node), std::move(kind), std::move(detail)});
}

void Timeline::Apply(const TimelineEvent& e) {
  if (e.kind == event_kind::kVipAdded) {
    if (state_.vip_owners.insert(e.node).second) state_.owner_since[e.node] = e.time;
  } else if (e.kind == event_kind::kVipRemoved) {
    state_.vip_owners.erase(e.node);
    state_.owner_since.erase(e.node);
  } else if (e.kind == event_kind::kState) {
    if (state_.vrrp_state[e.node] != e.detail) state_.vrrp_state_since[e.node] = e.time;
    state_.vrrp_state[e.node] = e.detail;
  } else if (e.kind == event_kind::kClient) {
    static constexpr std::string_view kServed = "served by ";
    if (e.detail.rfind(kServed, 0) == 0) {
      std::string node = e.detail.substr(kServed.size());
      if (state_.client_served_by != node) state_.client_served_since = e.time;
      state_.client_served_by = std::move(node);
    } else {
      state_.client_served_by.reset();
      state_.client_served_since.reset();
    }
  }
}

bool Timeline::WaitUntil(const Condition& condition, TimePoint deadline, const Recheck& recheck) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (state_.interrupted) throw Interrupted();
    if (!failure_.empty()) return false;
    const TimePoint now = Now();
    if (condition(state_, now)) return true;
    if (now >= deadline) return false;
    TimePoint wake = deadline;
    if (recheck) {
      if (auto at = recheck(state_); at && *at > now && *at < wake) wake = *at;
    }
    changed_.wait_until(lock, wake);
  }
}

void Timeline::Interrupt() {
  {
    std::lock_guard lock(mutex_);
    state_.interrupted = true;
  }
  changed_.notify_all();
}

void Timeline::Fail(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return;
    failure_ = reason.empty() ? "a worker of the run failed" : std::move(reason);
  }
  changed_.notify_all();
}

std::string Timeline::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

LabState Timeline::State() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::vector<TimelineEvent> Timeline::Events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace viplab
