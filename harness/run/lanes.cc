#include "harness/run/lanes.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "netns/error.h"

namespace viplab {
namespace {

bool IsInterrupted(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Interrupted&) {
    return true;
  } catch (...) {
    return false;
  }
}

// A scenario whose run threw: failed, with the message as its error; the batch goes on.
ScenarioResult ErrorResult(const Scenario& scenario, const std::string& message) {
  ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file.string();
  result.passed = false;
  result.error = message.empty() ? "the run failed" : message;
  result.expected = scenario.expect;
  result.judged_by = "expect";
  // `service` stays empty: only the runner knows it (RunScenario builds its own error results
  // and throws nothing but Interrupted; this is the fallback for any other runner).
  return result;
}

// Shared by the workers; every member is guarded by `mutex`.
class LaneState {
 public:
  LaneState(const std::vector<Scenario>& scenarios, const ScenarioRunner& run,
            const LaneOptions& options)
      : scenarios_(scenarios),
        run_(run),
        options_(options),
        results_(scenarios.size()),
        errors_(scenarios.size()) {}

  // A worker's whole life: take the next scenario, run it here, report it; until none is left
  // or the lanes stop.
  void Work() {
    while (const std::optional<size_t> index = Take()) {
      std::optional<ScenarioResult> result;
      std::exception_ptr error;
      try {
        if (options_.on_start) options_.on_start(*index);
        result = run_(scenarios_[*index]);
      } catch (const Interrupted&) {
        error = std::current_exception();
      } catch (const std::exception& e) {
        result = ErrorResult(scenarios_[*index], e.what());
      } catch (...) {
        result = ErrorResult(scenarios_[*index], "unknown exception");
      }
      Finish(*index, std::move(result), error);
    }
  }

  // Stops handing out scenarios (a worker thread could not be started).
  void Stop() {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }

  std::vector<ScenarioResult> TakeResults() {
    std::lock_guard lock(mutex_);
    bool interrupted = interrupted_;
    std::exception_ptr first;
    for (const std::exception_ptr& error : errors_) {
      if (!error) continue;
      interrupted = interrupted || IsInterrupted(error);
      if (!first) first = error;
    }
    if (interrupted) throw Interrupted();
    if (first) std::rethrow_exception(first);
    std::vector<ScenarioResult> out;
    out.reserve(results_.size());
    for (auto& result : results_) out.push_back(std::move(*result));
    return out;
  }

 private:
  std::optional<size_t> Take() {
    std::lock_guard lock(mutex_);
    if (stop_ || next_to_start_ == scenarios_.size()) return std::nullopt;
    if (options_.interrupted && options_.interrupted()) {
      interrupted_ = true;
      stop_ = true;
      return std::nullopt;
    }
    return next_to_start_++;
  }

  void Finish(size_t index, std::optional<ScenarioResult> result, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (error) {
      errors_[index] = error;
      stop_ = true;
      return;
    }
    results_[index] = std::move(result);
    // Emit the longest finished prefix; under the lock, so on_result runs in order and alone.
    while (next_to_emit_ < results_.size() && results_[next_to_emit_]) {
      if (options_.on_result) {
        try {
          options_.on_result(next_to_emit_, *results_[next_to_emit_]);
        } catch (...) {
          errors_[next_to_emit_] = std::current_exception();
          results_[next_to_emit_].reset();  // nothing at or after it is emitted any more
          stop_ = true;
          return;
        }
      }
      ++next_to_emit_;
    }
  }

  const std::vector<Scenario>& scenarios_;
  const ScenarioRunner& run_;
  const LaneOptions& options_;
  std::mutex mutex_;
  size_t next_to_start_ = 0;
  size_t next_to_emit_ = 0;
  bool stop_ = false;
  bool interrupted_ = false;
  std::vector<std::optional<ScenarioResult>> results_;
  std::vector<std::exception_ptr> errors_;
};

}  // namespace

std::vector<ScenarioResult> RunLanes(const std::vector<Scenario>& scenarios,
                                     const ScenarioRunner& run, const LaneOptions& options) {
  if (options.jobs < 1) throw InputError(fmt::format("jobs: {} is not at least 1", options.jobs));
  LaneState state(scenarios, run, options);
  const size_t lanes = std::min(static_cast<size_t>(options.jobs), scenarios.size());
  std::vector<std::thread> workers;
  workers.reserve(lanes);
  try {
    for (size_t i = 0; i < lanes; ++i) workers.emplace_back([&state] { state.Work(); });
  } catch (...) {
    // Out of threads: let the lanes already running finish what they took, then report it.
    state.Stop();
    for (std::thread& worker : workers) worker.join();
    throw;
  }
  for (std::thread& worker : workers) worker.join();
  return state.TakeResults();
}

}  // namespace viplab
